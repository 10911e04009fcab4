import { randomUUID } from 'node:crypto';
import { ChildServer, startChildServer } from '../support/child-server';
import { LiveTestClient } from '../support/live-client';
import { digestOf, startTestServer, TEST_ADMIN, TestServer } from '../support/server';
import { TcpProxy } from '../support/tcp-proxy';

/**
 * Subscriptions across replicas (issue #15): two server processes on one database, fanning out
 * through the machine's Redis (127.0.0.1:6379) on a channel of this run's own; and a Redis outage,
 * simulated by cutting a TCP proxy in front of it.
 */

const REDIS = { host: '127.0.0.1', port: 6379 };
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { id } } }`;
const SET = `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`;
const GRANT = `mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { role } } }`;
const REVOKE = `mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { binding { role } } }`;
const ALIAS_CHANGED = `subscription($r: String!) { aliasChanged(registry: $r) { id alias version { name } previousVersion { name } } }`;

type Gql = (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<any>;

/** GraphQL over HTTP to any server, as TEST_ADMIN unless `headers` say otherwise. */
function gqlAt(url: string, s: TestServer): Gql {
  return async (query, variables, headers = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await s.token(TEST_ADMIN)}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return res.json();
  };
}
const ok = async (gql: Gql, query: string, variables?: Record<string, unknown>) => {
  const r = await gql(query, variables);
  if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
  return r.data;
};

let seq = 0;
async function registry(gql: Gql, grants: Record<string, string> = {}): Promise<string> {
  const name = `rep-${++seq}`;
  await ok(gql, `mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, {
    i: { name },
  });
  for (const [subject, role] of Object.entries(grants)) await ok(gql, GRANT, { i: { registry: name, subject, role } });
  for (let v = 0; v < 3; v++)
    await ok(gql, LINK, {
      i: {
        registry: name,
        model: 'm',
        artifact: { uri: `s3://b/${name}/${v}`, digest: digestOf(`${name}${v}`), sizeBytes: 1 },
      },
    });
  return name;
}
const move = (gql: Gql, reg: string, version: string) =>
  ok(gql, SET, { i: { registry: reg, model: 'm', alias: 'staging', version } });

const clients: LiveTestClient[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.close()));
async function subscriber(url: string, s: TestServer, subject = TEST_ADMIN): Promise<LiveTestClient> {
  const c = await LiveTestClient.authenticated(url, await s.token(subject, { expiresIn: 3600 }));
  clients.push(c);
  return c;
}
/** Subscribing is answered by nothing until an event comes: give the server a moment to register it. */
const registered = () => new Promise((r) => setTimeout(r, 150));

describe('two server processes, one database, one Redis', () => {
  let a: TestServer;
  let b: ChildServer;
  let gqlA: Gql;
  let gqlB: Gql;
  beforeAll(async () => {
    const env = { REDIS_URL: `redis://${REDIS.host}:${REDIS.port}`, REDIS_CHANNEL: `test-live:${randomUUID()}` };
    a = await startTestServer(env);
    b = await startChildServer(a, env);
    gqlA = gqlAt(a.url, a);
    gqlB = gqlAt(b.url, a);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('shows a subscriber on A a move made on B within 1 s, and one on B a move made on A', async () => {
    const reg = await registry(gqlA);
    const onA = await subscriber(a.url, a);
    const onB = await subscriber(b.url, a);
    const idA = onA.subscribe(ALIAS_CHANGED, { r: reg });
    const idB = onB.subscribe(ALIAS_CHANGED, { r: reg });
    await registered();

    const sent = Date.now();
    await move(gqlB, reg, 'v1');
    const seen = await onA.nthEvent(idA, 'aliasChanged', 1, 1000);
    const tookMs = Date.now() - sent;
    expect(seen).toMatchObject({ alias: 'staging', version: { name: 'v1' }, previousVersion: null });
    expect(tookMs).toBeLessThan(1000);

    await move(gqlA, reg, 'v2');
    expect(await onB.nthEvent(idB, 'aliasChanged', 2, 1000)).toMatchObject({
      version: { name: 'v2' },
      previousVersion: { name: 'v1' },
    });
    // Each subscriber sees each event once, with the same id on both servers.
    await onA.nthEvent(idA, 'aliasChanged', 2, 1000);
    expect(onA.events(idA, 'aliasChanged').map((e) => e.id)).toEqual(onB.events(idB, 'aliasChanged').map((e) => e.id));
  });

  it('delivers moves made alternately on A and B in commit order on both', async () => {
    const reg = await registry(gqlA);
    const onA = await subscriber(a.url, a);
    const onB = await subscriber(b.url, a);
    const idA = onA.subscribe(ALIAS_CHANGED, { r: reg });
    const idB = onB.subscribe(ALIAS_CHANGED, { r: reg });
    await registered();
    const order = ['v0', 'v1', 'v2', 'v0', 'v2', 'v1', 'v0', 'v1'];
    for (const [i, v] of order.entries()) await move(i % 2 ? gqlB : gqlA, reg, v);
    await onA.nthEvent(idA, 'aliasChanged', order.length, 2000);
    await onB.nthEvent(idB, 'aliasChanged', order.length, 2000);
    for (const c of [onA.events(idA, 'aliasChanged'), onB.events(idB, 'aliasChanged')]) {
      expect(c.map((e) => e.version.name)).toEqual(order);
      for (let i = 1; i < c.length; i++) expect(c[i].previousVersion.name).toBe(c[i - 1].version.name);
    }
  });

  it('stops sending to a member on A once B revokes their role, ending their subscription with NOT_FOUND', async () => {
    const reg = await registry(gqlA, { mia: 'MEMBER' });
    const mia = await subscriber(a.url, a, 'mia');
    const admin = await subscriber(a.url, a);
    const hers = mia.subscribe(ALIAS_CHANGED, { r: reg });
    const watch = admin.subscribe(ALIAS_CHANGED, { r: reg });
    await registered();
    await move(gqlB, reg, 'v1');
    await mia.nthEvent(hers, 'aliasChanged', 1, 1000);

    // A polls the policy every AUTH_POLICY_POLL_MS (2 s); the revoke must hold on A before that.
    await ok(gqlB, REVOKE, { i: { registry: reg, subject: 'mia' } });
    await move(gqlB, reg, 'v2');
    await admin.nthEvent(watch, 'aliasChanged', 2, 1000);
    const ended = await mia.waitFor((m) => m.id === hers && m.type === 'error', 'the end of her subscription', 1000);
    expect(ended.payload[0].extensions).toEqual({ code: 'NOT_FOUND' });
    expect(mia.events(hers, 'aliasChanged').map((e) => e.version.name)).toEqual(['v1']);
  });
});

describe('when Redis is out', () => {
  let proxy: TcpProxy;
  let s: TestServer;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    proxy = await TcpProxy.start(REDIS);
    const { createLogger } = await import('../../src/common/logger');
    s = await startTestServer(
      { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_CHANNEL: `test-live:${randomUUID()}` },
      { logger: createLogger('warn', (l) => void lines.push(JSON.parse(l))) },
    );
  });
  afterAll(async () => {
    await s?.stop();
    await proxy?.stop();
  });

  it('ends subscriptions with UNAVAILABLE, keeps mutations working, and serves subscriptions again once Redis is back', async () => {
    const gql = gqlAt(s.url, s);
    const reg = await registry(gql);
    const c = await subscriber(s.url, s);
    const before = c.subscribe(ALIAS_CHANGED, { r: reg });
    await registered();
    await move(gql, reg, 'v1');
    await c.nthEvent(before, 'aliasChanged', 1);

    await proxy.cut();
    const ended = await c.waitFor((m) => m.id === before && m.type === 'error', 'the interruption');
    expect(ended.payload[0].extensions).toEqual({ code: 'UNAVAILABLE' });
    expect(ended.payload[0].message).toMatch(/^Live updates are interrupted: this server lost its event bus \(Redis\)/);

    // Mutations never fail for it; a new subscription is refused while the bus is down.
    const started = Date.now();
    expect(await move(gql, reg, 'v2')).toEqual({ setAlias: { changed: true } });
    expect(Date.now() - started).toBeLessThan(1000);
    const during = c.subscribe(ALIAS_CHANGED, { r: reg });
    const refused = await c.waitFor((m) => m.id === during && m.type === 'next', 'the refusal');
    expect(refused.payload.errors[0].extensions).toEqual({ code: 'UNAVAILABLE' });
    const metrics = await (await fetch(s.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/^model_registry_live_bus_up 0$/m);
    expect(metrics).toMatch(/^model_registry_live_events_dropped_total [1-9]\d*$/m);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'error', msg: expect.stringMatching(/^live updates interrupted/) }),
    );

    await proxy.restore();
    let after: string;
    const deadline = Date.now() + 10_000;
    for (;;) {
      after = c.subscribe(ALIAS_CHANGED, { r: reg });
      await registered();
      if (c.of(after).length === 0) break;
      if (Date.now() > deadline) throw new Error('subscriptions were not served again within 10 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    await move(gql, reg, 'v0');
    expect(await c.nthEvent(after, 'aliasChanged', 1, 1000)).toMatchObject({
      version: { name: 'v0' },
      previousVersion: { name: 'v2' },
    });
  });

  it('notices a link to Redis that stalls without closing: ends subscriptions with UNAVAILABLE, counts drops', async () => {
    const gql = gqlAt(s.url, s);
    const reg = await registry(gql);
    const c = await subscriber(s.url, s);
    const before = c.subscribe(ALIAS_CHANGED, { r: reg });
    await registered();
    await move(gql, reg, 'v1');
    await c.nthEvent(before, 'aliasChanged', 1);
    const dropped = async () => {
      const metrics = await (await fetch(s.url.replace('/graphql', '/metrics'))).text();
      return Number(/^model_registry_live_events_dropped_total (\d+)$/m.exec(metrics)?.[1] ?? 0);
    };
    const droppedBefore = await dropped();

    proxy.freeze();
    const started = Date.now();
    expect(await move(gql, reg, 'v2')).toEqual({ setAlias: { changed: true } });
    expect(Date.now() - started).toBeLessThan(1000);
    // The heartbeat (PING every 1 s, 2 s to answer) or the publish timeout (1.5 s) notices within a few seconds.
    const ended = await c.waitFor((m) => m.id === before && m.type === 'error', 'the interruption', 6000);
    expect(ended.payload[0].extensions).toEqual({ code: 'UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(6000);
    const metrics = await (await fetch(s.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/^model_registry_live_bus_up 0$/m);
    expect(await dropped()).toBeGreaterThan(droppedBefore);

    proxy.thaw();
    let after: string;
    const deadline = Date.now() + 10_000;
    for (;;) {
      after = c.subscribe(ALIAS_CHANGED, { r: reg });
      await registered();
      if (c.of(after).length === 0) break;
      if (Date.now() > deadline) throw new Error('subscriptions were not served again within 10 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    await move(gql, reg, 'v0');
    expect(await c.nthEvent(after, 'aliasChanged', 1, 1000)).toMatchObject({ version: { name: 'v0' } });
  });
});
