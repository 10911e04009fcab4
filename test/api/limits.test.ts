import http from 'node:http';
import { getIntrospectionQuery } from 'graphql';
import { fromGlobalId } from '../../src/common/global-id';
import { LineageEdgeEntity } from '../../src/lineage/lineage-edge.entity';
import { RegistryEntity } from '../../src/registry/registry.entity';
import { COSTLY_DOCUMENTS } from '../support/costly-documents';
import { usingMysql } from '../support/database';
import { codeOf, digestOf, GraphQLResult, startTestServer, TestServer } from '../support/server';

// Issue #7: what one request may ask for is bounded, each bound is configurable, and a request
// over one is refused before anything runs, with a message that names the limit and its value.

const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { id } } }`;

/** `{ modelVersion(…) { model { latestVersion { model … { name } } } } }`, exactly `depth` fields deep. */
function nested(depth: number): string {
  const path = ['modelVersion(registry: "lim", model: "m", ref: "v0")'];
  while (path.length < depth - 1) path.push(path.length % 2 === 1 ? 'model' : 'latestVersion');
  return `{ ${path.join(' { ')} { name }${' }'.repeat(path.length - 1)} }`;
}

/** The same field under `count` aliases. */
const aliased = (count: number) =>
  `{ ${Array.from({ length: count }, (_, i) => `a${i}: viewer { subject }`).join(' ')} }`;

const nestedLists = (a: string | number, b: string | number) =>
  `{ registries(first: ${a}) { edges { node { models(first: ${b}) { edges { node { name } } } } } } }`;
const NESTED_LISTS = `query($a: Int, $b: Int) ${nestedLists('$a', '$b')}`;

async function postRaw(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      data?: unknown;
      errors?: GraphQLResult['errors'];
    },
  };
}

describe('limits, configured small', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      GRAPHQL_MAX_DEPTH: '7',
      GRAPHQL_MAX_ALIASES: '5',
      // registries(first: 10) × models(first: 15) of NESTED_LISTS costs exactly this.
      GRAPHQL_MAX_COST: '481',
      GRAPHQL_MAX_DOCUMENT_BYTES: '2048',
      GRAPHQL_MAX_TOKENS: '200',
      // The token test repeats one field 195 times (18 915 pairs of it); pairs are tested below.
      GRAPHQL_MAX_FIELD_PAIRS: '20000',
      MAX_BODY_BYTES: '8192',
      // A lineage walk weighs LINEAGE_MAX_NODES: small enough here to fit GRAPHQL_MAX_COST.
      LINEAGE_MAX_NODES: '100',
    });
    await s.ok(`mutation { createRegistry(input: { name: "lim" }) { registry { id } } }`);
    await s.ok(LINK, {
      i: {
        registry: 'lim',
        model: 'm',
        artifact: { uri: 's3://m/0', digest: digestOf('lim-0'), sizeBytes: 1 },
      },
    });
  });
  afterAll(() => s.stop());

  const expectRefused = (r: GraphQLResult, code: string, ...words: string[]) => {
    expect(r.status).toBe(400);
    expect(r.data).toBeUndefined();
    expect(codeOf(r)).toBe(code);
    for (const w of words) expect(r.errors![0].message).toContain(w);
  };

  it('accepts a query exactly GRAPHQL_MAX_DEPTH deep and refuses one a level deeper, naming the limit', async () => {
    expect((await s.ok(nested(7))).modelVersion.model.latestVersion.model.latestVersion.model.name).toBe('m');
    const r = await s.gql(nested(8));
    expectRefused(r, 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_MAX_DEPTH', '8 deep', 'limit is 7');
    expect(r.errors![0].extensions).toMatchObject({
      limit: 'GRAPHQL_MAX_DEPTH',
      max: 7,
    });
  });

  it('counts depth through fragments and inline fragments', async () => {
    const frag = `fragment Deep on ModelVersion { model { latestVersion { model { name } } } }`;
    // modelVersion > model > latestVersion > [Deep: model > latestVersion > model > name] = 7
    expect(
      (
        await s.gql(
          `{ modelVersion(registry: "lim", model: "m", ref: "v0") { model { latestVersion { ...Deep } } } } ${frag}`,
        )
      ).errors,
    ).toBeUndefined();
    expectRefused(
      await s.gql(
        `{ modelVersion(registry: "lim", model: "m", ref: "v0") { model { latestVersion { ... on ModelVersion { model { latestVersion { ...Deep } } } } } } } ${frag}`,
      ),
      'GRAPHQL_VALIDATION_FAILED',
      'GRAPHQL_MAX_DEPTH',
      '9 deep',
    );
  });

  it('answers a document whose fragments spread each other in a cycle with a validation error, not a hang', async () => {
    const r = await s.gql(
      `{ viewer { ...A } } fragment A on Viewer { subject ...B } fragment B on Viewer { groups ...A }`,
    );
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors!.map((e) => e.message).join(' ')).toContain('Cannot spread fragment "A" within itself');
  });

  it('accepts GRAPHQL_MAX_ALIASES aliases and refuses one more, counting a fragment once per spread', async () => {
    expect(Object.keys(await s.ok(aliased(5)))).toHaveLength(5);
    const r = await s.gql(aliased(6));
    expectRefused(r, 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_MAX_ALIASES', '6 aliases', 'limit is 5');
    // 2 + 2 in the spreads, 2 on the viewers: 6.
    expectRefused(
      await s.gql(`{ v1: viewer { ...F } v2: viewer { ...F } } fragment F on Viewer { a: subject b: subject }`),
      'GRAPHQL_VALIDATION_FAILED',
      'GRAPHQL_MAX_ALIASES',
    );
  });

  it('weighs lists by `first`, multiplies nested lists, and refuses a query over GRAPHQL_MAX_COST before running it', async () => {
    const atLimit = await s.gql(NESTED_LISTS, { a: 10, b: 15 });
    expect(atLimit.errors).toBeUndefined();
    const over = await s.gql(NESTED_LISTS, { a: 10, b: 16 });
    expectRefused(over, 'BAD_USER_INPUT', 'GRAPHQL_MAX_COST', '511', '481');
    expect(over.errors![0].extensions).toMatchObject({
      limit: 'GRAPHQL_MAX_COST',
      max: 481,
      cost: 511,
    });
    expect(over.sqlStatements).toBe(0);
    // The same document again (now in Apollo's document cache) is still weighed by its variables.
    expect((await s.gql(NESTED_LISTS, { a: 10, b: 15 })).errors).toBeUndefined();
    expectRefused(await s.gql(NESTED_LISTS, { a: 11, b: 15 }), 'BAD_USER_INPUT', 'GRAPHQL_MAX_COST');
    // Literals count like variables.
    expectRefused(await s.gql(nestedLists(10, 16)), 'BAD_USER_INPUT', 'GRAPHQL_MAX_COST');
  });

  it('weighs a list without `first` as a full page of 100', async () => {
    // 1 + 100 × (edges + node + name)
    expect((await s.gql(`{ registries { edges { node { name } } } }`)).errors).toBeUndefined();
    expectRefused(await s.gql(NESTED_LISTS, { a: 10 }), 'BAD_USER_INPUT', 'GRAPHQL_MAX_COST', '3031');
  });

  it('refuses `first` over 100 before running anything, as a literal or a variable', async () => {
    expect((await s.gql(`{ registries(first: 100) { totalCount } }`)).errors).toBeUndefined();
    for (const r of [
      await s.gql(`{ registries(first: 101) { totalCount } }`),
      await s.gql(`query($n: Int) { registries(first: $n) { totalCount } }`, {
        n: 100000,
      }),
    ]) {
      expect(r.status).toBe(400);
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toMatch(/^"first" must be between 0 and 100; got 10(1|0000)\.$/);
      expect(r.errors![0].extensions).toMatchObject({
        field: 'first',
        max: 100,
      });
      expect(r.sqlStatements).toBe(0);
    }
  });

  it('accepts a document of GRAPHQL_MAX_DOCUMENT_BYTES and refuses one byte more', async () => {
    const doc = (bytes: number) => {
      const base = '{ viewer { subject } }';
      return `${base}${' '.repeat(bytes - base.length)}`;
    };
    expect((await s.gql(doc(2048))).errors).toBeUndefined();
    const r = await s.gql(doc(2049));
    expectRefused(r, 'BAD_USER_INPUT', 'GRAPHQL_MAX_DOCUMENT_BYTES', '2049 bytes', '2048');
    // Comments are not tokens, so only the byte limit bounds them.
    expectRefused(
      await s.gql(`# ${'x'.repeat(4000)}\n{ viewer { subject } }`),
      'BAD_USER_INPUT',
      'GRAPHQL_MAX_DOCUMENT_BYTES',
    );
  });

  it('accepts a document of GRAPHQL_MAX_TOKENS tokens and refuses one token more', async () => {
    // `{ viewer {` + n × `subject` + `} }` is n + 5 tokens.
    const doc = (tokens: number) => `{ viewer { ${'subject '.repeat(tokens - 5)}} }`;
    expect((await s.gql(doc(200))).errors).toBeUndefined();
    const r = await s.gql(doc(201));
    expectRefused(r, 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_MAX_TOKENS', '200 tokens');
  });

  it('refuses a body over MAX_BODY_BYTES with 413, declared or streamed', async () => {
    const ok = JSON.stringify({
      query: '{ viewer { subject } }',
      variables: { pad: 'x'.repeat(8000) },
    });
    expect(Buffer.byteLength(ok)).toBeLessThanOrEqual(8192);
    expect(
      (
        await postRaw(s.url, ok, {
          authorization: `Bearer ${await s.token('local-admin')}`,
        })
      ).status,
    ).toBe(200);

    const big = JSON.stringify({
      query: '{ viewer { subject } }',
      variables: { pad: 'x'.repeat(8200) },
    });
    const declared = await postRaw(s.url, big);
    expect(declared.status).toBe(413);
    expect(declared.body.errors![0].message).toBe('The request body exceeds MAX_BODY_BYTES (8192 bytes).');

    // Chunked, with no content-length: cut off once it passes the limit.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        s.url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('x'.repeat(1000));
      req.end();
    });
    expect(streamed).toBe(413);
  });

  it('refuses a lineage depth over LINEAGE_MAX_DEPTH, naming it', async () => {
    const id = (await s.ok(`{ modelVersion(registry: "lim", model: "m", ref: "v0") { id } }`)).modelVersion.id;
    const r = await s.gql(`query($id: ID!) { lineage(id: $id, depth: 21) { truncated } }`, { id });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toBe('depth must be between 1 and 20 (LINEAGE_MAX_DEPTH); got 21.');
    expect(
      (await s.gql(`query($id: ID!) { lineage(id: $id, depth: 20) { truncated } }`, { id })).errors,
    ).toBeUndefined();
  });
});

describe('lineage statement timeout', () => {
  let s: TestServer;
  beforeAll(async () => (s = await startTestServer({ LINEAGE_STATEMENT_TIMEOUT_MS: '50' })));
  afterAll(() => s.stop());

  it('stops a walk over LINEAGE_STATEMENT_TIMEOUT_MS on MySQL/MariaDB with BAD_USER_INPUT naming it; SQLite is bounded by depth and node caps', async () => {
    await s.ok(`mutation { createRegistry(input: { name: "dense" }) { registry { id } } }`);
    const root = (
      await s.ok(
        `mutation { logArtifact(input: { registry: "dense", type: "dataset", name: "seed", digest: "${digestOf('seed')}", uri: "s3://seed" }) { artifact { id } } }`,
      )
    ).logArtifact.artifact.id;
    const registryId = (await s.db.ds.getRepository(RegistryEntity).findOneByOrFail({ name: 'dense' })).id;
    // 30 runs that all use each other's outputs: every depth of the walk sees every edge again.
    const runs = Array.from({ length: 30 }, (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`);
    const edge = (from: string, fromKind: string, to: string, n: number) => ({
      id: `00000000-0000-7000-9000-${String(n).padStart(12, '0')}`,
      fromId: from,
      fromKind,
      fromRegistryId: registryId,
      toId: to,
      toKind: 'RUN',
      toRegistryId: registryId,
      kind: 'USED',
      createdBy: 'test',
      createdAt: new Date(),
    });
    const rootId = fromGlobalId(root).id;
    const edges = [
      ...runs.map((r, i) => edge(rootId, 'ARTIFACT', r, i)),
      ...runs.flatMap((a, i) => runs.filter((b) => b !== a).map((b, j) => edge(a, 'RUN', b, 100 + i * 30 + j))),
    ];
    await s.db.ds
      .createQueryBuilder()
      .insert()
      .into(LineageEdgeEntity)
      .values(edges as Partial<LineageEdgeEntity>[])
      .execute();

    const r = await s.gql(
      `query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 20) { nodes { id } truncated } }`,
      { id: root },
    );
    if (usingMysql()) {
      expect(r.status).toBe(200);
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toBe(
        'The lineage walk took longer than LINEAGE_STATEMENT_TIMEOUT_MS (50 ms) and was stopped; ask for a smaller depth.',
      );
      expect(r.errors![0].extensions).toMatchObject({ field: 'depth' });
    } else {
      expect(r.errors).toBeUndefined();
      expect(r.data.lineage.nodes).toHaveLength(31);
    }
    // A small walk is unaffected.
    expect(
      (
        await s.gql(`query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 1) { nodes { id } } }`, {
          id: root,
        })
      ).data.lineage.nodes,
    ).toHaveLength(31);
  });
});

describe('default limits', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.ok(`mutation { createRegistry(input: { name: "vision" }) { registry { id } } }`);
    for (const n of [0, 1])
      await s.ok(LINK, {
        i: {
          registry: 'vision',
          model: 'mnist',
          artifact: {
            uri: `s3://models/mnist/${n}`,
            digest: digestOf(`mnist-${n}`),
            sizeBytes: 1,
          },
          metrics: { accuracy: 0.9 + n / 100 },
        },
      });
  });
  afterAll(() => s.stop());

  it("let tools' introspection query and the README's queries through", async () => {
    expect(
      (
        await s.ok(
          getIntrospectionQuery({
            descriptions: true,
            specifiedByUrl: true,
            directiveIsRepeatable: true,
            schemaDescription: true,
            inputValueDeprecation: true,
          }),
        )
      ).__schema.queryType.name,
    ).toBe('Query');
    await s.ok(
      `{ model(registry: "vision", name: "mnist") { versions(orderBy: {field: METRIC, metric: "accuracy"}) { edges { node { name aliases metrics } } } aliases { name version { name } } aliasHistory(first: 5) { edges { node { alias fromVersion { name } toVersion { name } actor { id } at reason } } } } }`,
    );
    const id = (await s.ok(`{ modelVersion(registry: "vision", model: "mnist", ref: "latest") { id } }`)).modelVersion
      .id;
    await s.ok(
      `query($id: ID!) { node(id: $id) { ... on ModelVersion { lineage(direction: UPSTREAM, depth: 5) { nodes { kind name } edges { from to kind } truncated mermaid } } } }`,
      { id },
    );
  });

  it('stays up and answers normal requests while a client sends a burst of abusive documents', async () => {
    const token = await s.token('local-admin');
    const auth = { authorization: `Bearer ${token}` };
    const post = (payload: unknown) =>
      postRaw(s.url, typeof payload === 'string' ? payload : JSON.stringify(payload), auth);
    const deepChain = `{ registry(name: "vision") { ${'models(first: 1) { edges { node { registry { '.repeat(10)}name${' } } } }'.repeat(10)} } }`;
    const abusive: {
      name: string;
      send: () => Promise<{
        status: number;
        body: { errors?: GraphQLResult['errors'] };
      }>;
      status: number;
      code: string;
    }[] = [
      {
        name: 'deep nesting',
        send: () => post({ query: deepChain }),
        status: 400,
        code: 'GRAPHQL_VALIDATION_FAILED',
      },
      {
        name: '500 aliases',
        send: () =>
          post({
            query: `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: registries(first: 100) { totalCount }`).join(' ')} }`,
          }),
        status: 400,
        code: 'GRAPHQL_PARSE_FAILED',
      },
      {
        name: '500 aliases, few tokens each',
        send: () =>
          post({
            query: `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: viewer { subject }`).join(' ')} }`,
          }),
        status: 400,
        code: 'GRAPHQL_VALIDATION_FAILED',
      },
      {
        name: 'first: 100000',
        send: () =>
          post({
            query: '{ registries(first: 100000) { edges { node { name } } } }',
          }),
        status: 400,
        code: 'BAD_USER_INPUT',
      },
      {
        name: 'nested full pages',
        send: () => post({ query: nestedLists(100, 100) }),
        status: 400,
        code: 'BAD_USER_INPUT',
      },
      {
        name: 'a 5 MB body',
        send: () =>
          post({
            query: `{ viewer { subject } }${' '.repeat(5 * 1024 * 1024)}`,
          }),
        status: 413,
        code: 'BAD_REQUEST',
      },
      {
        name: 'a 500 kB document',
        send: () => post({ query: `{ viewer { subject } }${' '.repeat(500 * 1024)}` }),
        status: 400,
        code: 'BAD_USER_INPUT',
      },
      {
        name: '12 000 tokens',
        send: () => post({ query: `{ viewer { ${'subject '.repeat(12000)}} }` }),
        status: 400,
        code: 'GRAPHQL_PARSE_FAILED',
      },
      {
        name: 'a batch of 1000',
        send: () =>
          post(
            Array.from({ length: 1000 }, () => ({
              query: '{ viewer { subject } }',
            })),
          ),
        status: 400,
        code: 'BAD_REQUEST',
      },
    ];
    const normal = async () =>
      (await s.ok(`{ modelVersion(registry: "vision", model: "mnist", ref: "latest") { name artifact { uri } } }`))
        .modelVersion.name;

    for (let round = 0; round < 5; round++) {
      const [answers, refusals] = await Promise.all([
        Promise.all(Array.from({ length: 5 }, normal)),
        Promise.all(
          abusive.map(async (a) => ({
            name: a.name,
            expected: [a.status, a.code],
            got: await a.send(),
          })),
        ),
      ]);
      expect(answers).toEqual(Array(5).fill('v1'));
      for (const r of refusals)
        expect({
          name: r.name,
          got: [r.got.status, r.got.body.errors?.[0]?.extensions?.code],
        }).toEqual({
          name: r.name,
          got: r.expected,
        });
    }
    expect((await fetch(s.url.replace('/graphql', '/healthz'))).status).toBe(200);
    expect(await normal()).toBe('v1');
  });
});

// Issue #11: a document's validation costs what its size allows, not its square. Fragments,
// cycles, expanded fields and pairs of same-named fields are bounded before graphql-js validates.
// (Their validation times are measured by `npm run bench`, not asserted here.)
describe('document bounds', () => {
  let s: TestServer;
  let nobody: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    // A signed-in user with no role anywhere, as in the issue.
    nobody = await s.as('no-role');
  });
  afterAll(() => s.stop());

  it('refuses the 300-fragment cycle by GRAPHQL_MAX_FRAGMENTS before graphql-js validates it', async () => {
    const cycle = COSTLY_DOCUMENTS.find((d) => d.name === 'cycle of 300 fragments')!.query;
    expect(Buffer.byteLength(cycle)).toBe(15_995);
    // An unknown field too: had graphql-js's rules run, they would have reported it (and the cycle).
    const r = await s.gql(cycle.replace('viewer { subject }', 'viewer { subject nosuchfield }'), undefined, nobody);
    expect(r.status).toBe(400);
    expect(r.errors).toEqual([
      {
        message: 'The document defines 300 fragments; the limit is 50 (GRAPHQL_MAX_FRAGMENTS).',
        extensions: {
          code: 'GRAPHQL_VALIDATION_FAILED',
          limit: 'GRAPHQL_MAX_FRAGMENTS',
          max: 50,
        },
      },
    ]);
  });

  it('answers each costly document as its limits say: refused naming the limit, or answered', async () => {
    for (const d of COSTLY_DOCUMENTS) {
      const r = await s.gql(d.query, undefined, nobody);
      const got = {
        name: d.name,
        status: r.status,
        code: codeOf(r),
        limit: r.errors?.[0]?.extensions?.limit,
      };
      if (d.expect.status === 200) {
        expect(got).toEqual({
          name: d.name,
          status: 200,
          code: undefined,
          limit: undefined,
        });
        expect(r.data.viewer.subject).toBe('no-role');
        continue;
      }
      expect(got).toEqual({
        name: d.name,
        status: d.expect.status,
        code: d.expect.code,
        limit: d.expect.limit,
      });
      // Limits set by a variable name it in the message; the fixed nesting bound names its value.
      if (d.expect.limit?.startsWith('GRAPHQL_')) expect(r.errors![0].message).toContain(`(${d.expect.limit})`);
      if (d.expect.message) expect(r.errors![0].message).toContain(d.expect.message);
    }
  });

  it("looks at no document before the caller is authenticated: the review's doubling fragments get a 401", async () => {
    const doubling = COSTLY_DOCUMENTS.find((d) => d.name === 'fragments doubling 24 times to an unknown fragment')!;
    const anonymous = await postRaw(s.url, JSON.stringify({ query: doubling.query }));
    expect({ status: anonymous.status, code: anonymous.body.errors?.[0]?.extensions?.code }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
    // Signed in, it is refused in the linear pass, naming the fragment.
    const r = await s.gql(doubling.query, undefined, nobody);
    expect({ status: r.status, message: r.errors?.[0]?.message }).toEqual({
      status: 400,
      message: 'Unknown fragment "Nope".',
    });
  });

  it('names the fragments of a cycle itself, shortening a long one', async () => {
    const r = await s.gql(COSTLY_DOCUMENTS.find((d) => d.name === 'cycle of 50 fragments')!.query, undefined, nobody);
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0].message).toBe(
      'Cannot spread fragment "F0" within itself via "F1", "F2", "F3", "F4", "F5", … "F49" (49 fragments).',
    );
    const self = await s.gql(`{ ...A } fragment A on Query { viewer { subject } ...A }`, undefined, nobody);
    expect(self.errors![0].message).toBe('Cannot spread fragment "A" within itself.');
  });

  it('refuses a document again when it is sent again (a refusal is not cached as a valid document)', async () => {
    const siblings = COSTLY_DOCUMENTS.find((d) => d.name === '1 200 viewer { subject } siblings')!.query;
    for (let i = 0; i < 2; i++) {
      const r = await s.gql(siblings, undefined, nobody);
      expect(r.status).toBe(400);
      expect(r.errors![0].message).toBe(
        'Validation compares fields selected under the same name at the same place, and fragments spread side by ' +
          'side, pair by pair: this document makes 1438800 pairs ("viewer" is selected 1200 times); the limit is ' +
          '5000 (GRAPHQL_MAX_FIELD_PAIRS). Select each field once where it is needed.',
      );
    }
  });

  it('lets through what clients send: introspection, colocated fragments each repeating __typename and a field', async () => {
    expect(
      (
        await s.ok(
          getIntrospectionQuery({
            descriptions: true,
            specifiedByUrl: true,
            directiveIsRepeatable: true,
            schemaDescription: true,
            inputValueDeprecation: true,
          }),
          undefined,
          nobody,
        )
      ).__schema.queryType.name,
    ).toBe('Query');
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment C${i} on Viewer { __typename subject }`).join(' ');
    const r = await s.gql(
      `{ viewer { __typename ${Array.from({ length: 30 }, (_, i) => `...C${i}`).join(' ')} } } ${fragments}`,
      undefined,
      nobody,
    );
    expect(r.errors).toBeUndefined();
  });
});

describe('document bounds, configured small', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      GRAPHQL_MAX_FRAGMENTS: '2',
      GRAPHQL_MAX_SELECTIONS: '9',
      GRAPHQL_MAX_FIELD_PAIRS: '3',
      GRAPHQL_MAX_DOCUMENT_LINES: '5',
    });
  });
  afterAll(() => s.stop());

  const refused = async (query: string, limit: string, ...words: string[]) => {
    const r = await s.gql(query);
    expect({
      status: r.status,
      code: codeOf(r),
      limit: r.errors?.[0]?.extensions?.limit,
    }).toEqual({
      status: 400,
      code: limit === 'GRAPHQL_MAX_DOCUMENT_LINES' ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED',
      limit,
    });
    for (const w of words) expect(r.errors![0].message).toContain(w);
  };

  it('accepts GRAPHQL_MAX_FRAGMENTS fragments and refuses one more', async () => {
    expect(
      (
        await s.gql(
          `{ ...A ...B } fragment A on Query { viewer { subject } } fragment B on Query { registries { totalCount } }`,
        )
      ).errors,
    ).toBeUndefined();
    await refused(
      '{ ...A ...B ...C } fragment A on Query { viewer { subject } } ' +
        'fragment B on Query { registries { totalCount } } fragment C on Query { __typename }',
      'GRAPHQL_MAX_FRAGMENTS',
      '3 fragments',
      'limit is 2',
    );
  });

  it('counts GRAPHQL_MAX_SELECTIONS with fragments expanded at each spread, spreads and inline fragments included', async () => {
    // 2 (viewer, subject) + 1 (the inline fragment) + 2 × (the spread and R's 2 fields) = 9.
    const frag = `fragment R on Query { registries { totalCount } }`;
    expect((await s.gql(`{ viewer { subject } ... on Query { ...R } ...R } ${frag}`)).errors).toBeUndefined();
    await refused(
      `{ viewer { subject groups } ... on Query { ...R } ...R } ${frag}`,
      'GRAPHQL_MAX_SELECTIONS',
      'more than 9 selections (fields, fragment spreads and inline fragments)',
      'GRAPHQL_MAX_SELECTIONS',
    );
    // Every operation counts, and fragments nothing spreads too: 3 + 3 + 4.
    await refused(
      'query A { viewer { subject groups } } query B { viewer { subject groups } } ' +
        'fragment U on Viewer { subject groups __typename globalAdmin }',
      'GRAPHQL_MAX_SELECTIONS',
    );
  });

  it('counts GRAPHQL_MAX_FIELD_PAIRS across fragments and inline fragments, and pairs of spreads', async () => {
    // viewer × 2 and viewer.subject × 2: 2 pairs; one more of each makes 3 + 3.
    expect((await s.gql(`{ viewer { subject } ... on Query { viewer { subject } } }`)).errors).toBeUndefined();
    await refused(
      `{ viewer { subject } ... on Query { viewer { subject } } ...V } fragment V on Query { viewer { subject } }`,
      'GRAPHQL_MAX_FIELD_PAIRS',
      '6 pairs',
      '"viewer" is selected 3 times',
    );
    // Three fragments spread side by side: 3 pairs (allowed); aliased apart, their fields make none.
    const frags = `fragment A on Viewer { a: subject } fragment B on Viewer { b: subject }`;
    expect((await s.gql(`{ viewer { ...A ...B } } ${frags}`)).errors).toBeUndefined();
  });

  it('refuses a document over GRAPHQL_MAX_DOCUMENT_LINES before parsing it', async () => {
    expect((await s.gql(`{\n viewer {\n subject\n }\n}`)).errors).toBeUndefined();
    await refused(`{\n viewer {\r\n subject\r }\n}\n`, 'GRAPHQL_MAX_DOCUMENT_LINES', '6 lines', 'limit is 5');
  });
});

describe('lineage in the query cost', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await s.ok(`mutation { createRegistry(input: { name: "lim-lineage" }) { registry { id } } }`);
    await s.ok(LINK, {
      i: {
        registry: 'lim-lineage',
        model: 'm',
        artifact: {
          uri: 's3://m/0',
          digest: digestOf('lim-lineage-0'),
          sizeBytes: 1,
        },
      },
    });
  });
  afterAll(() => s.stop());

  it('weighs a lineage graph by LINEAGE_MAX_NODES, so one request cannot ask for a walk per version of a page', async () => {
    const one = await s.gql(
      `{ modelVersion(registry: "lim-lineage", model: "m", ref: "latest") { lineage(depth: 20) { nodes { id kind name } edges { from to kind } truncated mermaid } } }`,
    );
    expect(one.errors).toBeUndefined();
    const many = await s.gql(
      `{ model(registry: "lim-lineage", name: "m") { versions(first: 20) { edges { node { lineage(depth: 20) { nodes { id } } } } } } }`,
    );
    expect(many.status).toBe(400);
    expect(codeOf(many)).toBe('BAD_USER_INPUT');
    expect(many.errors![0].message).toContain('GRAPHQL_MAX_COST');
    expect(many.sqlStatements).toBe(0);
  });

  it('weighs the walk itself, so asking a page of versions only for `truncated` or `mermaid` is refused too', async () => {
    for (const selection of ['truncated', 'mermaid']) {
      const r = await s.gql(
        `{ model(registry: "lim-lineage", name: "m") { versions(first: 20) { edges { node { lineage(depth: 20) { ${selection} } } } } } }`,
      );
      expect(r.status).toBe(400);
      expect(r.errors![0].message).toContain('GRAPHQL_MAX_COST');
      expect(r.sqlStatements).toBe(0);
    }
    // A graph walks both ways by default and its chart writes out every node and edge: five of
    // them in one request are too many.
    const aliased = Array.from(
      { length: 5 },
      (_, i) =>
        `g${i}: modelVersion(registry: "lim-lineage", model: "m", ref: "v0") { lineage(depth: 20) { mermaid } }`,
    ).join(' ');
    expect((await s.gql(`{ ${aliased} }`)).errors![0].message).toContain('GRAPHQL_MAX_COST');
  });

  it('refuses a lineage depth over LINEAGE_MAX_DEPTH before anything runs, wherever it is asked', async () => {
    const r = await s.gql(
      `{ registries(first: 1) { totalCount } modelVersion(registry: "lim-lineage", model: "m", ref: "v0") { lineage(depth: 21) { truncated } } }`,
    );
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toBe('depth must be between 1 and 20 (LINEAGE_MAX_DEPTH); got 21.');
    expect(r.data).toBeUndefined();
    expect(r.sqlStatements).toBe(0);
    for (const nullDepth of [
      await s.gql(
        `{ modelVersion(registry: "lim-lineage", model: "m", ref: "v0") { lineage(depth: null) { truncated } } }`,
      ),
      await s.gql(
        `query($d: Int) { modelVersion(registry: "lim-lineage", model: "m", ref: "v0") { lineage(depth: $d) { truncated } } }`,
        { d: null },
      ),
    ]) {
      expect(nullDepth.status).toBe(400);
      expect(nullDepth.errors![0].message).toBe('depth must be between 1 and 20 (LINEAGE_MAX_DEPTH); got null.');
      expect(nullDepth.sqlStatements).toBe(0);
    }
  });

  it('counts every object of a list, even when only __typename is asked of it', async () => {
    const reps = Array.from({ length: 20_001 }, () => ({
      __typename: 'Registry',
      id: 'x',
    }));
    const r = await s.gql(`query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`, { r: reps });
    expect(r.status).toBe(400);
    expect(r.errors![0].message).toContain('GRAPHQL_MAX_COST');
  });
});
