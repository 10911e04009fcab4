import { digestOf, GraphQLResult, startTestServer, TestServer } from '../support/server';

// Strings must be well-formed Unicode (issue #11, 4). JSON lets a client send a lone surrogate
// ("\ud800"), which MariaDB refuses inside the write (a 500) and SQLite stores as U+FFFD, so the
// answer and a later read disagree. Every string in the variables, JSON keys and values included,
// is checked before anything runs; in a document, graphql-js's lexer refuses them already.

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
  'role_binding',
];
const ILL_FORMED = [
  ['a lone high surrogate', 'a\ud800b'],
  ['a lone low surrogate', 'a\udc00b'],
  ['a reversed pair', 'a\ude00\ud83db'],
] as const;
const EMOJI = 'rocket 🚀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢';
const REG = 'unicode';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.ok(`mutation { createRegistry(input: { name: "${REG}" }) { registry { id } } }`);
  await s.ok(`mutation { createModel(input: { registry: "${REG}", name: "m" }) { model { id } } }`);
  await link({});
});
afterAll(() => s.stop());

let seq = 0;
const artifact = () => ({
  uri: `s3://models/${++seq}`,
  digest: digestOf(`unicode/${seq}`),
  sizeBytes: 10,
});
const LINK = `mutation($i: LinkModelVersionInput!) {
  linkModelVersion(input: $i) { version { name metadata tags description } }
}`;
/** Variables of LINK: a new artifact for model `m`, with `extra`. */
const linkOf = (extra: Record<string, unknown>) => ({
  i: { registry: REG, model: 'm', artifact: artifact(), ...extra },
});
const link = async (extra: Record<string, unknown>) => (await s.ok(LINK, linkOf(extra))).linkModelVersion.version;
const CREATE_RUN = `mutation($i: CreateRunInput!) { createRun(input: $i) { run { id name config } } }`;
const SET_ALIAS = `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`;

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

/** Where a bad string goes: the operation, its variables, and the path the error names (BAD: the bad key, as JSON). */
interface Case {
  query: string;
  variables: (bad: string) => Record<string, unknown>;
  field: string;
}
const CASES: Record<string, Case> = {
  'a model description': {
    query: `mutation($i: UpdateModelInput!) { updateModel(input: $i) { model { id } } }`,
    variables: (bad) => ({
      i: { registry: REG, model: 'm', description: bad },
    }),
    field: 'i.description',
  },
  'a registry name': {
    query: `mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`,
    variables: (bad) => ({ i: { name: bad } }),
    field: 'i.name',
  },
  'a model name': {
    query: `mutation($i: CreateModelInput!) { createModel(input: $i) { model { id } } }`,
    variables: (bad) => ({ i: { registry: REG, name: bad } }),
    field: 'i.name',
  },
  'a run name': {
    query: CREATE_RUN,
    variables: (bad) => ({ i: { registry: REG, name: bad } }),
    field: 'i.name',
  },
  'an alias reason': {
    query: SET_ALIAS,
    variables: (bad) => ({
      i: {
        registry: REG,
        model: 'm',
        alias: 'staging',
        version: 'v0',
        reason: bad,
      },
    }),
    field: 'i.reason',
  },
  'a tag': {
    query: LINK,
    variables: (bad) => linkOf({ tags: ['ok', bad] }),
    field: 'i.tags[1]',
  },
  'an artifact file path': {
    query: LINK,
    variables: (bad) => linkOf({ artifact: { ...artifact(), files: [{ path: bad }] } }),
    field: 'i.artifact.files[0].path',
  },
  'a JSON value': {
    query: LINK,
    variables: (bad) => linkOf({ metadata: { notes: [bad] } }),
    field: 'i.metadata.notes[0]',
  },
  'a JSON key': {
    query: LINK,
    variables: (bad) => linkOf({ metadata: { nested: { [bad]: 1 } } }),
    field: 'i.metadata.nested[BAD]',
  },
  'a run config key': {
    query: CREATE_RUN,
    variables: (bad) => ({
      i: { registry: REG, name: 'r', config: { [bad]: true } },
    }),
    field: 'i.config[BAD]',
  },
  'a role subject': {
    query: `mutation($r: String!, $s: String!) {
      grantRole(input: { registry: $r, subject: $s, role: VIEWER }) { binding { role } }
    }`,
    variables: (bad) => ({ r: REG, s: bad }),
    field: 's',
  },
  'a variable of a query': {
    query: `query($r: String!) { registry(name: $r) { id } }`,
    variables: (bad) => ({ r: bad }),
    field: 'r',
  },
};

/** Mutation text that sets model m's description to the literal `description`. */
const describeModel = (description: string) =>
  `mutation { updateModel(input: { registry: "${REG}", model: "m", description: "${description}" }) { model { id } } }`;
const escapeRegExp = (text: string) => text.replace(/[[\]().\\"]/g, '\\$&');

describe.each(Object.entries(CASES))('%s', (_what, { query, variables, field }) => {
  it.each(ILL_FORMED)('refuses %s with BAD_USER_INPUT, naming the field, and writes nothing', async (_kind, bad) => {
    const error = await refused(() => s.gql(query, variables(bad)));
    expect(error.status).toBe(400);
    const path = field.replace('BAD', JSON.stringify(bad));
    expect(error.extensions?.field).toBe(path);
    const unit = 'U\\+D[89A-F][0-9A-F]{2}';
    const surrogate = `a lone surrogate \\(${unit}\\) at index \\d+\\.`;
    const message = `^"${escapeRegExp(path)}" is not well-formed Unicode: it has ${surrogate}`;
    expect(error.message).toMatch(new RegExp(message));
  });
});

it("refuses a lone surrogate in a string literal of the document (graphql-js's lexer)", async () => {
  const escaped = await refused(() => s.gql(describeModel('a\\uD800b')), 'GRAPHQL_PARSE_FAILED');
  expect(escaped.message).toMatch(/Invalid Unicode escape sequence/);
  const raw = await refused(() => s.gql(describeModel('a\ud800b')), 'GRAPHQL_PARSE_FAILED');
  expect(raw.message).toMatch(/Invalid character within String/);
});

describe('characters outside the Basic Multilingual Plane', () => {
  it('are kept as sent in descriptions, tags, metadata keys and values, run names and alias reasons', async () => {
    const fields = {
      description: EMOJI,
      tags: ['🚀', 'ok'],
      metadata: { [EMOJI]: EMOJI, list: ['😀'] },
    };
    const version = await link(fields);
    expect(version).toMatchObject(fields);
    const GET = `query($r: String!, $v: String!) {
      modelVersion(registry: $r, model: "m", ref: $v) { description tags metadata }
    }`;
    expect((await s.ok(GET, { r: REG, v: version.name })).modelVersion).toEqual(fields);

    const run = (
      await s.ok(CREATE_RUN, {
        i: { registry: REG, name: EMOJI, config: { '🔑': '🚀' } },
      })
    ).createRun.run;
    const node = (await s.ok(`query($id: ID!) { node(id: $id) { ... on Run { name config } } }`, { id: run.id })).node;
    expect(node).toEqual({ name: EMOJI, config: { '🔑': '🚀' } });

    await s.ok(SET_ALIAS, {
      i: {
        registry: REG,
        model: 'm',
        alias: 'emoji',
        version: version.name,
        reason: EMOJI,
      },
    });
    const HISTORY = `query($r: String!) {
      model(registry: $r, name: "m") { aliasHistory(alias: "emoji", first: 1) { edges { node { reason } } } }
    }`;
    expect((await s.ok(HISTORY, { r: REG })).model.aliasHistory.edges[0].node.reason).toBe(EMOJI);
  });

  it('as a literal too', async () => {
    const description = `${EMOJI} \\uD83D\\uDE80 \\u{1F680}`;
    await s.ok(describeModel(description));
    const read = await s.ok(`query($r: String!) { model(registry: $r, name: "m") { description } }`, { r: REG });
    expect(read.model.description).toBe(`${EMOJI} 🚀 🚀`);
  });
});

it('refuses a token whose subject is not well-formed Unicode: it would be the actor of a change', async () => {
  const r = await s.gql('{ viewer { subject } }', {}, await s.as('a\ud800b'));
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  expect((await s.ok('{ viewer { subject } }', {}, await s.as('🚀-bot'))).viewer.subject).toBe('🚀-bot');
});

it('refuses a token with a group that is not well-formed Unicode, as an array or a string claim', async () => {
  for (const groups of [['ml', 'g\udc00'], 'ml g\ud800']) {
    const r = await s.gql('{ viewer { groups } }', {}, await s.as('grouped', { claims: { groups } }));
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  }
  const ok = await s.ok('{ viewer { groups } }', {}, await s.as('grouped', { claims: { groups: ['ml', '🚀'] } }));
  expect(ok.viewer.groups).toEqual(['ml', '🚀']);
});
