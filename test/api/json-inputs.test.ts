import { Receiver } from '../support/receiver';
import { fromGlobalId } from '../../src/common/global-id';
import { digestOf, GraphQLResult, startTestServer, TEST_ADMIN, TestServer } from '../support/server';

// JSON inputs (metadata, metrics, run config) are bounded in depth, members and size, the same on
// SQLite and MariaDB, and refused with BAD_USER_INPUT before anything is written (issue #11, 2).
// MariaDB refuses JSON nested deeper than 32 levels, and audit rows and webhook payloads nest a
// stored value a few levels deeper, so the bounds also keep every later write of a value writable.

const FAST = {
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '2000',
};
const TABLES = [
  'registry',
  'registered_model',
  'model_version',
  'model_alias',
  'alias_event',
  'audit_event',
  'run',
  'artifact',
  'lineage_edge',
  'webhook',
  'webhook_delivery',
];
const LINK = `mutation($i: LinkModelVersionInput!) {
  linkModelVersion(input: $i) { version { id name metadata metrics } }
}`;
const UPDATE = `mutation($i: UpdateModelVersionInput!) { updateModelVersion(input: $i) { version { metadata } } }`;
const CREATE_RUN = `mutation($i: CreateRunInput!) { createRun(input: $i) { run { id config metrics } } }`;
const UPDATE_RUN = `mutation($i: UpdateRunInput!) { updateRun(input: $i) { run { metrics } } }`;
const LOG = `mutation($i: LogArtifactInput!) { logArtifact(input: $i) { artifact { metadata } } }`;

/** `{"a":{"a":…{"a":1}…}}`: `levels` objects, one inside the other. */
function nested(levels: number): Record<string, unknown> {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value as Record<string, unknown>;
}
/** The same as JSON text, built as text: JSON.stringify cannot write 5 000 levels. */
const nestedJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
/** The same as GraphQL literal text. */
const nestedLiteral = (levels: number) => `${'{a: '.repeat(levels)}1${'}'.repeat(levels)}`;

let s: TestServer;
beforeAll(async () => (s = await startTestServer(FAST)));
afterAll(() => s.stop());

let seq = 0;
async function registry(): Promise<string> {
  const name = `json-${++seq}`;
  await s.ok(`mutation($n: String!) { createRegistry(input: { name: $n }) { registry { id } } }`, { n: name });
  return name;
}
const artifact = () => ({
  uri: `s3://models/${++seq}`,
  digest: digestOf(`json/${seq}`),
  sizeBytes: 10,
});
/** Variables of LINK: a new artifact for model `m` of `reg`, with `extra`. */
const linkOf = (reg: string, extra: Record<string, unknown> = {}) => ({
  i: { registry: reg, model: 'm', artifact: artifact(), ...extra },
});
/** A request whose variables are JSON text, sent as TEST_ADMIN. */
async function gqlText(query: string, variablesJson: string): Promise<GraphQLResult> {
  const res = await fetch(s.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await s.token(TEST_ADMIN)}`,
    },
    body: `{"query":${JSON.stringify(query)},"variables":${variablesJson}}`,
  });
  return {
    status: res.status,
    ...((await res.json()) as object),
    sqlStatements: -1,
  };
}
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of TABLES) counts[t] = Number((await s.db.ds.query(`SELECT COUNT(*) AS n FROM ${t}`))[0].n);
  return counts;
}
/** Runs `request`, expects it refused with BAD_USER_INPUT, and that it wrote nothing. */
async function refused(request: () => Promise<GraphQLResult>) {
  const before = await rowCounts();
  const r = await request();
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(await rowCounts()).toEqual(before);
  return { status: r.status, ...r.errors![0] };
}

describe('nesting depth', () => {
  it('accepts metadata nested 16 levels and gives it back as it was', async () => {
    const reg = await registry();
    const input = {
      registry: reg,
      model: 'm',
      artifact: artifact(),
      metadata: nested(16),
    };
    const { version } = (await s.ok(LINK, { i: input })).linkModelVersion;
    expect(version.metadata).toEqual(nested(16));
  });

  const literalLink = (reg: string, metadata: string) => `mutation($a: ArtifactInput!) {
    linkModelVersion(input: { registry: "${reg}", model: "m", artifact: $a, metadata: ${metadata} }) { version { id } }
  }`;
  it.each([
    ['in variables', (reg: string) => s.gql(LINK, linkOf(reg, { metadata: nested(17) }))],
    ['as a literal', (reg: string) => s.gql(literalLink(reg, nestedLiteral(17)), { a: artifact() })],
  ])('refuses metadata nested 17 levels %s, naming the field and the limit', async (_how, request) => {
    const reg = await registry();
    const error = await refused(() => request(reg));
    expect(error.message).toBe('metadata is nested 17 levels deep; the limit is 16.');
    expect(error.extensions).toMatchObject({
      field: 'metadata',
      limit: 'JSON_MAX_DEPTH',
      max: 16,
    });
  });

  /** Link variables as JSON text, with `field` set to the JSON text `value`. */
  const linkJson = (reg: string, field: string, value: string) =>
    `{"i":{"registry":"${reg}","model":"m","artifact":${JSON.stringify(artifact())},"${field}":${value}}}`;

  it.each([31, 5_000, 100_000])('refuses metadata nested %i levels in variables, failing nowhere', async (levels) => {
    const reg = await registry();
    const error = await refused(() => gqlText(LINK, linkJson(reg, 'metadata', nestedJson(levels))));
    expect(error.message).toBe(`metadata is nested ${levels} levels deep; the limit is 16.`);
  });

  // 2 400 nested lists are 4 800 tokens, inside GRAPHQL_MAX_TOKENS, and overflow graphql-js's
  // recursive parser; 5 000 objects are more tokens than that, and would overflow it too.
  it.each([
    ['2 400 lists', `${'['.repeat(2400)}${']'.repeat(2400)}`, 2404],
    ['5 000 objects', nestedLiteral(5000), 5004],
  ])('refuses a literal of %s before parsing it', async (_what, value, nesting) => {
    const reg = await registry();
    const input = `{ registry: "${reg}", name: "r", config: { a: ${value} } }`;
    const r = await refused(() => s.gql(`mutation { createRun(input: ${input}) { run { id } } }`));
    expect(r.status).toBe(400);
    expect(r.message).toBe(`The document nests brackets ${nesting} levels deep; the limit is 256.`);
    expect(r.extensions).toMatchObject({
      limit: 'DOCUMENT_MAX_NESTING',
      max: 256,
    });
  });

  it.each([
    ["a run's config", CREATE_RUN, (reg: string) => ({ registry: reg, name: 'r' }), 'config'],
    ["a run's metrics", CREATE_RUN, (reg: string) => ({ registry: reg, name: 'r' }), 'metrics'],
    ["a version's metrics", LINK, (reg: string) => ({ registry: reg, model: 'm', artifact: artifact() }), 'metrics'],
    [
      "an artifact's metadata",
      LOG,
      (reg: string) => ({
        registry: reg,
        type: 'dataset',
        name: 'd',
        digest: digestOf('d'),
        uri: 's3://d',
      }),
      'metadata',
    ],
  ])('refuses %s nested 5 000 levels deep', async (_what, mutation, input, field) => {
    const reg = await registry();
    const variables = `{"i":${JSON.stringify(input(reg)).slice(0, -1)},"${field}":${nestedJson(5000)}}}`;
    const error = await refused(() => gqlText(mutation, variables));
    expect(error.message).toBe(`${field} is nested 5000 levels deep; the limit is 16.`);
    expect(error.extensions?.field).toBe(field);
  });

  it('refuses tags nested 5 000 levels deep: they are a list of strings', async () => {
    const reg = await registry();
    await refused(() => gqlText(LINK, linkJson(reg, 'tags', `[${'['.repeat(5000)}${']'.repeat(5000)}]`)));
  });

  it('counts arrays as levels too', async () => {
    const reg = await registry();
    let deep: unknown = [1];
    for (let i = 0; i < 16; i++) deep = [deep];
    const error = await refused(() => s.gql(CREATE_RUN, { i: { registry: reg, name: 'r', config: { deep } } }));
    expect(error.message).toBe('config is nested 18 levels deep; the limit is 16.');
  });
});

describe('members and size', () => {
  it('accepts 1 000 members and refuses 1 001, counted at every level', async () => {
    const reg = await registry();
    const members = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    await s.ok(LINK, {
      i: {
        registry: reg,
        model: 'm',
        artifact: artifact(),
        metadata: members(1000),
      },
    });
    const spread = { ...members(900), inner: members(100) };
    const error = await refused(() => s.gql(LINK, linkOf(reg, { metadata: spread })));
    expect(error.message).toBe('metadata has 1001 members; the limit is 1000.');
    expect(error.extensions).toMatchObject({
      field: 'metadata',
      limit: 'JSON_MAX_MEMBERS',
      max: 1000,
    });
  });

  it('refuses metadata over 256 KiB', async () => {
    const reg = await registry();
    const metadata = { blob: 'x'.repeat(256 * 1024) };
    const error = await refused(() => s.gql(LINK, linkOf(reg, { metadata })));
    expect(error.message).toMatch(/^metadata is 262\d{3} bytes as JSON; the limit is 262144\.$/);
    expect(error.extensions).toMatchObject({
      field: 'metadata',
      limit: 'JSON_MAX_BYTES',
      max: 262144,
    });
  });

  it("holds the member limit on a run's metrics once they are merged", async () => {
    const reg = await registry();
    const metrics = (from: number, n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`m${from + i}`, i]));
    const id = (
      await s.ok(CREATE_RUN, {
        i: { registry: reg, name: 'r', metrics: metrics(0, 600) },
      })
    ).createRun.run.id;
    const error = await refused(() => s.gql(UPDATE_RUN, { i: { run: id, metrics: metrics(600, 401) } }));
    expect(error.message).toBe('metrics would have 1001 members once merged; the limit is 1000.');
  });
});

describe('what a stored value nests into', () => {
  const hookOn = async (reg: string, url: string) =>
    s.ok(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } } }`, {
      i: { registry: reg, url, events: ['VERSION_UPDATED'] },
    });
  // JSON columns come back as text on SQLite and as objects on MariaDB.
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  const payloads = async (reg: string) =>
    (
      await s.db.ds.query(
        `SELECT d.payload FROM webhook_delivery d
           JOIN webhook w ON w.id = d.webhook_id JOIN registry r ON r.id = w.registry_id
          WHERE r.name = ? ORDER BY d.id`,
        [reg],
      )
    ).map((row: { payload: unknown }) => json(row.payload));
  const audits = async (versionId: string) =>
    (
      await s.db.ds.query(
        `SELECT a.before, a.after FROM audit_event a
          WHERE a.target_id = ? AND a.action = 'version.updated' ORDER BY a.id`,
        [versionId],
      )
    ).map((row: { before: unknown; after: unknown }) => ({
      before: json(row.before),
      after: json(row.after),
    }));

  it('keeps a version with the deepest metadata updatable while a VERSION_UPDATED webhook exists', async () => {
    const reg = await registry();
    const rx = await Receiver.start();
    try {
      await hookOn(reg, rx.url);
      await s.ok(LINK, {
        i: { registry: reg, model: 'm', artifact: artifact() },
      });
      await s.ok(UPDATE, {
        i: { registry: reg, model: 'm', version: 'v0', metadata: nested(16) },
      });
      await s.ok(UPDATE, {
        i: {
          registry: reg,
          model: 'm',
          version: 'v0',
          metadata: { b: nested(15) },
        },
      });
      const [first, second] = await payloads(reg);
      expect(first.data).toEqual({
        changed: ['metadata'],
        before: { metadata: {} },
        after: { metadata: nested(16) },
      });
      expect(second.data).toEqual({
        changed: ['metadata'],
        before: { metadata: nested(16) },
        after: { metadata: { b: nested(15) } },
      });
      await rx.until((got) => got.length === 2);
      expect(rx.received.map((r) => r.json.data.after.metadata)).toEqual([nested(16), { b: nested(15) }]);
    } finally {
      await rx.stop();
    }
  });

  it('keeps a version with metadata stored 31 levels deep (before the limits) updatable', async () => {
    const reg = await registry();
    const rx = await Receiver.start();
    try {
      await hookOn(reg, rx.url);
      const { version } = (await s.ok(LINK, linkOf(reg))).linkModelVersion;
      // As a version linked before the limits could have it: 31 levels is the deepest MariaDB stores.
      const versionId = fromGlobalId(version.id).id;
      const legacy = JSON.stringify(nested(31));
      await s.db.ds.query('UPDATE model_version SET metadata = ? WHERE id = ?', [legacy, versionId]);
      const GET = `query($r: String!) { modelVersion(registry: $r, model: "m", ref: "v0") { metadata } }`;
      const read = await s.ok(GET, { r: reg });
      expect(read.modelVersion.metadata).toEqual(nested(31));

      await s.ok(UPDATE, {
        i: {
          registry: reg,
          model: 'm',
          version: 'v0',
          metadata: { fixed: true },
        },
      });
      const [audit] = await audits(versionId);
      expect(audit.after.metadata).toEqual({ fixed: true });
      // `before` keeps the old value down to 24 levels; what lies deeper is its JSON text.
      let cut: any = audit.before.metadata;
      for (let level = 1; level < 23; level++) cut = cut.a;
      expect(cut).toEqual({ a: JSON.stringify(nested(8)) });
      const [payload] = await payloads(reg);
      expect(payload.data.after).toEqual({ metadata: { fixed: true } });
      await rx.until((got) => got.length === 1);
    } finally {
      await rx.stop();
    }
  });
});
