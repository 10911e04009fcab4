import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { createLogger } from '../../src/common/logger';
import { createTestDatabase } from '../support/database';
import { AUDIENCE, IdentityProvider, ISSUER } from '../support/identity-provider';
import { startTestServer, TEST_ADMIN } from '../support/server';

// Issue #7: a stopping server finishes the requests it has, within SHUTDOWN_TIMEOUT_MS, then
// drains background workers; main.ts does this on SIGTERM and closes the database last.

const QUERY = JSON.stringify({ query: 'query Held { viewer { subject } }' });

/** A POST whose body arrives in two parts: the server holds the request until `finish()`. */
function heldRequest(url: string, token: string) {
  const req = http.request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(QUERY),
      authorization: `Bearer ${token}`,
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.write(QUERY.slice(0, 10));
  return { response, finish: () => req.end(QUERY.slice(10)) };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Requests the server is serving, the scrape itself included. */
async function inFlight(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^model_registry_http_requests_in_flight (\d+)$/m.exec(text)![1]);
}

const refused = (base: string) =>
  fetch(`${base}/healthz`).then(
    () => false,
    () => true,
  );

describe('graceful shutdown', () => {
  it('stops accepting, finishes the request in flight, then stops background workers', async () => {
    const seen: string[] = [];
    const worker = {
      name: 'test-worker',
      async stop() {
        const open = await new Promise<number>((r) => s.app.http.getConnections((_e, n) => r(n)));
        seen.push(
          `worker stopped with the server ${s.app.http.listening ? 'listening' : 'closed'} and ${open} connections`,
        );
      },
    };
    const s = await startTestServer({}, { workers: [worker] });
    const base = s.url.replace('/graphql', '');
    try {
      const held = heldRequest(s.url, await s.token(TEST_ADMIN));
      await until(async () => (await inFlight(base)) >= 2, 'the held request is in flight');

      const stopped = s.app.stop().then(() => seen.push('app stopped'));
      await until(() => refused(base), 'new connections are refused');
      expect(seen).toEqual([]);

      held.finish();
      const r = await held.response;
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({
        data: { viewer: { subject: TEST_ADMIN } },
      });
      await stopped;
      expect(seen).toEqual(['worker stopped with the server closed and 0 connections', 'app stopped']);
    } finally {
      await s.stop();
    }
  });

  it('cuts a request still running at SHUTDOWN_TIMEOUT_MS and says so in the log', async () => {
    const lines: Record<string, unknown>[] = [];
    const s = await startTestServer(
      { SHUTDOWN_TIMEOUT_MS: '300' },
      { logger: createLogger('warn', (l) => void lines.push(JSON.parse(l))) },
    );
    const base = s.url.replace('/graphql', '');
    try {
      const held = heldRequest(s.url, await s.token(TEST_ADMIN));
      const outcome = held.response.then(
        () => 'answered',
        (err: Error) => `cut: ${err.message}`,
      );
      await until(async () => (await inFlight(base)) >= 2, 'the held request is in flight');
      await s.app.stop();
      expect(await outcome).toMatch(/^cut: (socket hang up|read ECONNRESET)$/);
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          msg: 'shutdown cut requests still running at the deadline',
          cut: 1,
          shutdownTimeoutMs: 300,
        }),
      );
    } finally {
      await s.stop();
    }
  });
});

describe('main.ts on SIGTERM', () => {
  let child: ChildProcess | undefined;
  afterEach(() => child?.exitCode === null && child.kill('SIGKILL'));

  it('finishes the request in flight, closes the database and exits 0', async () => {
    const db = await createTestDatabase();
    const idp = await IdentityProvider.start();
    try {
      const url = db.config.kind === 'sqlite' ? `sqlite:${db.config.file}` : db.config.url;
      child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
        cwd: path.resolve(__dirname, '..', '..'),
        env: {
          ...process.env,
          NODE_ENV: 'production',
          PORT: '0',
          HOST: '127.0.0.1',
          DATABASE_URL: url,
          LOG_LEVEL: 'info',
          AUTH_JWKS_URL: idp.url,
          AUTH_ISSUER: ISSUER,
          AUTH_AUDIENCE: AUDIENCE,
          AUTH_ADMINS: TEST_ADMIN,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const lines: Record<string, unknown>[] = [];
      let stderr = '';
      child.stderr!.on('data', (c) => (stderr += c));
      let partial = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop()!;
        for (const line of parts) if (line.startsWith('{')) lines.push(JSON.parse(line));
      });
      const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
      await until(
        async () => lines.some((l) => l.msg === 'model registry listening') || child!.exitCode !== null,
        'the server listens',
      );
      const started = lines.find((l) => l.msg === 'model registry listening');
      if (!started) throw new Error(`server did not start: ${stderr}`);
      const api = String(started.url);
      const base = api.replace('/graphql', '');

      const held = heldRequest(api, await idp.token(TEST_ADMIN, { expiresIn: 600 }));
      await until(async () => (await inFlight(base)) >= 2, 'the held request is in flight');
      child.kill('SIGTERM');
      await until(() => refused(base), 'new connections are refused');

      held.finish();
      const r = await held.response;
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({
        data: { viewer: { subject: TEST_ADMIN } },
      });
      expect(await exited).toBe(0);
      const msgs = lines.map((l) => l.msg);
      expect(msgs.slice(msgs.indexOf('shutting down'))).toEqual(['shutting down', 'graphql request', 'stopped']);
      expect(lines.find((l) => l.msg === 'graphql request')).toMatchObject({
        operationName: 'Held',
        status: 200,
        subject: TEST_ADMIN,
      });
    } finally {
      await idp.stop();
      await db.drop();
    }
  });
});
