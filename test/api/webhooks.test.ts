import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Received, Receiver, eventually } from '../support/receiver';
import { codeOf, digestOf, startTestServer, TestServer } from '../support/server';

// Webhooks (issue #6) through the API: managing them, the events and their payloads as a real
// receiver gets them, signatures that the standardwebhooks package verifies, filters, secrets,
// access, URL rules, the SLACK format, pings and redelivery.

const FAST = {
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_BACKOFF_BASE_MS: '20',
  WEBHOOK_BACKOFF_MAX_MS: '200',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_MAX_ATTEMPTS: '3',
};

const ALL = [
  'MODEL_CREATED',
  'MODEL_UPDATED',
  'MODEL_ARCHIVED',
  'VERSION_LINKED',
  'VERSION_UPDATED',
  'VERSION_ARCHIVED',
  'ALIAS_SET',
  'ALIAS_REMOVED',
  'ROLE_GRANTED',
  'ROLE_REVOKED',
];
const CREATE_HOOK = `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id url events filter { models aliases } format active registry { name } } } }`;
const UPDATE_HOOK = `mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { secret webhook { id events active filter { models aliases } } } }`;
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { id name } model { id } } }`;
const SET = `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`;
const DELIVERIES = `query($id: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
  node(id: $id) { ... on Webhook { deliveries(status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id eventId event status attempts lastResponseCode lastError nextAttemptAt completedAt payload webhook { id } } }
  } } }
}`;

let s: TestServer;
beforeAll(async () => (s = await startTestServer(FAST)));
afterAll(() => s.stop());

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});
async function receiver(reply?: Parameters<typeof Receiver.start>[0]): Promise<Receiver> {
  const r = await Receiver.start(reply);
  receivers.push(r);
  return r;
}

let seq = 0;
async function registry(label: string): Promise<string> {
  const name = `wh-${label}-${++seq}`;
  await s.ok(`mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, { i: { name } });
  return name;
}
async function link(reg: string, model = 'm', extra: Record<string, unknown> = {}) {
  const n = ++seq;
  return (
    await s.ok(LINK, {
      i: {
        registry: reg,
        model,
        artifact: {
          uri: `s3://models/${model}/${n}`,
          digest: digestOf(`${reg}/${n}`),
          sizeBytes: 1000 + n,
        },
        ...extra,
      },
    })
  ).linkModelVersion as {
    version: { id: string; name: string };
    model: { id: string };
  };
}
async function hook(
  reg: string,
  url: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; secret: string }> {
  const r = (
    await s.ok(CREATE_HOOK, {
      i: { registry: reg, url, events: ALL, ...extra },
    })
  ).createWebhook;
  return { id: r.webhook.id, secret: r.secret ?? (extra.secret as string) };
}
async function deliveries(hookId: string, args: Record<string, unknown> = { first: 100 }) {
  return (await s.ok(DELIVERIES, { id: hookId, ...args })).node.deliveries;
}
/** Waits until nothing is left to send, so what a receiver has is all it will get. */
const drained = () =>
  eventually(async () => ((await s.app.dispatcher.outboxDepth()) === 0 ? true : undefined), 15_000, 'empty outbox');
const verify = (secret: string, r: Received) =>
  new StandardWebhook(secret).verify(r.body, r.headers as Record<string, string>) as any;
const types = (rs: Received[]) => rs.map((r) => r.json.type);

describe('events', () => {
  it('delivers every event type once, with its payload, signed so that standardwebhooks verifies it', async () => {
    const reg = await registry('all');
    const regId = (await s.ok(`{ registry(name: "${reg}") { id } }`)).registry.id;
    const rx = await receiver();
    const { id: hookId, secret } = await hook(reg, rx.url);

    const created = (await s.ok(`mutation { createModel(input: {registry: "${reg}", name: "m"}) { model { id } } }`))
      .createModel.model.id;
    await s.ok(
      `mutation { updateModel(input: {registry: "${reg}", model: "m", description: "digits"}) { model { id } } }`,
    );
    const v0 = (await link(reg)).version;
    const v1 = (await link(reg, 'm', { aliases: ['staging'], metrics: { acc: 0.9 } })).version;
    await s.ok(
      `mutation { updateModelVersion(input: {registry: "${reg}", model: "m", version: "v1", metrics: {acc: 0.95}}) { version { id } } }`,
    );
    await s.ok(SET, {
      i: {
        registry: reg,
        model: 'm',
        alias: 'staging',
        version: 'v0',
        reason: 'rollback',
      },
    });
    await s.ok(`mutation { removeAlias(input: {registry: "${reg}", model: "m", alias: "staging"}) { alias } }`);
    await s.ok(
      `mutation { grantRole(input: {registry: "${reg}", subject: "alice", role: MEMBER}) { binding { role } } }`,
    );
    await s.ok(`mutation { revokeRole(input: {registry: "${reg}", subject: "alice"}) { binding { role } } }`);
    await s.ok(
      `mutation { archiveModelVersion(input: {registry: "${reg}", model: "m", version: "v0"}) { version { id } } }`,
    );
    await s.ok(`mutation { archiveModel(input: {registry: "${reg}", model: "m"}) { model { id } } }`);

    const want = [
      'model.created',
      'model.updated',
      'version.linked',
      'version.linked',
      'alias.set',
      'version.updated',
      'alias.set',
      'alias.removed',
      'role.granted',
      'role.revoked',
      'version.archived',
      'model.archived',
    ];
    await rx.until((got) => got.length >= want.length);
    await drained();
    expect(types(rx.received).sort()).toEqual([...want].sort());

    // Each arrives once, verifies, and carries its id as webhook-id.
    const payloads = rx.received.map((r) => verify(secret, r));
    expect(new Set(payloads.map((p) => p.id)).size).toBe(want.length);
    for (const r of rx.received) expect(r.headers['webhook-id']).toBe(r.json.id);
    expect(rx.received.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);

    const byType = (t: string) => payloads.filter((p) => p.type === t);
    const ref = (v: { id: string; name: string }, n: number) => ({
      id: v.id,
      number: n,
      name: v.name,
      artifact: {
        uri: expect.stringMatching(/^s3:\/\/models\/m\//),
        digest: expect.stringMatching(/^sha256:/),
        sizeBytes: expect.any(Number),
      },
    });
    const common = {
      registry: { id: regId, name: reg },
      model: { id: created, name: 'm' },
      actor: { id: 'local-admin' },
    };
    const [move] = byType('alias.set').filter((p) => p.previousVersion);
    expect(move).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'alias.set',
      occurredAt: expect.any(String),
      ...common,
      version: ref(v0, 0),
      alias: 'staging',
      previousVersion: ref(v1, 1),
      data: { reason: 'rollback', protected: false },
    });
    expect(new Date(move.occurredAt).toISOString()).toBe(move.occurredAt);
    const [set] = byType('alias.set').filter((p) => !p.previousVersion);
    expect(set).toMatchObject({
      ...common,
      alias: 'staging',
      version: ref(v1, 1),
      previousVersion: null,
    });
    expect(byType('alias.removed')[0]).toMatchObject({
      ...common,
      alias: 'staging',
      version: null,
      previousVersion: ref(v0, 0),
      data: { reason: null },
    });
    expect(byType('model.created')[0]).toMatchObject({
      ...common,
      version: null,
      alias: null,
      previousVersion: null,
    });
    expect(byType('model.updated')[0].data).toEqual({
      changed: ['description'],
      before: { description: null },
      after: { description: 'digits' },
    });
    expect(byType('version.linked').map((p) => [p.version.name, p.data.aliases, p.data.modelCreated])).toEqual(
      expect.arrayContaining([
        ['v0', [], false],
        ['v1', ['staging'], false],
      ]),
    );
    expect(byType('version.updated')[0]).toMatchObject({
      version: ref(v1, 1),
      data: {
        changed: ['metrics'],
        before: { metrics: { acc: 0.9 } },
        after: { metrics: { acc: 0.95 } },
      },
    });
    expect(byType('role.granted')[0]).toMatchObject({
      registry: { id: regId },
      model: null,
      data: { subject: 'alice', role: 'MEMBER', previousRole: null },
    });
    expect(byType('role.revoked')[0].data).toEqual({
      subject: 'alice',
      role: 'MEMBER',
    });
    expect(byType('version.archived')[0].version).toEqual(ref(v0, 0));

    const list = await deliveries(hookId);
    expect(list.totalCount).toBe(want.length);
    expect(
      list.edges.every(
        (e: any) =>
          e.node.status === 'SUCCEEDED' &&
          e.node.attempts === 1 &&
          e.node.lastResponseCode === 200 &&
          e.node.nextAttemptAt === null,
      ),
    ).toBe(true);
    // Newest first, keyset pages.
    const page1 = await deliveries(hookId, { first: 5 });
    const page2 = await deliveries(hookId, {
      first: 100,
      after: page1.pageInfo.endCursor,
    });
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect([...page1.edges, ...page2.edges].map((e: any) => e.node.id)).toEqual(list.edges.map((e: any) => e.node.id));
    expect(list.edges.at(-1).node.event).toBe('model.created');
    expect((await deliveries(hookId, { status: 'FAILED' })).totalCount).toBe(0);
  });

  it('sends registry.updated with what changed, as JSON and as SLACK text; a no-op update is audited, not sent', async () => {
    const reg = await registry('reg-updated');
    const regId = (await s.ok(`{ registry(name: "${reg}") { id } }`)).registry.id;
    const rx = await receiver();
    const slack = await receiver();
    await hook(reg, rx.url, { events: ['REGISTRY_UPDATED'] });
    await hook(reg, slack.url, {
      events: ['REGISTRY_UPDATED'],
      format: 'SLACK',
    });
    const UPDATE = `mutation($i: UpdateRegistryInput!) { updateRegistry(input: $i) { registry { visibility } } }`;
    await s.ok(UPDATE, { i: { registry: reg, visibility: 'ORGANIZATION' } });
    await s.ok(UPDATE, { i: { registry: reg, visibility: 'ORGANIZATION' } });
    await drained();
    expect(types(rx.received)).toEqual(['registry.updated']);
    expect(rx.received[0].json).toMatchObject({
      registry: { id: regId, name: reg },
      model: null,
      actor: { id: 'local-admin' },
      data: {
        changed: ['visibility'],
        before: { visibility: 'RESTRICTED' },
        after: { visibility: 'ORGANIZATION' },
      },
    });
    const text = `:gear: Registry *${reg}* updated by local-admin: \`visibility\``;
    expect(slack.received.map((r) => r.json.text)).toEqual([text]);
    const filter = { registry: reg, action: 'registry.updated' };
    const audit = await s.ok(`query($f: AuditEventFilter) { auditEvents(filter: $f) { totalCount } }`, { f: filter });
    expect(audit.auditEvents.totalCount).toBe(2);
  });

  it('reports the first link of a model as model.created and version.linked, and moves of latest only to webhooks that name it', async () => {
    const reg = await registry('first-link');
    const rx = await receiver();
    const latestRx = await receiver();
    await hook(reg, rx.url);
    await hook(reg, latestRx.url, {
      events: ['ALIAS_SET', 'ALIAS_REMOVED'],
      filter: { aliases: ['latest'] },
    });
    const { version } = await link(reg, 'fresh');
    await link(reg, 'fresh');
    await s.ok(
      `mutation { archiveModelVersion(input: {registry: "${reg}", model: "fresh", version: "v1"}) { version { id } } }`,
    );
    await drained();
    expect(types(rx.received).sort()).toEqual([
      'model.created',
      'version.archived',
      'version.linked',
      'version.linked',
    ]);
    expect(
      rx.received.find((r) => r.json.type === 'version.linked' && r.json.version.id === version.id)!.json.data
        .modelCreated,
    ).toBe(true);
    // latest: set on v0, moved to v1, moved back to v0 when v1 was archived.
    expect(
      latestRx.received
        .map((r) => `${r.json.alias}: ${r.json.previousVersion?.name ?? '-'} -> ${r.json.version.name}`)
        .sort(),
    ).toEqual(['latest: - -> v0', 'latest: v0 -> v1', 'latest: v1 -> v0']);
  });

  it('sends each webhook only the events, models and aliases it asked for', async () => {
    const reg = await registry('filters');
    await link(reg, 'a');
    await link(reg, 'b');
    const aliasesOnly = await receiver();
    const modelA = await receiver();
    const production = await receiver();
    await hook(reg, aliasesOnly.url, { events: ['ALIAS_SET'] });
    await hook(reg, modelA.url, {
      events: ['VERSION_LINKED', 'ALIAS_SET', 'ROLE_GRANTED'],
      filter: { models: ['a'] },
    });
    await hook(reg, production.url, {
      events: ['ALIAS_SET', 'ALIAS_REMOVED'],
      filter: { aliases: ['production'] },
    });

    await link(reg, 'a');
    await link(reg, 'b');
    await s.ok(SET, {
      i: { registry: reg, model: 'a', alias: 'staging', version: 'v1' },
    });
    await s.ok(SET, {
      i: { registry: reg, model: 'b', alias: 'production', version: 'v1' },
    });
    await s.ok(
      `mutation { grantRole(input: {registry: "${reg}", subject: "bob", role: VIEWER}) { binding { role } } }`,
    );
    await drained();

    const summary = (rx: Receiver) =>
      rx.received
        .map((r) => `${r.json.type} ${r.json.model?.name ?? '-'}${r.json.alias ? `:${r.json.alias}` : ''}`)
        .sort();
    expect(summary(aliasesOnly)).toEqual(['alias.set a:staging', 'alias.set b:production']);
    // Registry-wide events are not about a model, so a model filter lets them through.
    expect(summary(modelA)).toEqual(['alias.set a:staging', 'role.granted -', 'version.linked a']);
    expect(summary(production)).toEqual(['alias.set b:production']);
  });

  it('follows a model filter across a rename: the rename itself is sent, later events by the new name are not', async () => {
    const reg = await registry('rename');
    await link(reg, 'old');
    const rx = await receiver();
    await hook(reg, rx.url, {
      events: ['MODEL_UPDATED', 'VERSION_LINKED'],
      filter: { models: ['old'] },
    });
    await s.ok(`mutation { updateModel(input: {registry: "${reg}", model: "old", name: "new"}) { model { name } } }`);
    await link(reg, 'new');
    await drained();
    expect(types(rx.received)).toEqual(['model.updated']);
    expect(rx.received[0].json.data).toEqual({
      changed: ['name'],
      before: { name: 'old' },
      after: { name: 'new' },
    });
  });

  it('emits nothing for a denied or failed mutation', async () => {
    const reg = await registry('denied');
    await link(reg);
    await link(reg);
    await s.ok(SET, {
      i: { registry: reg, model: 'm', alias: 'production', version: 'v0' },
    });
    await s.ok(
      `mutation { grantRole(input: {registry: "${reg}", subject: "mia", role: MEMBER}) { binding { role } } }`,
    );
    const rx = await receiver();
    const { id } = await hook(reg, rx.url);
    const mia = await s.as('mia');

    expect(
      codeOf(
        await s.gql(
          SET,
          {
            i: {
              registry: reg,
              model: 'm',
              alias: 'production',
              version: 'v1',
            },
          },
          mia,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      codeOf(
        await s.gql(
          LINK,
          {
            i: {
              registry: reg,
              model: 'm',
              aliases: ['production'],
              artifact: { uri: 's3://x', digest: digestOf('x'), sizeBytes: 1 },
            },
          },
          mia,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      codeOf(
        await s.gql(SET, {
          i: {
            registry: reg,
            model: 'm',
            alias: 'production',
            version: 'v1',
            expectedVersion: 'v1',
          },
        }),
      ),
    ).toBe('CONFLICT');
    expect(
      codeOf(
        await s.gql(LINK, {
          i: {
            registry: reg,
            model: 'm',
            artifact: { uri: 's3://x', digest: 'sha256:nope', sizeBytes: 1 },
          },
        }),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      codeOf(await s.gql(`mutation { createModel(input: {registry: "${reg}", name: "m"}) { model { id } } }`)),
    ).toBe('CONFLICT');
    expect(
      codeOf(
        await s.gql(`mutation { revokeRole(input: {registry: "${reg}", subject: "nobody"}) { binding { role } } }`),
      ),
    ).toBe('NOT_FOUND');
    // A no-op write changes nothing and says so: no event either.
    expect(
      (
        await s.ok(SET, {
          i: { registry: reg, model: 'm', alias: 'production', version: 'v0' },
        })
      ).setAlias.changed,
    ).toBe(false);
    // Rows are written in the mutation's transaction: none exist now, before any delivery runs.
    expect((await deliveries(id)).totalCount).toBe(0);

    await s.ok(SET, { i: { registry: reg, model: 'm', alias: 'staging', version: 'v1' } }, mia);
    await drained();
    expect(rx.received.map((r) => `${r.json.type} ${r.json.alias} by ${r.json.actor.id}`)).toEqual([
      'alias.set staging by mia',
    ]);
  });
});

describe('metrics', () => {
  it('reports the outbox depth as model_registry_webhook_outbox_depth', async () => {
    const depth = async () =>
      Number(
        /^model_registry_webhook_outbox_depth (\d+)$/m.exec(
          await (await fetch(s.url.replace('/graphql', '/metrics'))).text(),
        )?.[1],
      );
    const reg = await registry('metrics');
    await link(reg);
    const { id } = await hook(reg, 'https://hooks.example.com/metrics', {
      events: ['ALIAS_SET'],
      active: false,
    });
    await drained();
    expect(await depth()).toBe(0);
    await s.ok(UPDATE_HOOK, { i: { webhook: id, active: true } });
    await s.app.dispatcher.stop();
    try {
      await s.ok(SET, {
        i: { registry: reg, model: 'm', alias: 'staging', version: 'v0' },
      });
      expect(await depth()).toBe(1);
    } finally {
      await s.ok(`mutation { deleteWebhook(input: {webhook: "${id}"}) { deletedWebhookId } }`);
      s.app.dispatcher.start();
    }
    expect(await depth()).toBe(0);
  });
});

describe('cost of reading webhooks with their deliveries', () => {
  const PAGE = `query($r: String!, $first: Int!) { registry(name: $r) { webhooks(first: $first) { totalCount edges { node { id url events active
    deliveries(first: 5) { totalCount edges { node { id event status attempts webhook { id } } } } } } } } }`;

  it('costs 3 statements, plus 2 per webhook for its deliveries page and their count', async () => {
    const reg = await registry('cost');
    await link(reg);
    const rx = await receiver();
    for (let i = 0; i < 6; i++) await hook(reg, `${rx.url}/${i}`, { events: ['ALIAS_SET'] });
    for (const alias of ['staging', 'prod'])
      await s.ok(SET, {
        i: { registry: reg, model: 'm', alias, version: 'v0' },
      });
    await drained();
    const cost = async (first: number) => {
      const r = await s.gql(PAGE, { r: reg, first });
      expect(r.errors).toBeUndefined();
      expect(r.data.registry.webhooks.edges).toHaveLength(first);
      expect(r.data.registry.webhooks.edges.every((e: any) => e.node.deliveries.totalCount === 2)).toBe(true);
      return r.sqlStatements;
    };
    const [one, two, six] = [await cost(1), await cost(2), await cost(6)];
    // Pinned, so that it cannot grow unnoticed. Per webhook: its deliveries page and their
    // totalCount. Accepted rather than batched: a registry has at most 50 webhooks, `first` and
    // GRAPHQL_MAX_COST bound the rest, and only its admins may ask.
    const BASE = 3;
    const PER_WEBHOOK = 2;
    expect([one, two, six]).toEqual([BASE + PER_WEBHOOK, BASE + 2 * PER_WEBHOOK, BASE + 6 * PER_WEBHOOK]);
  });
});

describe('managing webhooks', () => {
  it('generates a whsec_ secret when none is given and shows it once; no query, audit event or delivery shows it', async () => {
    const reg = await registry('secret');
    const rx = await receiver();
    const created = (
      await s.ok(CREATE_HOOK, {
        i: {
          registry: reg,
          url: rx.url,
          events: ['ALIAS_SET'],
          description: 'deploys',
        },
      })
    ).createWebhook;
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(created.secret.slice(6), 'base64').length).toBe(32);
    expect(created.webhook).toEqual({
      id: created.webhook.id,
      url: rx.url,
      events: ['ALIAS_SET'],
      filter: { models: null, aliases: null },
      format: 'STANDARD',
      active: true,
      registry: { name: reg },
    });

    const given = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    const second = (
      await s.ok(CREATE_HOOK, {
        i: { registry: reg, url: rx.url, events: ['ALIAS_SET'], secret: given },
      })
    ).createWebhook;
    expect(second.secret).toBeNull();
    expect(
      codeOf(
        await s.gql(CREATE_HOOK, {
          i: {
            registry: reg,
            url: rx.url,
            events: ['ALIAS_SET'],
            secret: 'hunter2',
          },
        }),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      codeOf(
        await s.gql(CREATE_HOOK, {
          i: {
            registry: reg,
            url: rx.url,
            events: ['ALIAS_SET'],
            secret: `whsec_${Buffer.alloc(8).toString('base64')}`,
          },
        }),
      ),
    ).toBe('BAD_USER_INPUT');

    await link(reg);
    await s.ok(SET, {
      i: { registry: reg, model: 'm', alias: 'staging', version: 'v0' },
    });
    await s.ok(`mutation { testWebhook(input: {webhook: "${created.webhook.id}"}) { delivery { status } } }`);
    await drained();
    const everything = JSON.stringify([
      await s.ok(`{ registry(name: "${reg}") { webhooks(first: 10) { edges { node { id url description events filter { models aliases } format active createdBy { id } createdAt updatedAt
        deliveries(first: 20) { edges { node { id eventId event status payload lastError } } } } } } } }`),
      await s.ok(`{ node(id: "${created.webhook.id}") { id ... on Webhook { url } } }`),
      await s.ok(
        `{ auditEvents(filter: {registry: "${reg}"}, first: 100) { edges { node { action before after } } } }`,
      ),
    ]);
    expect(everything).toContain('deploys');
    expect(everything).toContain('webhook.created');
    expect(everything).not.toContain(created.secret);
    expect(everything).not.toContain(given);
    expect(everything).not.toMatch(/whsec_/);
    // The receiver's copy is signed with it, which is how the receiver knows it is ours.
    // Both webhooks post to this receiver; each request verifies with one of the two secrets.
    expect(types(rx.received).sort()).toEqual(['alias.set', 'alias.set', 'webhook.ping']);
    const verifiesWith = (r: Received) =>
      [created.secret, given].filter((secret) => {
        try {
          return !!verify(secret, r);
        } catch {
          return false;
        }
      });
    expect(rx.received.map(verifiesWith).map((found) => found.length)).toEqual([1, 1, 1]);
  });

  it('keeps no credentials of a URL in the audit log: no userinfo, no path or query; admins still see the whole URL', async () => {
    const reg = await registry('audit-url');
    const url = 'https://deployer:pa55word@hooks.example.com/services/T0001/B0002/s3cr3tPathToken?token=qu3ryToken';
    const { id } = await hook(reg, url);
    expect((await s.ok(`{ node(id: "${id}") { ... on Webhook { url } } }`)).node.url).toBe(url);
    await s.ok(UPDATE_HOOK, {
      i: {
        webhook: id,
        url: 'https://hooks.example.com/services/T0001/B0002/n3wS3cr3t',
      },
    });
    await s.ok(UPDATE_HOOK, {
      i: { webhook: id, url: 'https://hooks.example.com' },
    });
    await s.ok(`mutation { deleteWebhook(input: {webhook: "${id}"}) { deletedWebhookId } }`);

    const events = (
      await s.ok(`{ auditEvents(filter: {registry: "${reg}"}, first: 20) { edges { node { action before after } } } }`)
    ).auditEvents.edges.map((e: any) => e.node);
    const text = JSON.stringify(events);
    for (const secret of ['deployer', 'pa55word', 's3cr3tPathToken', 'qu3ryToken', 'n3wS3cr3t', 'T0001'])
      expect(text).not.toContain(secret);
    const urls = (a: string) =>
      events
        .filter((e: any) => e.action === a)
        .map((e: any) => [e.before?.url ?? null, e.after?.url ?? null, e.after?.urlChanged]);
    expect(urls('webhook.created')).toEqual([[null, 'https://hooks.example.com/…', undefined]]);
    expect(urls('webhook.updated')).toEqual([
      ['https://hooks.example.com/…', 'https://hooks.example.com/', true],
      ['https://hooks.example.com/…', 'https://hooks.example.com/…', true],
    ]);
    expect(urls('webhook.deleted')).toEqual([['https://hooks.example.com/', null, undefined]]);
  });

  it('lets only registry admins see and manage webhooks', async () => {
    const reg = await registry('access');
    const rx = await receiver();
    const { id } = await hook(reg, rx.url);
    await s.ok(
      `mutation { grantRole(input: {registry: "${reg}", subject: "mem", role: MEMBER}) { binding { role } } }`,
    );
    await s.ok(
      `mutation { grantRole(input: {registry: "${reg}", subject: "boss", role: ADMIN}) { binding { role } } }`,
    );
    const [mem, boss, out] = [await s.as('mem'), await s.as('boss'), await s.as('outsider')];

    const listed = await s.gql(`{ registry(name: "${reg}") { name webhooks { totalCount } } }`, undefined, mem);
    expect(codeOf(listed)).toBe('FORBIDDEN');
    expect(listed.data.registry).toEqual({ name: reg, webhooks: null });
    expect(codeOf(await s.gql(CREATE_HOOK, { i: { registry: reg, url: rx.url, events: ALL } }, mem))).toBe('FORBIDDEN');
    expect(codeOf(await s.gql(UPDATE_HOOK, { i: { webhook: id, active: false } }, mem))).toBe('FORBIDDEN');
    expect(
      codeOf(await s.gql(`mutation { deleteWebhook(input: {webhook: "${id}"}) { deletedWebhookId } }`, undefined, mem)),
    ).toBe('FORBIDDEN');
    expect(
      codeOf(await s.gql(`mutation { testWebhook(input: {webhook: "${id}"}) { delivery { id } } }`, undefined, mem)),
    ).toBe('FORBIDDEN');
    expect(codeOf(await s.gql(`{ node(id: "${id}") { id } }`, undefined, mem))).toBe('NOT_FOUND');
    expect(codeOf(await s.gql(UPDATE_HOOK, { i: { webhook: id, active: false } }, out))).toBe('NOT_FOUND');
    expect(codeOf(await s.gql(CREATE_HOOK, { i: { registry: reg, url: rx.url, events: ALL } }, out))).toBe('NOT_FOUND');
    // An outsider cannot tell an id that exists from one that does not: same code, same words.
    const delivery = (await s.ok(`mutation { testWebhook(input: {webhook: "${id}"}) { delivery { id } } }`)).testWebhook
      .delivery.id;
    const gone = (globalId: string) =>
      Buffer.from(
        `${Buffer.from(globalId, 'base64url').toString().split(':')[0]}:01900000-0000-7000-8000-000000000000`,
      ).toString('base64url');
    const answers = async (q: string, real: string) => {
      const [a, b] = [await s.gql(q, { id: real }, out), await s.gql(q, { id: gone(real) }, out)];
      return [a, b].map((r) => [codeOf(r), r.errors![0].message.replace(/"[^"]+"/, '"…"')]);
    };
    for (const [q, real] of [
      ['mutation($id: ID!) { deleteWebhook(input: {webhook: $id}) { deletedWebhookId } }', id],
      ['mutation($id: ID!) { testWebhook(input: {webhook: $id}) { delivery { id } } }', id],
      ['mutation($id: ID!) { redeliverWebhookDelivery(input: {delivery: $id}) { delivery { id } } }', delivery],
    ]) {
      const [existing, missing] = await answers(q, real);
      expect(existing).toEqual(['NOT_FOUND', 'Nothing with id "…" was found.']);
      expect(missing).toEqual(existing);
    }
    // Webhook.deliveries checks webhook:manage itself, however the webhook was reached.
    const webhook = (
      await s.db.ds.query('SELECT id, registry_id AS registryId FROM webhook WHERE id = ?', [
        Buffer.from(id, 'base64url').toString().split(':')[1],
      ])
    )[0];
    const member = { subject: 'mem', groups: [], globalAdmin: false };
    await expect(s.app.services.webhooks.deliveries(member, webhook, null, {})).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    await expect(
      s.app.services.webhooks.deliveries({ ...member, subject: 'boss' }, webhook, null, {}),
    ).resolves.toMatchObject({ items: expect.any(Array) });

    expect(
      (await s.gql(`{ registry(name: "${reg}") { webhooks { totalCount edges { node { id } } } } }`, undefined, boss))
        .data.registry.webhooks,
    ).toEqual({ totalCount: 1, edges: [{ node: { id } }] });
    expect((await s.gql(`{ node(id: "${id}") { id __typename } }`, undefined, boss)).data.node).toEqual({
      id,
      __typename: 'Webhook',
    });
    expect((await s.gql(UPDATE_HOOK, { i: { webhook: id, description: 'by boss' } }, boss)).errors).toBeUndefined();
  });

  it('refuses URLs that are not http(s) and cloud metadata addresses, even where private networks are allowed', async () => {
    const reg = await registry('urls');
    for (const url of [
      'ftp://example.com/hook',
      'file:///etc/passwd',
      'not a url',
      'http://169.254.169.254/latest/meta-data',
      'http://[fd00:ec2::254]/',
      'http://169.254.170.23/v1/credentials',
      'http://[fd00:ec2::23]/',
      'http://[::ffff:0:a9fe:a9fe]/',
      `https://example.com/${'x'.repeat(2100)}`,
    ]) {
      const r = await s.gql(CREATE_HOOK, {
        i: { registry: reg, url, events: ALL },
      });
      expect([url.slice(0, 40), codeOf(r), r.errors?.[0]?.extensions?.field]).toEqual([
        url.slice(0, 40),
        'BAD_USER_INPUT',
        'url',
      ]);
    }
    expect(
      codeOf(
        await s.gql(CREATE_HOOK, {
          i: { registry: reg, url: 'https://example.com/hook', events: [] },
        }),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      codeOf(
        await s.gql(CREATE_HOOK, {
          i: {
            registry: reg,
            url: 'https://example.com/hook',
            events: ALL,
            filter: { aliases: ['no spaces'] },
          },
        }),
      ),
    ).toBe('BAD_USER_INPUT');
  });

  it('holds a registry to 50 webhooks', async () => {
    const reg = await registry('cap');
    for (let i = 0; i < 50; i++) await hook(reg, `https://hooks.example.com/${i}`);
    const r = await s.gql(CREATE_HOOK, {
      i: { registry: reg, url: 'https://hooks.example.com/51', events: ALL },
    });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.errors![0].message).toMatch(/50 webhooks/);
  });

  it('changes events, filter and state; an inactive webhook queues nothing', async () => {
    const reg = await registry('update');
    await link(reg);
    const rx = await receiver();
    const { id } = await hook(reg, rx.url, { events: ['ALIAS_SET'] });
    const updated = (
      await s.ok(UPDATE_HOOK, {
        i: {
          webhook: id,
          events: ['ALIAS_SET', 'ALIAS_REMOVED'],
          filter: { aliases: ['staging'] },
          active: false,
        },
      })
    ).updateWebhook;
    expect(updated).toEqual({
      secret: null,
      webhook: {
        id,
        events: ['ALIAS_SET', 'ALIAS_REMOVED'],
        active: false,
        filter: { models: null, aliases: ['staging'] },
      },
    });
    await s.ok(SET, {
      i: { registry: reg, model: 'm', alias: 'staging', version: 'v0' },
    });
    expect((await deliveries(id)).totalCount).toBe(0);

    await s.ok(UPDATE_HOOK, { i: { webhook: id, active: true, filter: {} } });
    await s.ok(`mutation { removeAlias(input: {registry: "${reg}", model: "m", alias: "staging"}) { alias } }`);
    await drained();
    expect(types(rx.received)).toEqual(['alias.removed']);
    const audit = (
      await s.ok(
        `{ auditEvents(filter: {registry: "${reg}", action: "webhook.updated"}, first: 5) { edges { node { targetId before after } } } }`,
      )
    ).auditEvents.edges;
    expect(audit).toHaveLength(2);
    expect(audit[1].node).toMatchObject({
      targetId: id,
      before: { active: true, events: ['alias.set'] },
      after: { active: false, secretRotated: false },
    });
  });

  it('rotates the secret: the new one is shown once, and for a day deliveries carry both signatures', async () => {
    const reg = await registry('rotate');
    await link(reg);
    const rx = await receiver();
    const { id, secret: old } = await hook(reg, rx.url, {
      events: ['ALIAS_SET'],
    });
    const rotated = (await s.ok(UPDATE_HOOK, { i: { webhook: id, rotateSecret: true } })).updateWebhook.secret;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(old);
    await s.ok(SET, {
      i: { registry: reg, model: 'm', alias: 'staging', version: 'v0' },
    });
    const [r] = await rx.until((got) => got.length === 1);
    expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(rotated, r).type).toBe('alias.set');
    expect(verify(old, r).type).toBe('alias.set');
    expect(() => verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, r)).toThrow();

    const given = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    expect((await s.ok(UPDATE_HOOK, { i: { webhook: id, secret: given } })).updateWebhook.secret).toBeNull();
    expect(
      codeOf(
        await s.gql(UPDATE_HOOK, {
          i: { webhook: id, secret: given, rotateSecret: true },
        }),
      ),
    ).toBe('BAD_USER_INPUT');
  });

  it('deletes a webhook with its deliveries, and records the change in the audit log', async () => {
    const reg = await registry('delete');
    await link(reg);
    const rx = await receiver();
    const { id } = await hook(reg, rx.url);
    await s.ok(SET, {
      i: { registry: reg, model: 'm', alias: 'staging', version: 'v0' },
    });
    await drained();
    expect(
      (await s.ok(`mutation { deleteWebhook(input: {webhook: "${id}"}) { deletedWebhookId } }`)).deleteWebhook,
    ).toEqual({ deletedWebhookId: id });
    expect(codeOf(await s.gql(`{ node(id: "${id}") { id } }`))).toBe('NOT_FOUND');
    expect(codeOf(await s.gql(`mutation { deleteWebhook(input: {webhook: "${id}"}) { deletedWebhookId } }`))).toBe(
      'NOT_FOUND',
    );
    expect(
      Number(
        (
          await s.db.ds.query('SELECT COUNT(*) AS n FROM webhook_delivery WHERE webhook_id = ?', [
            Buffer.from(id, 'base64url').toString().split(':')[1],
          ])
        )[0].n,
      ),
    ).toBe(0);
    const actions = (
      await s.ok(`{ auditEvents(filter: {registry: "${reg}"}, first: 20) { edges { node { action targetId } } } }`)
    ).auditEvents.edges
      .map((e: any) => e.node)
      .filter((n: any) => n.action.startsWith('webhook.'));
    expect(actions).toEqual([
      { action: 'webhook.deleted', targetId: id },
      { action: 'webhook.created', targetId: id },
    ]);
  });
});

describe('formats, pings and redelivery', () => {
  it('posts a readable { text } message in the SLACK format, still signed', async () => {
    const reg = await registry('slack');
    await link(reg);
    await link(reg);
    await s.ok(SET, {
      i: { registry: reg, model: 'm', alias: 'production', version: 'v0' },
    });
    const rx = await receiver();
    const { secret } = await hook(reg, rx.url, {
      format: 'SLACK',
      events: ['ALIAS_SET'],
    });
    await s.ok(SET, {
      i: {
        registry: reg,
        model: 'm',
        alias: 'production',
        version: 'v1',
        reason: 'better <acc>',
      },
    });
    const [r] = await rx.until((got) => got.length === 1);
    expect(Object.keys(r.json)).toEqual(['text']);
    expect(r.json.text).toBe(
      `:arrow_right: *${reg}/m:production* moved from v0 to *v1* by local-admin (better &lt;acc&gt;)`,
    );
    expect(verify(secret, r)).toEqual(r.json);
  });

  it('pings a webhook now, once, and reports how it went; a failed delivery can be redelivered with the same event id', async () => {
    const reg = await registry('ping');
    const rx = await receiver((_r, n) => ({
      status: n === 1 ? 200 : n === 2 ? 503 : 200,
    }));
    const { id, secret } = await hook(reg, rx.url, { active: false });
    const TEST = `mutation($id: ID!) { testWebhook(input: {webhook: $id}) { delivery { id eventId event status attempts lastResponseCode lastError nextAttemptAt payload } } }`;

    const ok = (await s.ok(TEST, { id })).testWebhook.delivery;
    expect(ok).toMatchObject({
      event: 'webhook.ping',
      status: 'SUCCEEDED',
      attempts: 1,
      lastResponseCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(verify(secret, rx.received[0])).toMatchObject({
      type: 'webhook.ping',
      registry: { name: reg },
      data: { webhook: id },
    });

    const failed = (await s.ok(TEST, { id })).testWebhook.delivery;
    expect(failed).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastResponseCode: 503,
      lastError: 'HTTP 503 Service Unavailable',
      nextAttemptAt: null,
    });

    // Queued deliveries of an inactive webhook wait for it to be switched on.
    await s.ok(UPDATE_HOOK, { i: { webhook: id, active: true } });
    const again = (
      await s.ok(
        `mutation($id: ID!) { redeliverWebhookDelivery(input: {delivery: $id}) { delivery { id eventId status attempts } } }`,
        { id: failed.id },
      )
    ).redeliverWebhookDelivery.delivery;
    expect(again).toMatchObject({
      eventId: failed.eventId,
      status: 'PENDING',
      attempts: 0,
    });
    expect(again.id).not.toBe(failed.id);
    await rx.until((got) => got.length === 3);
    expect(rx.received.map((r) => r.headers['webhook-id'])).toEqual([ok.eventId, failed.eventId, failed.eventId]);
    await drained();
    expect(
      (
        await s.ok(
          `{ node(id: "${again.id}") { ... on WebhookDelivery { status attempts lastResponseCode webhook { id } } } }`,
        )
      ).node,
    ).toEqual({
      status: 'SUCCEEDED',
      attempts: 1,
      lastResponseCode: 200,
      webhook: { id },
    });
    expect(
      codeOf(await s.gql(`mutation { redeliverWebhookDelivery(input: {delivery: "${id}"}) { delivery { id } } }`)),
    ).toBe('BAD_USER_INPUT');
  });

  it('refuses to redeliver a delivery that is still being tried', async () => {
    const reg = await registry('pending');
    await link(reg);
    const rx = await receiver(() => 'hang');
    const { id } = await hook(reg, rx.url, { events: ['ALIAS_SET'] });
    await s.ok(SET, {
      i: { registry: reg, model: 'm', alias: 'staging', version: 'v0' },
    });
    const pending = (await deliveries(id)).edges[0].node;
    expect(pending.status).toBe('PENDING');
    expect(
      codeOf(
        await s.gql(`mutation { redeliverWebhookDelivery(input: {delivery: "${pending.id}"}) { delivery { id } } }`),
      ),
    ).toBe('CONFLICT');
    await s.ok(UPDATE_HOOK, { i: { webhook: id, active: false } });
  });
});
