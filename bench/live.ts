import 'reflect-metadata';
/**
 * Live updates under fan-out: `npm run bench:live`.
 *
 * A server in a child process (main.ts, NODE_ENV=production) holds 1 000 subscriptions to one
 * alias, over 100 WebSocket connections of 10 subscriptions each. One alias move at a time, 20
 * times: the time from sending the mutation until the last of the 1 000 subscribers has the event
 * (each event is checked: the version moved to, and the one before). Then the server's resident
 * memory with and without those subscriptions. Run once with the in-process bus and once through
 * Redis (REDIS_URL, default redis://127.0.0.1:6379; BENCH_REDIS=off skips it).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createTestDatabase, TestDatabase } from '../test/support/database';
import { AUDIENCE, IdentityProvider, ISSUER } from '../test/support/identity-provider';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const PER_CONNECTION = Number(process.env.BENCH_SUBSCRIPTIONS_PER_CONNECTION ?? 10);
const MOVES = Number(process.env.BENCH_MOVES ?? 20);
const ADMIN = 'bench-admin';
const SUBSCRIPTION = `subscription { aliasChanged(registry: "bench", model: "m", alias: "production") {
  id version { name } previousVersion { name } } }`;

interface Server {
  url: string;
  stop(): Promise<void>;
}

async function startServer(db: TestDatabase, idp: IdentityProvider, env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'info',
      AUTH_JWKS_URL: idp.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_ADMINS: ADMIN,
      LIVE_MAX_SUBSCRIPTIONS_PER_SUBJECT: String(CONNECTIONS * PER_CONNECTION),
      LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: String(PER_CONNECTION),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (process.env.BENCH_DEBUG) process.stderr.write(c);
      const m = /"msg":"model registry listening","url":"([^"]+)"/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function gql(url: string, token: string, query: string, variables?: unknown): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function rssBytes(url: string): Promise<number> {
  const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
  return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)![1]);
}

/** One connection with PER_CONNECTION subscriptions; calls `onEvent` for every event it receives. */
async function connect(url: string, token: string, onEvent: (data: any) => void): Promise<WebSocket> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (raw: Buffer) => {
      const m = JSON.parse(raw.toString('utf8')) as { type: string; payload?: any };
      if (m.type === 'connection_ack') return resolve();
      if (m.type === 'next' && m.payload?.data) return onEvent(m.payload.data.aliasChanged);
      if (m.type === 'next' || m.type === 'error' || m.type === 'complete') {
        const refused = new Error(`subscription refused or ended: ${JSON.stringify(m)}`);
        reject(refused);
        failures.push(refused);
      }
    });
    ws.once('close', (code, reason) => {
      const closed = new Error(`a connection was closed: ${code} ${reason.toString()}`);
      reject(closed);
      if (!stopping && !retired.has(ws)) failures.push(closed);
    });
  });
  for (let i = 1; i <= PER_CONNECTION; i++)
    ws.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query: SUBSCRIPTION } }));
  return ws;
}

/** Subscriptions refused or ended after their connection was acknowledged: the run fails on any. */
const failures: Error[] = [];
/** Set once the run is over and the client closes its own connections. */
let stopping = false;
/** Connections the client closed itself (the warm-up one). */
const retired = new WeakSet<WebSocket>();

const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
};

async function run(label: string, db: TestDatabase, idp: IdentityProvider, env: Record<string, string>) {
  const server = await startServer(db, idp, env);
  stopping = false;
  const token = await idp.token(ADMIN, { expiresIn: 3600 });
  try {
    const total = CONNECTIONS * PER_CONNECTION;
    // Warm-up: the first connection, subscription and event load and compile code once per process.
    const warm = await connect(server.url, token, () => undefined);
    await new Promise((r) => setTimeout(r, 300));
    retired.add(warm);
    warm.terminate();
    await new Promise((r) => setTimeout(r, 500));
    const rssBefore = await rssBytes(server.url);
    let expected: { to: string; from: string } | null = null;
    let received = 0;
    let bad = 0;
    let lastAt = 0;
    const onEvent = (e: any) => {
      if (!expected || e.version?.name !== expected.to || e.previousVersion?.name !== expected.from) bad++;
      received++;
      lastAt = performance.now();
    };
    const sockets: WebSocket[] = [];
    for (let i = 0; i < CONNECTIONS; i++) sockets.push(await connect(server.url, token, onEvent));
    await new Promise((r) => setTimeout(r, 1000));
    const rssAfter = await rssBytes(server.url);

    const lastMs: number[] = [];
    const mutationMs: number[] = [];
    const model = await gql(
      server.url,
      token,
      `{ model(registry: "bench", name: "m") { aliases { name version { name } } } }`,
    );
    let current: string = model.model.aliases.find((a: any) => a.name === 'production').version.name;
    // One move more than measured: the first event through the fan-out warms it up.
    for (let i = -1; i < MOVES; i++) {
      const to = current === 'v0' ? 'v1' : 'v0';
      expected = { to, from: current };
      received = 0;
      const t0 = performance.now();
      const moved = await gql(
        server.url,
        token,
        `mutation { setAlias(input: { registry: "bench", model: "m", alias: "production", version: "${to}" }) { changed } }`,
      );
      if (i >= 0) mutationMs.push(performance.now() - t0);
      if (moved.setAlias.changed !== true) throw new Error(`move ${i + 1} changed nothing`);
      const deadline = Date.now() + 10_000;
      while (received < total) {
        if (failures.length > 0) throw failures[0];
        if (Date.now() > deadline)
          throw new Error(`move ${i + 1}: ${received} of ${total} subscribers had it after 10 s`);
        await new Promise((r) => setImmediate(r));
      }
      if (i >= 0) lastMs.push(lastAt - t0);
      current = to;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (bad > 0) throw new Error(`${bad} events did not carry the move they should have`);
    stopping = true;
    for (const s of sockets) s.terminate();
    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    const perThousand = ((rssAfter - rssBefore) * 1000) / total;
    console.log(
      `| ${label} | ${total} | ${quantile(lastMs, 0.5).toFixed(1)} | ${quantile(lastMs, 0.99).toFixed(1)} | ` +
        `${quantile(mutationMs, 0.5).toFixed(1)} | ${mb(rssBefore)} → ${mb(rssAfter)} | ${mb(perThousand)} |`,
    );
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const idp = await IdentityProvider.start();
  const db = await createTestDatabase();
  try {
    const token = await idp.token(ADMIN, { expiresIn: 3600 });
    const seed = await startServer(db, idp, {});
    await gql(seed.url, token, `mutation { createRegistry(input: { name: "bench" }) { registry { id } } }`);
    for (const v of [0, 1])
      await gql(
        seed.url,
        token,
        `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { id } } }`,
        {
          i: {
            registry: 'bench',
            model: 'm',
            artifact: { uri: `s3://bench/${v}`, digest: `sha256:${String(v).repeat(64)}`, sizeBytes: 1 },
          },
        },
      );
    await gql(
      seed.url,
      token,
      `mutation { setAlias(input: { registry: "bench", model: "m", alias: "production", version: "v0" }) { changed } }`,
    );
    await seed.stop();

    console.log(
      `\n${MOVES} moves of one alias, ${CONNECTIONS} connections × ${PER_CONNECTION} subscriptions (${db.config.kind})\n`,
    );
    console.log(
      '| bus | subscriptions | last subscriber p50 ms | p99 ms | mutation p50 ms | server RSS MiB (idle → subscribed) | RSS MiB per 1 000 |',
    );
    console.log('|---|---|---|---|---|---|---|');
    await run('in process', db, idp, {});
    if (process.env.BENCH_REDIS !== 'off') {
      const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
      await run('Redis', db, idp, { REDIS_URL: redisUrl, REDIS_CHANNEL: `bench-live:${randomUUID()}` });
    }
  } finally {
    await db.drop();
    await idp.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
