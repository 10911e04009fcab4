import { LiveTestClient } from '../support/live-client';
import { digestOf, startTestServer, TEST_ADMIN, TestServer } from '../support/server';

/**
 * Subscriptions on one server (issue #15), in process (no REDIS_URL): what a subscriber receives
 * and when, who may subscribe and for how long, and the limits. The replica and Redis cases are
 * test/live-replicas.test.ts.
 */

const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { id } } }`;
const SET = `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`;
const GRANT = `mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { role } } }`;
const REVOKE = `mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { binding { role } } }`;
const EVENT_FIELDS = `id type occurredAt registry { id name } model { id name } alias actor { id } data
  version { id number name artifact { uri digest sizeBytes } }
  previousVersion { id number name artifact { uri digest sizeBytes } }`;
const ALIAS_CHANGED = `subscription($r: String!, $m: String, $a: String) {
  aliasChanged(registry: $r, model: $m, alias: $a) { ${EVENT_FIELDS} } }`;
const VERSION_LINKED = `subscription($r: String!, $m: String) { versionLinked(registry: $r, model: $m) { type model { name } version { name } } }`;
const MODEL_CHANGED = `subscription($r: String!) { modelChanged(registry: $r) { type model { name } data } }`;

let s: TestServer;
const clients: LiveTestClient[] = [];
beforeAll(async () => {
  s = await startTestServer({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3' });
  // Webhook rows are compared with subscription events below; nothing needs sending.
  await s.app.dispatcher.stop();
});
afterEach(() => clients.splice(0).forEach((c) => c.close()));
afterAll(() => s.stop());

async function client(subject = TEST_ADMIN, expiresIn = 3600): Promise<LiveTestClient> {
  const c = await LiveTestClient.authenticated(s.url, await s.token(subject, { expiresIn }));
  clients.push(c);
  return c;
}

let seq = 0;
/** A registry with model `m` at v0..v2; `grants` as subject → role. */
async function registry(grants: Record<string, string> = {}): Promise<string> {
  const name = `live-${++seq}`;
  await s.ok(`mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, { i: { name } });
  for (const [subject, role] of Object.entries(grants)) await s.ok(GRANT, { i: { registry: name, subject, role } });
  for (let v = 0; v < 3; v++) await link(name, 'm', v);
  return name;
}
const link = (reg: string, model: string, v: number) =>
  s.ok(LINK, {
    i: {
      registry: reg,
      model,
      artifact: { uri: `s3://b/${reg}/${model}/${v}`, digest: digestOf(`${reg}${model}${v}`), sizeBytes: 10 + v },
    },
  });
const move = (reg: string, alias: string, version: string, headers?: Record<string, string>) =>
  s.gql(SET, { i: { registry: reg, model: 'm', alias, version } }, headers);

/** Lets the fan-out hand out what has been committed, so "nothing arrived" means nothing will. */
const settle = async () => {
  await new Promise((r) => setTimeout(r, 50));
  await s.app.live.settled();
  await new Promise((r) => setTimeout(r, 50));
};

describe('what a subscriber receives', () => {
  it('sends an alias move with the previous version, field for field the webhook payload of the same event', async () => {
    const reg = await registry();
    await s.ok(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } } }`, {
      i: { registry: reg, url: 'http://127.0.0.1:9/hook', events: ['ALIAS_SET'] },
    });
    const c = await client();
    const id = c.subscribe(ALIAS_CHANGED, { r: reg, m: 'm' });
    await settle();
    expect((await move(reg, 'staging', 'v0')).errors).toBeUndefined();
    expect((await move(reg, 'staging', 'v2')).errors).toBeUndefined();
    const moved = await c.nthEvent(id, 'aliasChanged', 2);
    expect(moved).toMatchObject({
      type: 'ALIAS_SET',
      registry: { name: reg },
      model: { name: 'm' },
      alias: 'staging',
      version: { name: 'v2', number: 2, artifact: { uri: `s3://b/${reg}/m/2`, sizeBytes: 12 } },
      previousVersion: { name: 'v0', number: 0 },
      actor: { id: TEST_ADMIN },
    });
    const deliveries = await s.ok(
      `query($r: String!) { registry(name: $r) { webhooks { edges { node { deliveries(first: 10) { edges { node { eventId payload } } } } } } } }`,
      { r: reg },
    );
    const rows = deliveries.registry.webhooks.edges[0].node.deliveries.edges.map((e: any) => e.node);
    const row = rows.find((d: any) => d.eventId === moved.id);
    expect(row).toBeDefined();
    // The same event, with the same id: only the enum spelling of `type` differs.
    expect({ ...moved, type: 'alias.set' }).toEqual(row.payload);
  });

  it('filters by model and alias, and reports latest only to subscriptions that name it', async () => {
    const reg = await registry();
    await link(reg, 'other', 0);
    const c = await client();
    const all = c.subscribe(ALIAS_CHANGED, { r: reg });
    const staging = c.subscribe(ALIAS_CHANGED, { r: reg, m: 'm', a: 'staging' });
    const latest = c.subscribe(ALIAS_CHANGED, { r: reg, a: 'latest' });
    await settle();
    await move(reg, 'prod-candidate', 'v1');
    await move(reg, 'staging', 'v1');
    await link(reg, 'm', 3); // moves latest of m
    await s.ok(SET, { i: { registry: reg, model: 'other', alias: 'staging', version: 'v0' } });
    await c.nthEvent(all, 'aliasChanged', 3);
    await settle();
    const names = (id: string) =>
      c.events(id, 'aliasChanged').map((e) => `${e.model.name}:${e.alias}:${e.version.name}`);
    expect(names(all)).toEqual(['m:prod-candidate:v1', 'm:staging:v1', 'other:staging:v0']);
    expect(names(staging)).toEqual(['m:staging:v1']);
    expect(names(latest)).toEqual(['m:latest:v3']);
  });

  it('sends versionLinked and modelChanged for their own event types', async () => {
    const reg = await registry();
    const c = await client();
    const linked = c.subscribe(VERSION_LINKED, { r: reg, m: 'fresh' });
    const models = c.subscribe(MODEL_CHANGED, { r: reg });
    await settle();
    await link(reg, 'fresh', 0);
    await s.ok(`mutation($i: UpdateModelInput!) { updateModel(input: $i) { model { id } } }`, {
      i: { registry: reg, model: 'fresh', description: 'now described' },
    });
    await c.nthEvent(models, 'modelChanged', 2);
    expect(c.events(linked, 'versionLinked')).toEqual([
      { type: 'VERSION_LINKED', model: { name: 'fresh' }, version: { name: 'v0' } },
    ]);
    expect(c.events(models, 'modelChanged').map((e) => e.type)).toEqual(['MODEL_CREATED', 'MODEL_UPDATED']);
    expect(c.events(models, 'modelChanged')[1].data).toMatchObject({ changed: ['description'] });
  });

  it('sends nothing for a mutation that fails, and one event per committed change', async () => {
    const reg = await registry();
    const c = await client();
    const id = c.subscribe(ALIAS_CHANGED, { r: reg });
    await settle();
    expect((await move(reg, 'staging', 'v9')).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await move(reg, 'production', 'v1', await s.as('outsider'))).errors?.[0].extensions?.code).toBe(
      'NOT_FOUND',
    );
    await move(reg, 'staging', 'v1');
    await c.nthEvent(id, 'aliasChanged', 1);
    await settle();
    expect(c.events(id, 'aliasChanged').map((e) => e.version.name)).toEqual(['v1']);
  });

  it('delivers 20 concurrent moves of one alias in commit order: each previousVersion is the version before', async () => {
    const reg = await registry();
    const c = await client();
    const id = c.subscribe(ALIAS_CHANGED, { r: reg, a: 'staging' });
    await settle();
    await move(reg, 'staging', 'v0');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => move(reg, 'staging', `v${(i % 2) + 1}`)));
    expect(results.every((r) => !r.errors)).toBe(true);
    const changed = results.filter((r) => r.data.setAlias.changed).length;
    const events = [await c.nthEvent(id, 'aliasChanged', 1 + changed)];
    await settle();
    const all = c.events(id, 'aliasChanged');
    expect(all).toHaveLength(1 + changed);
    expect(events[0]).toBeDefined();
    for (let i = 1; i < all.length; i++) expect(all[i].previousVersion.name).toBe(all[i - 1].version.name);
  });
});

describe('who may subscribe, and for how long', () => {
  it('closes with 4403 a connection_init without a token, or with a bad one', async () => {
    const none = await LiveTestClient.connect(s.url, {});
    expect(await none.closed).toEqual({
      code: 4403,
      reason: expect.stringMatching(/^Forbidden: send connection_init/),
    });
    const bad = await LiveTestClient.connect(s.url, { authorization: 'Bearer a.b.c' });
    expect(await bad.closed).toEqual({ code: 4403, reason: 'Forbidden: invalid or expired token' });
    const wrongAudience = await LiveTestClient.connect(s.url, {
      authorization: `Bearer ${await s.token(TEST_ADMIN, { audience: 'someone-else' })}`,
    });
    expect((await wrongAudience.closed).code).toBe(4403);
  });

  it('closes with 4408 a connection that sends no connection_init within LIVE_AUTH_TIMEOUT_MS', async () => {
    const t = await startTestServer({ LIVE_AUTH_TIMEOUT_MS: '200' });
    try {
      const silent = await LiveTestClient.connect(t.url, null);
      expect(await silent.closed).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
    } finally {
      await t.stop();
    }
  });

  it('answers NOT_FOUND to a subscription on a registry the caller cannot read, as a query would', async () => {
    const reg = await registry();
    const c = await client('outsider');
    const id = c.subscribe(ALIAS_CHANGED, { r: reg });
    const next = await c.waitFor((m) => m.id === id && m.type === 'next', 'the refusal');
    expect(next.payload.errors[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await c.waitFor((m) => m.id === id && m.type === 'complete', 'complete');
  });

  it('ends the subscription of a member whose role is revoked, with NOT_FOUND, and sends them nothing after', async () => {
    const reg = await registry({ mia: 'MEMBER' });
    const mia = await client('mia');
    const admin = await client();
    const hers = mia.subscribe(ALIAS_CHANGED, { r: reg });
    const watch = admin.subscribe(ALIAS_CHANGED, { r: reg });
    await settle();
    await move(reg, 'staging', 'v1');
    await mia.nthEvent(hers, 'aliasChanged', 1);
    await s.ok(REVOKE, { i: { registry: reg, subject: 'mia' } });
    const ended = await mia.waitFor((m) => m.id === hers && m.type === 'error', 'the end of her subscription');
    expect(ended.payload).toEqual([{ message: `Registry "${reg}" was not found.`, extensions: { code: 'NOT_FOUND' } }]);
    await move(reg, 'staging', 'v2');
    await admin.nthEvent(watch, 'aliasChanged', 2);
    await settle();
    expect(mia.events(hers, 'aliasChanged').map((e) => e.version.name)).toEqual(['v1']);
  });

  it('closes the connection with 4403 when its token expires', async () => {
    const reg = await registry();
    const c = await client(TEST_ADMIN, 2);
    c.subscribe(ALIAS_CHANGED, { r: reg });
    const started = Date.now();
    expect(await c.closed).toEqual({ code: 4403, reason: 'Forbidden: the token expired; reconnect with a fresh one' });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('refuses queries and mutations over WebSocket: they belong to HTTP', async () => {
    const c = await client();
    const id = c.subscribe('{ viewer { subject } }');
    const err = await c.waitFor((m) => m.id === id && m.type === 'error', 'the refusal');
    expect(err.payload[0].message).toMatch(/^Only subscriptions go over WebSocket; send queries as HTTP POST/);
  });
});

describe('limits', () => {
  it('refuses a subscription past LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION, naming the limit', async () => {
    const reg = await registry();
    const c = await client();
    const ids = [1, 2, 3, 4].map(() => c.subscribe(ALIAS_CHANGED, { r: reg }));
    const err = await c.waitFor((m) => m.id === ids[3] && m.type === 'error', 'the refusal');
    expect(err.payload[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      limit: 'LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION',
      max: 3,
    });
    c.complete(ids[0]);
    await settle();
    const again = c.subscribe(ALIAS_CHANGED, { r: reg });
    await settle();
    expect(c.of(again)).toEqual([]);
  });

  it('refuses a subscription past LIVE_MAX_SUBSCRIPTIONS_PER_SUBJECT across connections', async () => {
    const t = await startTestServer({ LIVE_MAX_SUBSCRIPTIONS_PER_SUBJECT: '2' });
    try {
      await t.ok(`mutation { createRegistry(input: { name: "capped" }) { registry { id } } }`);
      const token = await t.token('capper');
      await t.ok(GRANT, { i: { registry: 'capped', subject: 'capper', role: 'VIEWER' } });
      const a = await LiveTestClient.authenticated(t.url, token);
      const b = await LiveTestClient.authenticated(t.url, token);
      clients.push(a, b);
      a.subscribe(ALIAS_CHANGED, { r: 'capped' });
      b.subscribe(ALIAS_CHANGED, { r: 'capped' });
      await new Promise((r) => setTimeout(r, 100));
      const third = b.subscribe(ALIAS_CHANGED, { r: 'capped' });
      const refused = await b.waitFor((m) => m.id === third && m.type === 'next', 'the refusal');
      expect(refused.payload.errors[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        limit: 'LIVE_MAX_SUBSCRIPTIONS_PER_SUBJECT',
        max: 2,
      });
    } finally {
      await t.stop();
    }
  });

  it('closes a connection idle for LIVE_IDLE_TIMEOUT_MS, and one sending a message over LIVE_MAX_MESSAGE_BYTES with 1009', async () => {
    const t = await startTestServer({ LIVE_IDLE_TIMEOUT_MS: '1000', LIVE_MAX_MESSAGE_BYTES: '2048' });
    try {
      const idle = await LiveTestClient.authenticated(t.url, await t.token(TEST_ADMIN));
      clients.push(idle);
      expect(await idle.closed).toEqual({ code: 1000, reason: 'Idle: no subscription for 1000 ms' });
      const big = await LiveTestClient.authenticated(t.url, await t.token(TEST_ADMIN));
      clients.push(big);
      big.subscribe(`subscription { modelChanged(registry: "${'x'.repeat(3000)}") { type } }`);
      expect(await big.closed).toEqual({
        code: 1009,
        reason: 'Message too big: the limit is 2048 bytes (LIVE_MAX_MESSAGE_BYTES)',
      });
    } finally {
      await t.stop();
    }
  });

  it('applies the HTTP limits to the document: depth, size', async () => {
    const t = await startTestServer({ GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_DOCUMENT_BYTES: '1024' });
    try {
      const c = await LiveTestClient.authenticated(t.url, await t.token(TEST_ADMIN));
      clients.push(c);
      const deep = c.subscribe(`subscription { aliasChanged(registry: "r") { version { artifact { uri } } } }`);
      const depth = await c.waitFor((m) => m.id === deep && m.type === 'error', 'the depth refusal');
      expect(depth.payload[0].message).toMatch(/GRAPHQL_MAX_DEPTH/);
      const long = c.subscribe(`subscription { modelChanged(registry: "r") { type } } # ${'x'.repeat(1100)}`);
      const size = await c.waitFor((m) => m.id === long && m.type === 'error', 'the size refusal');
      expect(size.payload[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'GRAPHQL_MAX_DOCUMENT_BYTES' });
    } finally {
      await t.stop();
    }
  });
});

describe('operations', () => {
  it('counts connections, subscriptions and events in /metrics', async () => {
    const reg = await registry();
    const c = await client();
    const id = c.subscribe(ALIAS_CHANGED, { r: reg });
    await settle();
    await move(reg, 'staging', 'v1');
    await c.nthEvent(id, 'aliasChanged', 1);
    const text = await (await fetch(s.url.replace('/graphql', '/metrics'))).text();
    expect(text).toMatch(/^model_registry_live_connections [1-9]\d*$/m);
    expect(text).toMatch(/^model_registry_live_subscriptions [1-9]\d*$/m);
    expect(text).toMatch(/^model_registry_live_events_delivered_total\{type="alias\.set"\} [1-9]\d*$/m);
    expect(text).toMatch(/^model_registry_live_bus_up 1$/m);
  });

  it('keeps a WebSocket open past the HTTP request and headers timeouts', async () => {
    const t = await startTestServer({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '1000' });
    try {
      await t.ok(`mutation { createRegistry(input: { name: "long" }) { registry { id } } }`);
      await t.ok(LINK, {
        i: { registry: 'long', model: 'm', artifact: { uri: 's3://l/0', digest: digestOf('l0'), sizeBytes: 1 } },
      });
      const c = await LiveTestClient.authenticated(t.url, await t.token(TEST_ADMIN));
      clients.push(c);
      const id = c.subscribe(ALIAS_CHANGED, { r: 'long' });
      await new Promise((r) => setTimeout(r, 2000));
      await t.ok(SET, { i: { registry: 'long', model: 'm', alias: 'staging', version: 'v0' } });
      expect(await c.nthEvent(id, 'aliasChanged', 1)).toMatchObject({ alias: 'staging', version: { name: 'v0' } });
    } finally {
      await t.stop();
    }
  });

  it('closes sockets with 1001 and a reason on shutdown', async () => {
    const t = await startTestServer();
    const c = await LiveTestClient.authenticated(t.url, await t.token(TEST_ADMIN));
    clients.push(c);
    await t.stop();
    expect(await c.closed).toEqual({ code: 1001, reason: 'Server shutting down: reconnect' });
  });

  it('refuses a WebSocket past LIVE_MAX_CONNECTIONS with 503, and accepts one again once a connection closes', async () => {
    const t = await startTestServer({ LIVE_MAX_CONNECTIONS: '1' });
    try {
      const first = await LiveTestClient.authenticated(t.url, await t.token(TEST_ADMIN));
      clients.push(first);
      await expect(LiveTestClient.connect(t.url, null)).rejects.toThrow(/Unexpected server response: 503/);
      first.close();
      await first.closed;
      await new Promise((r) => setTimeout(r, 50));
      clients.push(await LiveTestClient.authenticated(t.url, await t.token(TEST_ADMIN)));
    } finally {
      await t.stop();
    }
  });

  it('closes with 1013 "try again" when the token cannot be checked (JWKS unreachable), with 4403 for a bad token', async () => {
    const t = await startTestServer();
    try {
      await t.idp.addKey();
      const token = await t.token(TEST_ADMIN, { expiresIn: 3600 });
      t.idp.up = false;
      const down = await LiveTestClient.connect(t.url, { authorization: `Bearer ${token}` });
      clients.push(down);
      expect(await down.closed).toEqual({
        code: 1013,
        reason: 'Try again later: the token could not be checked (identity provider unreachable)',
      });
      const bad = await LiveTestClient.connect(t.url, { authorization: 'Bearer not-a-jwt' });
      clients.push(bad);
      expect(await bad.closed).toEqual({ code: 4403, reason: 'Forbidden: invalid or expired token' });
      t.idp.up = true;
      clients.push(await LiveTestClient.authenticated(t.url, token));
    } finally {
      t.idp.up = true;
      await t.stop();
    }
  });

  it('refuses a subscription over HTTP', async () => {
    const r = await s.gql(`subscription { modelChanged(registry: "x") { type } }`);
    expect(r.status).toBe(400);
    expect(r.errors).toEqual([
      expect.objectContaining({
        message: 'Subscriptions go over WebSocket on /graphql (graphql-transport-ws)',
        extensions: { code: 'BAD_USER_INPUT' },
      }),
    ]);
  });
});
