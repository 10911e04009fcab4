/**
 * The `model-registry` CLI (docs/cli.md) against the real server: run as its own process through
 * the bin shim, as a user runs it, with exit codes and messages checked.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { generatedBytes } from '../support/blobs';
import { runCli, startCuttingProxy } from '../support/cli';
import { startTestServer, TestServer } from '../support/server';

let s: TestServer;
let tmp: string;
let env: NodeJS.ProcessEnv;

const fileDigest = async (file: string) => {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
};

beforeAll(async () => {
  s = await startTestServer();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
  env = {
    PATH: process.env.PATH,
    HOME: tmp,
    XDG_CONFIG_HOME: path.join(tmp, 'config'),
    MODEL_REGISTRY_URL: new URL(s.url).origin,
    MODEL_REGISTRY_TOKEN: await s.token('local-admin'),
  };
  await s.ok('mutation { createRegistry(input: {name: "vision"}) { registry { name } } }');
});

afterAll(async () => {
  await s?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const write = (name: string, data: Buffer | string) => {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
};

test('login stores the server and token readable by the user only, and whoami uses them', async () => {
  const { MODEL_REGISTRY_URL: url, MODEL_REGISTRY_TOKEN: token, ...bare } = env;
  const login = await runCli(['login', '--server', `${url}/graphql`, '--token', token!], bare);
  expect(login).toMatchObject({ code: 0 });
  expect(login.stdout).toContain('as local-admin');
  const file = path.join(env.XDG_CONFIG_HOME!, 'model-registry', 'config.json');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ server: url, token });
  const who = await runCli(['whoami', '--json'], bare);
  expect(JSON.parse(who.stdout)).toMatchObject({ subject: 'local-admin', globalAdmin: true });
  // A token that the server refuses is not saved.
  const bad = await runCli(['login', '--server', url!, '--token', 'nope'], bare);
  expect(bad.code).toBe(4);
  expect(JSON.parse(fs.readFileSync(file, 'utf8')).token).toBe(token);
  // `--token -` reads it from stdin, so it never shows on the command line.
  fs.rmSync(file);
  const piped = await runCli(['login', '--server', url!, '--token', '-'], bare, undefined, `${token}\n`);
  expect(piped).toMatchObject({ code: 0 });
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ server: url, token });
  const empty = await runCli(['login', '--server', url!, '--token', '-'], bare, undefined, '');
  expect(empty.code).toBe(2);
});

test('login --web prints a console link for the current session, and refuses without a usable one', async () => {
  const { MODEL_REGISTRY_URL: url, MODEL_REGISTRY_TOKEN: _token, ...rest } = env;
  const bare = { ...rest, XDG_CONFIG_HOME: path.join(tmp, 'config-web') };
  const none = await runCli(['login', '--web'], bare);
  expect(none.code).toBe(4);
  expect(none.stdout).toBe('');

  const token = await s.token('alice', { expiresIn: 600 });
  expect(await runCli(['login', '--server', url!, '--token', token], bare)).toMatchObject({ code: 0 });
  const web = await runCli(['login', '--web'], bare);
  expect(web.code).toBe(0);
  expect(web.stdout.trim()).toBe(`${url}/login#token=${token}`);
  expect(web.stderr).toContain('as alice');
  expect(web.stderr).toContain('do not share it');
  const json = await runCli(['login', '--web', '--json'], bare);
  expect(JSON.parse(json.stdout)).toEqual({ server: url, subject: 'alice', url: `${url}/login#token=${token}` });
  // Nothing was saved or changed by --web.
  const file = path.join(bare.XDG_CONFIG_HOME, 'model-registry', 'config.json');
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ server: url, token });

  // A refused token gives no link: it would only bounce off the sign-in page.
  const refused = await runCli(['login', '--web', '--server', url!, '--token', 'nope'], bare);
  expect(refused.code).toBe(4);
  expect(refused.stdout).toBe('');
  // Without --web, a server is still required.
  expect((await runCli(['login', '--token', token], bare)).code).toBe(2);
});

test('link hashes a directory, uploads only missing blobs, and prints R/M:vN', async () => {
  write('ckpt/config.json', '{"layers":3}');
  write('ckpt/weights/part-0.bin', Buffer.alloc(100_000, 7));
  const first = await runCli(
    ['link', path.join(tmp, 'ckpt'), '--registry', 'vision', '--model', 'dirs', '--metric', 'acc=0.9', '--json'],
    env,
  );
  expect(first.code).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ created: true, files: 2, uploaded: { blobs: 2 } });
  write('ckpt/extra.txt', 'new');
  const second = await runCli(
    ['link', path.join(tmp, 'ckpt'), '--registry', 'vision', '--model', 'dirs', '--tag', 'x', '--alias', 'staging'],
    env,
  );
  expect(second).toMatchObject({ code: 0, stdout: 'vision/dirs:v1\n' });
  expect(second.stderr).toContain('uploaded 1 (3 B)');
  const dedupe = await runCli(
    ['link', path.join(tmp, 'ckpt'), '--registry', 'vision', '--model', 'dirs', '--dedupe'],
    env,
  );
  expect(dedupe).toMatchObject({ code: 0, stdout: 'vision/dirs:v1\n' });
  const { model } = await s.ok('{ model(registry: "vision", name: "dirs") { versions { totalCount } } }');
  expect(model.versions.totalCount).toBe(2);
});

test('link refuses a symlink loop as a usage error and names an unreadable file', async () => {
  write('looped/model.bin', 'weights');
  fs.symlinkSync('..', path.join(tmp, 'looped', 'back'));
  const loop = await runCli(['link', path.join(tmp, 'looped'), '--registry', 'vision', '--model', 'loop'], env);
  expect(loop.code).toBe(2);
  expect(loop.stderr).toContain('symlink loop');
  expect(loop.stderr).not.toContain('    at ');
  if (process.getuid?.() === 0) return; // root reads files whatever their mode
  const secret = write('locked/secret.bin', 'secret');
  fs.chmodSync(secret, 0o000);
  const denied = await runCli(['link', path.join(tmp, 'locked'), '--registry', 'vision', '--model', 'locked'], env);
  expect(denied.code).toBe(2);
  expect(denied.stderr).toContain('permission denied');
});

test('versions, history, lineage, registries and models print tables, or JSON with --json', async () => {
  for (const acc of ['0.7', '0.95', '0.8'])
    expect(
      (
        await runCli(
          ['link', write(`r-${acc}.bin`, acc), '--registry', 'vision', '--model', 'ranked', '--metric', `acc=${acc}`],
          env,
        )
      ).code,
    ).toBe(0);
  const table = await runCli(['versions', 'vision/ranked', '--order-by', 'acc'], env);
  expect(table.stdout.split('\n')[0]).toMatch(/^VERSION\s+ALIASES\s+METRICS/);
  expect(
    table.stdout
      .split('\n')
      .slice(1, 4)
      .map((l) => l.split(/\s+/)[0]),
  ).toEqual(['v1', 'v2', 'v0']);
  const json = JSON.parse((await runCli(['versions', 'vision/ranked', '--json'], env)).stdout);
  expect(json.map((v: { name: string }) => v.name)).toEqual(['v2', 'v1', 'v0']);
  expect((await runCli(['alias', 'set', 'vision/ranked', 'staging', 'v1', '--reason', 'best'], env)).stdout).toBe(
    'vision/ranked:staging -> v1\n',
  );
  const history = JSON.parse((await runCli(['history', 'vision/ranked', '--alias', 'staging', '--json'], env)).stdout);
  expect(history).toMatchObject([{ alias: 'staging', toVersion: { name: 'v1' }, reason: 'best' }]);
  expect((await runCli(['lineage', 'vision/ranked:staging', '--mermaid'], env)).stdout).toContain('flowchart');
  expect((await runCli(['registries'], env)).stdout).toMatch(/^NAME\s+VISIBILITY.*\nvision\s/);
  const models = JSON.parse((await runCli(['models', 'vision', '--json'], env)).stdout);
  expect(models.map((m: { name: string }) => m.name)).toContain('ranked');
  expect((await runCli(['alias', 'rm', 'vision/ranked', 'staging'], env)).stdout).toBe(
    'Removed vision/ranked:staging (was v1).\n',
  );
});

test('exit codes tell usage, not found, unauthenticated, forbidden, conflict and server errors apart', async () => {
  await runCli(['link', write('codes.bin', 'codes'), '--registry', 'vision', '--model', 'codes'], env);
  expect((await runCli(['link', 'codes.bin', '--model', 'm'], env)).code).toBe(2);
  expect((await runCli(['versions', 'not-a-ref'], env)).code).toBe(2);
  expect(
    (await runCli(['link', write('m.bin', 'x'), '--registry', 'vision', '--model', 'm', '--metric', 'acc=high'], env))
      .code,
  ).toBe(2);
  const missing = await runCli(['pull', 'vision/codes:nope'], env);
  expect(missing.code).toBe(3);
  expect(missing.stderr).toContain('[NOT_FOUND]');
  expect(missing.stderr).toContain('`model-registry versions R/M`');
  expect((await runCli(['whoami'], { ...env, MODEL_REGISTRY_TOKEN: 'expired' })).code).toBe(4);
  const conflict = await runCli(['alias', 'set', 'vision/codes', 'staging', 'v0', '--expected', 'v5'], env);
  expect(conflict.code).toBe(6);
  expect(conflict.stderr).toContain('see `model-registry history R/M`, then retry');
  expect((await runCli(['lineage', 'vision/codes:v0', '--depth', 'abc'], env)).code).toBe(2);
  const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
  expect(await runCli(['--version'], env)).toMatchObject({ code: 0, stdout: `${version}\n` });
  await s.ok(
    'mutation { grantRole(input: {registry: "vision", subject: "alice", role: MEMBER}) { binding { role } } }',
  );
  const alice = { ...env, MODEL_REGISTRY_TOKEN: await s.token('alice') };
  expect((await runCli(['alias', 'set', 'vision/codes', 'staging', 'v0'], alice)).code).toBe(0);
  const denied = await runCli(['alias', 'set', 'vision/codes', 'production', 'v0'], alice);
  expect(denied.code).toBe(5);
  // It says who may move it: the registry's admins (the creator here) or a global admin.
  expect(denied.stderr).toContain('"production" is protected in vision');
  expect(denied.stderr).toContain('Ask one of its admins (local-admin) or a global admin');
  const notAdmin = await runCli(['registry', 'create', 'alices'], alice);
  expect(notAdmin.code).toBe(5);
  expect(notAdmin.stderr).toContain('needs a global admin');
  expect(notAdmin.stderr).toContain('AUTH_ADMINS');
  const down = await runCli(['registries'], { ...env, MODEL_REGISTRY_URL: 'http://127.0.0.1:9' });
  expect(down.code).toBe(7);
  expect(down.stderr).toContain('Is the server running there?');
});

test('pull of a 200 MB version verifies it and resumes an interrupted download with Range', async () => {
  const size = 200 * 1024 * 1024;
  const source = path.join(tmp, 'big', 'model.bin');
  fs.mkdirSync(path.dirname(source), { recursive: true });
  await pipeline(generatedBytes(size, 'cli-pull'), fs.createWriteStream(source));
  const digest = await fileDigest(source);
  expect((await runCli(['link', source, '--registry', 'vision', '--model', 'big'], env)).code).toBe(0);
  fs.rmSync(source);

  const proxy = await startCuttingProxy(new URL(s.url).origin);
  try {
    const viaProxy = { ...env, MODEL_REGISTRY_URL: proxy.url };
    const out = path.join(tmp, 'pulled');
    proxy.cutNextDownloadAfter(64 * 1024 * 1024);
    const cut = await runCli(['pull', 'vision/big:latest', '-o', out], viaProxy);
    expect(cut.code).toBe(7);
    expect(cut.stderr).toContain('Run the same pull again: it resumes');
    expect(fs.existsSync(path.join(out, 'model.bin'))).toBe(false); // nothing under the final name
    const partial = fs.statSync(path.join(out, 'model.bin.part')).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(size);

    const resumed = await runCli(['pull', 'vision/big:latest', '-o', out, '--json'], viaProxy);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ downloaded: 1, resumed: 1, bytesReceived: size - partial });
    expect(proxy.downloads).toHaveLength(2);
    expect(proxy.downloads[1]).toMatchObject({ range: `bytes=${partial}-`, status: 206, bytes: size - partial });
    expect(fs.readdirSync(out)).toEqual(['model.bin']);
    expect(await fileDigest(path.join(out, 'model.bin'))).toBe(digest);

    // Pulled again: the file in place is verified and not downloaded.
    const again = await runCli(['pull', 'vision/big:latest', '-o', out, '--json'], viaProxy);
    expect(JSON.parse(again.stdout)).toMatchObject({ downloaded: 0, upToDate: 1 });
    expect(proxy.downloads).toHaveLength(2);
  } finally {
    await proxy.stop();
  }
}, 180_000);

test('pull refuses a partial file whose bytes do not match, removes it, and a second pull succeeds', async () => {
  const data = Buffer.alloc(50_000, 3);
  await runCli(['link', write('c/model.bin', data), '--registry', 'vision', '--model', 'corrupt'], env);
  const out = path.join(tmp, 'corrupt-out');
  write('corrupt-out/model.bin.part', Buffer.alloc(50_000, 4)); // whole size, wrong bytes
  const refused = await runCli(['pull', 'vision/corrupt:v0', '-o', out], env);
  expect(refused.code).toBe(8);
  expect(refused.stderr).toContain('do not match');
  expect(fs.readdirSync(out)).toEqual([]);
  expect((await runCli(['pull', 'vision/corrupt:v0', '-o', out], env)).code).toBe(0);
  expect(fs.readFileSync(path.join(out, 'model.bin'))).toEqual(data);
});
