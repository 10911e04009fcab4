import { digestOf, GraphQLResult, startTestServer, TestServer } from './support/server';

// Strings must be well-formed Unicode (issue #11, 4). JSON lets a client send a lone surrogate
// ("\ud800"), which MariaDB refuses inside the write (a 500) and SQLite stores as U+FFFD, so the
// answer and a later read disagree. Every string in the variables, JSON keys and values included,
// is checked before anything runs; in a document, graphql-js's lexer refuses them already.

const TABLES = ['registry', 'registered_model', 'model_version', 'model_alias', 'alias_event', 'audit_event', 'run', 'artifact', 'lineage_edge', 'webhook', 'role_binding'];
const HIGH = 'a\ud800b';
const LOW = 'a\udc00b';
const REVERSED = 'a\ude00\ud83db';
const ILL_FORMED = [['a lone high surrogate', HIGH], ['a lone low surrogate', LOW], ['a reversed pair', REVERSED]] as const;
const EMOJI = 'rocket 🚀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢';

let s: TestServer;
beforeAll(async () => (s = await startTestServer()));
afterAll(() => s.stop());

let seq = 0;
let reg: string;
beforeAll(async () => {
  reg = 'unicode';
  await s.ok(`mutation { createRegistry(input: { name: "unicode" }) { registry { id } } }`);
  await s.ok(`mutation { createModel(input: { registry: "unicode", name: "m" }) { model { id } } }`);
  await link({});
});
const artifact = () => ({ uri: `s3://models/${++seq}`, digest: digestOf(`unicode/${seq}`), sizeBytes: 10 });
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { name metadata tags description } } }`;
const link = async (extra: Record<string, unknown>) => (await s.ok(LINK, { i: { registry: reg, model: 'm', artifact: artifact(), ...extra } })).linkModelVersion.version;

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of TABLES) counts[t] = Number((await s.db.ds.query(`SELECT COUNT(*) AS n FROM ${t}`))[0].n);
  return counts;
}
async function refused(request: () => Promise<GraphQLResult>, code = 'BAD_USER_INPUT') {
  const before = await rowCounts();
  const r = await request();
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual([code]);
  expect(r.data ?? null).toBeNull();
  expect(await rowCounts()).toEqual(before);
  return { status: r.status, ...r.errors![0] };
}

// Each input, with where the bad string goes: the variables sent, and the field the error names.
const INPUTS: [string, string, (bad: string) => Record<string, unknown>, string][] = [
  ['a model description', `mutation($i: UpdateModelInput!) { updateModel(input: $i) { model { id } } }`, (bad) => ({ i: { registry: reg, model: 'm', description: bad } }), 'i.description'],
  ['a registry name', `mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, (bad) => ({ i: { name: bad } }), 'i.name'],
  ['a model name', `mutation($i: CreateModelInput!) { createModel(input: $i) { model { id } } }`, (bad) => ({ i: { registry: reg, name: bad } }), 'i.name'],
  ['a run name', `mutation($i: CreateRunInput!) { createRun(input: $i) { run { id } } }`, (bad) => ({ i: { registry: reg, name: bad } }), 'i.name'],
  ['an alias reason', `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`, (bad) => ({ i: { registry: reg, model: 'm', alias: 'staging', version: 'v0', reason: bad } }), 'i.reason'],
  ['a tag', LINK, (bad) => ({ i: { registry: reg, model: 'm', artifact: artifact(), tags: ['ok', bad] } }), 'i.tags[1]'],
  ['an artifact file path', LINK, (bad) => ({ i: { registry: reg, model: 'm', artifact: { ...artifact(), files: [{ path: bad }] } } }), 'i.artifact.files[0].path'],
  ['a JSON value', LINK, (bad) => ({ i: { registry: reg, model: 'm', artifact: artifact(), metadata: { notes: [bad] } } }), 'i.metadata.notes[0]'],
  ['a JSON key', LINK, (bad) => ({ i: { registry: reg, model: 'm', artifact: artifact(), metadata: { nested: { [bad]: 1 } } } }), `i.metadata.nested[${JSON.stringify(HIGH)}]`],
  ['a run config key', `mutation($i: CreateRunInput!) { createRun(input: $i) { run { id } } }`, (bad) => ({ i: { registry: reg, name: 'r', config: { [bad]: true } } }), `i.config[${JSON.stringify(HIGH)}]`],
  ['a role subject', `mutation($r: String!, $s: String!) { grantRole(input: { registry: $r, subject: $s, role: VIEWER }) { binding { role } } }`, (bad) => ({ r: reg, s: bad }), 's'],
  ['a variable of a query', `query($r: String!) { registry(name: $r) { id } }`, (bad) => ({ r: bad }), 'r'],
];

describe.each(INPUTS)('%s', (_what, query, variables, field) => {
  it.each(ILL_FORMED)('refuses %s with BAD_USER_INPUT, naming the field, and writes nothing', async (_kind, bad) => {
    const error = await refused(() => s.gql(query, variables(bad)));
    expect(error.status).toBe(400);
    const escapedField = field.replace(JSON.stringify(HIGH), JSON.stringify(bad));
    expect(error.extensions?.field).toBe(escapedField);
    expect(error.message).toMatch(new RegExp(`^"${escapedField.replace(/[[\]().\\"]/g, '\\$&')}" is not well-formed Unicode: it has a lone surrogate \\(U\\+D[89A-F][0-9A-F]{2}\\) at index \\d+\\.`));
  });
});

it('refuses a lone surrogate in a string literal of the document (graphql-js\'s lexer)', async () => {
  const escaped = await refused(() => s.gql(`mutation { updateModel(input: { registry: "${reg}", model: "m", description: "a\\uD800b" }) { model { id } } }`), 'GRAPHQL_PARSE_FAILED');
  expect(escaped.message).toMatch(/Invalid Unicode escape sequence/);
  const raw = await refused(() => s.gql(`mutation { updateModel(input: { registry: "${reg}", model: "m", description: "${HIGH}" }) { model { id } } }`), 'GRAPHQL_PARSE_FAILED');
  expect(raw.message).toMatch(/Invalid character within String/);
});

describe('characters outside the Basic Multilingual Plane', () => {
  it('are kept as sent in descriptions, tags, metadata keys and values, run names and alias reasons', async () => {
    const version = await link({ description: EMOJI, tags: ['🚀', 'ok'], metadata: { [EMOJI]: EMOJI, list: ['😀'] } });
    expect(version).toMatchObject({ description: EMOJI, tags: ['🚀', 'ok'], metadata: { [EMOJI]: EMOJI, list: ['😀'] } });
    const read = await s.ok(`query($r: String!, $v: String!) { modelVersion(registry: $r, model: "m", ref: $v) { description tags metadata } }`, { r: reg, v: version.name });
    expect(read.modelVersion).toEqual({ description: EMOJI, tags: ['🚀', 'ok'], metadata: { [EMOJI]: EMOJI, list: ['😀'] } });

    const run = (await s.ok(`mutation($i: CreateRunInput!) { createRun(input: $i) { run { id name config } } }`, { i: { registry: reg, name: EMOJI, config: { '🔑': '🚀' } } })).createRun.run;
    expect((await s.ok(`query($id: ID!) { node(id: $id) { ... on Run { name config } } }`, { id: run.id })).node).toEqual({ name: EMOJI, config: { '🔑': '🚀' } });

    await s.ok(`mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`, { i: { registry: reg, model: 'm', alias: 'emoji', version: version.name, reason: EMOJI } });
    const history = await s.ok(`query($r: String!) { model(registry: $r, name: "m") { aliasHistory(alias: "emoji", first: 1) { edges { node { reason } } } } }`, { r: reg });
    expect(history.model.aliasHistory.edges[0].node.reason).toBe(EMOJI);
  });

  it('as a literal too', async () => {
    await s.ok(`mutation { updateModel(input: { registry: "${reg}", model: "m", description: "${EMOJI} \\uD83D\\uDE80 \\u{1F680}" }) { model { id } } }`);
    const read = await s.ok(`query($r: String!) { model(registry: $r, name: "m") { description } }`, { r: reg });
    expect(read.model.description).toBe(`${EMOJI} 🚀 🚀`);
  });
});

it('refuses a token whose subject is not well-formed Unicode: it would be stored as the actor of every change', async () => {
  const r = await s.gql('{ viewer { subject } }', {}, await s.as(HIGH));
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  expect((await s.ok('{ viewer { subject } }', {}, await s.as('🚀-bot'))).viewer.subject).toBe('🚀-bot');
});
