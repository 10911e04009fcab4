import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { loadOrCreateLocalKey, mintLocalToken } from '../src/access/local-key';

/**
 * `npm run bench:files` (docs/files.md): the local blob store over loopback, in a server process
 * of its own so that its memory is measured alone.
 *   - upload and download of a 1 GiB file (BENCH_FILE_MB to change), in MB/s, beside `sha256sum`
 *     and `cat` of the same file on the same disk (the physical limits of hashing and reading it), and
 *     downloads beside a bare node:http server streaming the same file (timed downloads are not hashed);
 *   - the server's peak RSS (VmHWM) over all of it;
 *   - 1 000 files of 10 KB uploaded by 8 concurrent clients, in files/s.
 * Each transfer's status and digest are checked. Rounds alternate the tools and the server (the
 * machine's speed drifts), and the median of ROUNDS is reported.
 */
const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SMALL_FILES = 1000;
const SMALL_BYTES = 10 * 1024;
const CLIENTS = 8;
const REGISTRY = 'bench-files';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

async function timed(fn: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function makeFile(file: string, mb: number): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < mb; i++) {
    // Random bytes, so nothing can be deduplicated or compressed away.
    const chunk = randomBytes(1024 * 1024);
    hash.update(chunk);
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
  return `sha256:${hash.digest('hex')}`;
}

async function startServer(dataDir: string): Promise<{ child: ChildProcess; origin: string }> {
  // The compiled server (npm run build), as in production: no TypeScript compiler in its memory.
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: path.join(__dirname, '..'),
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      STORAGE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready at (http:\/\/[^/\s]+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  child.stdout.resume();
  return { child, origin };
}

const memoryOf = (pid: number) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
};

function request(
  origin: string,
  method: string,
  urlPath: string,
  token: string,
  agent: http.Agent | undefined,
  body?: { file?: string; buffer?: Buffer; length: number },
  /** Hash what comes back (to verify it). Timed downloads do not: it would take the same cores as the server. */
  hash = true,
): Promise<{ status: number; digest: string | null; bytes: number }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${token}`,
    };
    if (body) headers['content-length'] = body.length;
    const req = http.request(`${origin}${urlPath}`, { method, headers, agent }, (res) => {
      const hasher = hash ? createHash('sha256') : null;
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        hasher?.update(c);
        bytes += c.length;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode!, digest: hasher && `sha256:${hasher.digest('hex')}`, bytes }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (!body) req.end();
    else if (body.buffer) req.end(body.buffer);
    else void pipeline(fs.createReadStream(body.file!, { highWaterMark: 1024 * 1024 }), req).catch(reject);
  });
}

/**
 * The reference for downloads: a bare node:http server in its own process streaming the same file
 * with fs.createReadStream, the least a Node server can do to serve it over the same loopback.
 */
async function startStaticServer(file: string): Promise<{ child: ChildProcess; origin: string }> {
  const script = `
    const http = require('node:http'), fs = require('node:fs');
    const file = process.argv[1], size = fs.statSync(file).size;
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
      fs.createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(res);
    });
    server.listen(0, '127.0.0.1', () => console.log('ready at http://127.0.0.1:' + server.address().port));`;
  const child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(/ready at (\S+)/.exec(d.toString())![1]));
    child.once('exit', (code) => reject(new Error(`static server exited with ${code}`)));
  });
  return { child, origin };
}

async function graphql(origin: string, token: string, query: string): Promise<void> {
  const res = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

async function main(): Promise<void> {
  // The big file sits on the same disk as the server's data directory.
  process.stderr.write('building the server (npm run build)…\n');
  execFileSync('npm', ['run', '-s', 'build'], {
    cwd: path.join(__dirname, '..'),
    stdio: 'inherit',
  });
  const work = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'bench-files-'));
  const dataDir = path.join(work, 'data');
  const file = path.join(work, 'big.bin');
  const bytes = FILE_MB * 1024 * 1024;
  process.stderr.write(`writing a ${FILE_MB} MiB file in ${work}…\n`);
  const digest = makeFile(file, FILE_MB);
  const { child, origin } = await startServer(dataDir);
  try {
    const { key } = await loadOrCreateLocalKey(path.join(dataDir, 'local-signing-key.json'));
    const token = await mintLocalToken(key, {
      subject: 'admin',
      ttlSeconds: 3600,
      groupsClaim: 'groups',
    });
    await graphql(origin, token, `mutation { createRegistry(input: { name: "${REGISTRY}" }) { registry { id } } }`);
    const before = memoryOf(child.pid!);
    const blobUrl = `/v1/registries/${REGISTRY}/blobs/${digest}`;
    const hex = digest.slice('sha256:'.length);
    const storedFile = path.join(dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);

    const rounds = {
      sha256sum: [] as number[],
      cat: [] as number[],
      upload: [] as number[],
      download: [] as number[],
      static: [] as number[],
    };
    // Uploads first, then downloads, so the peak RSS of each can be told apart (VmHWM only grows).
    for (let r = 0; r < ROUNDS; r++) {
      process.stderr.write(`upload round ${r + 1}/${ROUNDS}\n`);
      rounds.sha256sum.push(mbps(bytes, await timed(() => execFileSync('sha256sum', [file]))));
      fs.rmSync(storedFile, { force: true });
      rounds.upload.push(
        mbps(
          bytes,
          await timed(async () => {
            const res = await request(origin, 'PUT', blobUrl, token, undefined, { file, length: bytes });
            if (res.status !== 201) throw new Error(`upload answered ${res.status}`);
          }),
        ),
      );
    }
    const uploaded = memoryOf(child.pid!);
    // One untimed download checks the bytes; the timed ones only count them.
    const checked = await request(origin, 'GET', blobUrl, token, undefined);
    if (checked.status !== 200 || checked.digest !== digest || checked.bytes !== bytes)
      throw new Error(`download answered ${checked.status}, ${checked.bytes} bytes, ${checked.digest}`);
    const reference = await startStaticServer(file);
    for (let r = 0; r < ROUNDS; r++) {
      process.stderr.write(`download round ${r + 1}/${ROUNDS}\n`);
      rounds.cat.push(mbps(bytes, await timed(() => execFileSync('sh', ['-c', `cat "${file}" > /dev/null`]))));
      rounds.download.push(
        mbps(
          bytes,
          await timed(async () => {
            const res = await request(origin, 'GET', blobUrl, token, undefined, undefined, false);
            if (res.status !== 200 || res.bytes !== bytes) throw new Error(`download answered ${res.status}`);
          }),
        ),
      );
      rounds.static.push(
        mbps(
          bytes,
          await timed(async () => {
            const res = await request(reference.origin, 'GET', '/', token, undefined, undefined, false);
            if (res.status !== 200 || res.bytes !== bytes) throw new Error(`static server answered ${res.status}`);
          }),
        ),
      );
    }
    reference.child.kill('SIGTERM');
    const big = memoryOf(child.pid!);

    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const small = Array.from({ length: SMALL_FILES }, (_, i) =>
      Buffer.from(
        createHash('sha512')
          .update(`small ${i}`)
          .digest('hex')
          .repeat(SMALL_BYTES / 128),
      ),
    );
    let next = 0;
    const smallMs = await timed(() =>
      Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (next < small.length) {
            const body = small[next++];
            const d = `sha256:${createHash('sha256').update(body).digest('hex')}`;
            const res = await request(origin, 'PUT', `/v1/registries/${REGISTRY}/blobs/${d}`, token, agent, {
              buffer: body,
              length: body.length,
            });
            if (res.status !== 201) throw new Error(`small upload answered ${res.status}`);
          }
        }),
      ),
    );
    agent.destroy();
    const after = memoryOf(child.pid!);

    const up = median(rounds.upload);
    const down = median(rounds.download);
    const hashRate = median(rounds.sha256sum);
    const catRate = median(rounds.cat);
    const staticRate = median(rounds.static);
    const row = (what: string, value: string, reference: string, ratio: string) =>
      `| ${what} | ${value} | ${reference} | ${ratio} |`;
    const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    process.stdout.write(
      [
        `\n${FILE_MB} MiB file, ${ROUNDS} rounds (median, range in brackets), local backend over loopback, ` +
          `${os.cpus().length} cores, Node ${process.version}\n`,
        '| measure | server | same file, same disk | ratio (target) |',
        '|---|---|---|---|',
        row(
          'upload (PUT, hashed, fsynced)',
          `${up.toFixed(0)} MB/s (${spread(rounds.upload)})`,
          `sha256sum ${hashRate.toFixed(0)} MB/s (${spread(rounds.sha256sum)})`,
          `${((100 * up) / hashRate).toFixed(0)}% (≥ 50%)`,
        ),
        row(
          'download (GET)',
          `${down.toFixed(0)} MB/s (${spread(rounds.download)})`,
          `cat ${catRate.toFixed(0)} MB/s (${spread(rounds.cat)})`,
          `${((100 * down) / catRate).toFixed(0)}% (≥ 70%)`,
        ),
        row(
          'download (GET), same',
          `${down.toFixed(0)} MB/s`,
          `bare node:http + createReadStream ${staticRate.toFixed(0)} MB/s (${spread(rounds.static)})`,
          `${((100 * down) / staticRate).toFixed(0)}%`,
        ),
        row(
          'server peak RSS (VmHWM)',
          `${after.peakMb.toFixed(0)} MB`,
          `${before.rssMb.toFixed(0)} MB after start; peak ${uploaded.peakMb.toFixed(0)} MB after the uploads, ` +
            `${big.peakMb.toFixed(0)} MB after the downloads`,
          '< 150 MB',
        ),
        row(
          `${SMALL_FILES} × ${SMALL_BYTES / 1024} KB uploads, ${CLIENTS} clients`,
          `${((SMALL_FILES * 1000) / smallMs).toFixed(0)} files/s`,
          '',
          '',
        ),
        '',
      ].join('\n'),
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
