import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateLocalKey } from '../../src/access/local-key';
import { loadConfig } from '../../src/config';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { openToOthers, privatePaths, privateStoragePaths } from '../../src/common/private-files';
import { createDataSource } from '../../src/db/data-source';
import { LocalBlobStore } from '../../src/storage/local-store';

// Issue #11, item 6: the embedded database and local mode's signing key are for the server's
// user alone. Directories the server creates are 0700, its files 0600 (SQLite's -wal and -shm
// included); an existing directory keeps its mode, and the server warns about it at start.

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-private-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('files the server creates', () => {
  // The usual umask (022) turns SQLite's default 0644 into a world-readable file; the modes must
  // not depend on the umask being strict.
  let umask: number;
  beforeAll(() => (umask = process.umask(0o022)));
  afterAll(() => process.umask(umask));

  it('creates the SQLite directory 0700 and the database, -wal and -shm files 0600', async () => {
    const dataDir = path.join(tempDir(), 'data', 'nested');
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir });
    expect(config.database.kind).toBe('sqlite');
    const ds = createDataSource(config.database);
    await ds.initialize();
    try {
      await ds.query('CREATE TABLE t (x INTEGER)');
      await ds.query('INSERT INTO t VALUES (1)');
      const file = path.join(dataDir, 'registry.sqlite');
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(path.dirname(dataDir))).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, modeOf(f).toString(8)]).toEqual([f, '600']);
    } finally {
      await ds.destroy();
    }
  });

  it('creates the local signing key 0600 in a directory made 0700', async () => {
    const dataDir = path.join(tempDir(), 'keys');
    const file = path.join(dataDir, 'local-signing-key.json');
    expect((await loadOrCreateLocalKey(file)).created).toBe(true);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
  });

  it('stores blobs 0600 in directories made 0700, the blob root included', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir });
    expect(config.storage.location).toEqual({ kind: 'local', dir: path.join(dataDir, 'blobs') });
    const root = path.join(dataDir, 'blobs');
    const store = new LocalBlobStore(root);
    await store.init();
    const bytes = Buffer.from('model weights');
    const hex = createHash('sha256').update(bytes).digest('hex');
    expect((await store.put(hex, Readable.from([bytes]), { maxBytes: 1024 })).created).toBe(true);
    const made = [dataDir, root, `${root}/tmp`, `${root}/sha256`, `${root}/sha256/${hex.slice(0, 2)}`];
    made.push(`${made[4]}/${hex.slice(2, 4)}`);
    for (const d of made) expect([d, modeOf(d).toString(8)]).toEqual([d, '700']);
    const blob = `${made[5]}/${hex}`;
    expect([blob, modeOf(blob).toString(8)]).toEqual([blob, '600']);
    expect(openToOthers(privateStoragePaths(config))).toEqual([]);
    // A blob root that existed open to others is reported, with DATA_DIR that holds it.
    fs.chmodSync(root, 0o755);
    expect(privateStoragePaths(config)).toEqual([dataDir, root]);
    expect(openToOthers(privateStoragePaths(config))).toEqual([{ path: root, mode: '755' }]);
  });

  it('leaves an existing directory as it is, and reports it and any of its files open to others', async () => {
    const dataDir = tempDir();
    fs.chmodSync(dataDir, 0o755);
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir });
    const ds = createDataSource(config.database);
    await ds.initialize();
    await ds.destroy();
    expect(modeOf(dataDir)).toBe(0o755);
    expect(openToOthers(privatePaths(config))).toEqual([{ path: dataDir, mode: '755' }]);
    const key = path.join(dataDir, 'local-signing-key.json');
    fs.writeFileSync(key, '{}', { mode: 0o644 });
    expect(openToOthers(privatePaths(config))).toEqual([
      { path: dataDir, mode: '755' },
      { path: key, mode: '644' },
    ]);
  });

  it('checks no directory or file when the database is MariaDB, tokens come from a JWKS and blobs go to S3', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: 'mariadb://u@127.0.0.1:3306/x',
      AUTH_JWKS_URL: 'https://idp.example.com/jwks',
      AUTH_ISSUER: 'i',
      AUTH_AUDIENCE: 'a',
      STORAGE_URL: 's3://models-bucket/registry',
    });
    expect(privatePaths(config)).toEqual([]);
    expect(privateStoragePaths(config)).toEqual([]);
  });
});

describe('main.ts with a DATA_DIR open to others', () => {
  let child: ChildProcess | undefined;
  afterEach(() => child?.exitCode === null && child.kill('SIGKILL'));

  it('starts, keeps its own files private, and warns about the directory with the command that fixes it', async () => {
    const dataDir = tempDir();
    fs.chmodSync(dataDir, 0o755);
    const blobs = path.join(dataDir, 'blobs');
    fs.mkdirSync(blobs, { mode: 0o755 });
    fs.chmodSync(blobs, 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1' };
    for (const k of Object.keys(env)) if (k.startsWith('AUTH_') || k === 'DATABASE_URL') delete env[k];
    Object.assign(env, { DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      cwd: path.resolve(__dirname, '..', '..'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    let partial = '';
    const listening = new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop()!;
        for (const line of parts.filter((l) => l.startsWith('{'))) {
          lines.push(JSON.parse(line));
          if (lines[lines.length - 1].msg === 'model registry listening') resolve();
        }
      });
      child!.on('exit', () => reject(new Error(`server exited: ${stderr}`)));
    });
    await listening;
    const exited = new Promise((r) => child!.on('exit', r));
    child.kill('SIGTERM');
    await exited;

    expect(lines.filter((l) => /open to other users/.test(String(l.msg)))).toEqual([
      expect.objectContaining({ level: 'warn', path: dataDir, mode: '755', fix: `chmod go-rwx ${dataDir}` }),
      expect.objectContaining({ level: 'warn', path: blobs, mode: '755', fix: `chmod go-rwx ${blobs}` }),
    ]);
    expect(modeOf(dataDir)).toBe(0o755);
    const files = ['registry.sqlite', 'registry.sqlite-wal', 'registry.sqlite-shm', 'local-signing-key.json'];
    for (const f of files.map((n) => path.join(dataDir, n))) {
      if (fs.existsSync(f)) expect([f, modeOf(f).toString(8)]).toEqual([f, '600']);
    }
    expect(fs.existsSync(path.join(dataDir, 'registry.sqlite'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'local-signing-key.json'))).toBe(true);
  });
});
