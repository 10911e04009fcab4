import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { digestOf, GraphQLResult, Instance, startInstance, startTestServer, TestServer } from '../support/server';

/**
 * Query execution through graphql-jit (src/graphql/jit.ts) answers exactly as graphql-js does:
 * two servers on one database, one compiling every query at once, the other never, asked the same
 * documents by the same callers, must give the same bodies: data, errors, their codes and paths.
 */

let js: TestServer;
let jit: Instance;
beforeAll(async () => {
  js = await startTestServer({ GRAPHQL_JIT_AFTER: '-1' });
  await js.ok(
    `mutation { createRegistry(input: { name: "jit", protectedAliases: ["production"] }) { registry { id } } }`,
  );
  await js.ok(`mutation { grantRole(input: { registry: "jit", subject: "vera", role: VIEWER }) { binding { role } } }`);
  for (let v = 0; v < 4; v++)
    await js.ok(`mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { id } } }`, {
      i: {
        registry: 'jit',
        model: 'mnist',
        artifact: { uri: `s3://jit/${v}`, digest: digestOf(`jit-${v}`), sizeBytes: 10 + v },
        metrics: { accuracy: v / 10, loss: 1 - v / 10 },
        tags: v % 2 ? ['odd'] : ['even'],
        metadata: { epoch: v, nested: { a: [1, 2] } },
        aliases: v === 1 ? ['staging'] : [],
      },
    });
  await js.ok(
    `mutation { setAlias(input: { registry: "jit", model: "mnist", alias: "production", version: "v2" }) { changed } }`,
  );
  // Started once the grants are made: its policy is loaded with them.
  jit = await startInstance(js, { GRAPHQL_JIT_AFTER: '0', GRAPHQL_JIT_MIN_FIELDS: '0' });
});
afterAll(async () => {
  await jit?.stop();
  await js?.stop();
});

/** A response body without what differs by request: request ids in masked errors. */
const comparable = (r: GraphQLResult) =>
  JSON.parse(JSON.stringify({ data: r.data, errors: r.errors }).replace(/"requestId":"[^"]+"/g, '"requestId":"…"'));

async function same(query: string, variables?: Record<string, unknown>, as?: string) {
  const headers = as ? await js.as(as) : undefined;
  // Twice on each: the second run of a compiled document is the compiled function's.
  const a = [await js.gql(query, variables, headers), await js.gql(query, variables, headers)];
  const b = [await jit.gql(query, variables, headers), await jit.gql(query, variables, headers)];
  expect(comparable(b[0])).toEqual(comparable(a[0]));
  expect(comparable(b[1])).toEqual(comparable(a[1]));
  expect(b[1].status).toBe(a[1].status);
  return b[1];
}

const PAGE = `query($m: String!, $first: Int, $after: String, $order: VersionOrder) {
  model(registry: "jit", name: $m) {
    id name description tags updatedAt archived
    aliases { name protected updatedAt version { name number } }
    latestVersion { name }
    versions(first: $first, after: $after, orderBy: $order) {
      totalCount
      edges { cursor node { id name number aliases tags metrics metadata description createdAt createdBy { id } archived
        artifact { uri digest sizeBytes files { path } } model { name } fullName downloadCount } }
      pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
    }
  }
}`;

describe('graphql-jit and graphql-js give the same answers', () => {
  it('to a model page, in every order, and page by page', async () => {
    const first = await same(PAGE, { m: 'mnist' });
    expect(first.data.model.versions.edges).toHaveLength(4);
    await same(PAGE, { m: 'mnist', first: 2, order: { field: 'METRIC', metric: 'accuracy', direction: 'ASC' } });
    await same(PAGE, { m: 'mnist', first: 1, after: first.data.model.versions.edges[0].cursor });
  });

  it('to a model that is not there, or not the caller’s to read: NOT_FOUND at its path', async () => {
    const missing = await same(PAGE, { m: 'nope' });
    expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const hidden = await same(PAGE, { m: 'mnist' }, 'nobody');
    expect(hidden.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('to bad arguments and bad variables: BAD_USER_INPUT, the same message', async () => {
    const cursor = await same(PAGE, { m: 'mnist', after: 'not-a-cursor' });
    expect(cursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const variable = await same(PAGE, { m: 'mnist', first: 'ten' });
    expect(variable.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(variable.status).toBe(400);
    const missing = await same(PAGE, {});
    expect(missing.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('to interfaces and unions: node(id), _entities, fragments on both', async () => {
    const ids = await js.ok(
      `{ model(registry: "jit", name: "mnist") { id versions(first: 2) { edges { node { id } } } registry { id } } }`,
    );
    const NODES = `query($ids: [ID!]!) { nodes: registry(name: "jit") { name } a: node(id: "${ids.model.id}") { __typename id ... on RegisteredModel { name } }
      b: node(id: "${ids.model.versions.edges[0].node.id}") { __typename ... on ModelVersion { name metrics } }
      c: node(id: "${ids.model.registry.id}") { ... on Registry { name protectedAliases } } }`;
    await same(NODES, { ids: [] });
    const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on ModelVersion { name fullName } ... on RegisteredModel { name } ... on Registry { name } } }`;
    const reps = [
      { __typename: 'ModelVersion', id: ids.model.versions.edges[1].node.id },
      { __typename: 'RegisteredModel', id: ids.model.id },
      { __typename: 'Registry', id: ids.model.registry.id },
      { __typename: 'ModelVersion', id: 'nonsense' },
    ];
    const r = await same(ENTITIES, { r: reps });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    await same(ENTITIES, { r: reps }, 'nobody');
  });

  it('to alias history, point-in-time reads and the audit log, with their counts', async () => {
    await same(`{ model(registry: "jit", name: "mnist") {
      aliasHistory(first: 10) { totalCount edges { node { alias fromVersionName toVersionName fromVersion { name } toVersion { name } actor { id } reason versionDeleted } } }
      aliasesAt(time: "2099-01-01T00:00:00Z") { alias toVersionName }
    } }`);
    await same(
      `{ auditEvents(filter: { registry: "jit" }, first: 50) { totalCount edges { node { action registry { name } actor { id } } } pageInfo { hasNextPage } } }`,
    );
  });

  it('to a viewer: what a viewer may read, and nothing of what they may not', async () => {
    await same(PAGE, { m: 'mnist' }, 'vera');
    const members = await same(`{ registry(name: "jit") { name members { subject role } } }`, undefined, 'vera');
    expect(members.data?.registry?.name).toBe('jit');
  });

  it('to directives, aliases, __typename, fragments and introspection', async () => {
    const DIRECTIVES = `query($withAliases: Boolean!, $skipTags: Boolean!) {
      m: model(registry: "jit", name: "mnist") { __typename kind: __typename
        first: versions(first: 1) { edges { node { ...V } } }
        rest: versions(first: 3, orderBy: { field: NUMBER, direction: ASC }) { edges { node { ...V aliases @include(if: $withAliases) } } }
      }
    }
    fragment V on ModelVersion { name tags @skip(if: $skipTags) ... on Node { id } }`;
    for (const [withAliases, skipTags] of [
      [true, false],
      [false, true],
    ])
      await same(DIRECTIVES, { withAliases, skipTags });
    await same(
      `{ __schema { queryType { name } types { name kind fields(includeDeprecated: true) { name type { name kind ofType { name } } } } } }`,
    );
    await same(
      `{ __type(name: "ModelVersion") { name interfaces { name } fields { name args { name defaultValue } } } }`,
    );
  });
});

describe('what is compiled', () => {
  it("never a document whose string literals carry graphql-jit's markers: they would run as code", async () => {
    // graphql-jit turns a literal string that starts with its date marker into `new Date(<rest>)`
    // in the code it generates. This one would write a file from inside the server.
    const proof = path.join(os.tmpdir(), `jit-injection-${process.pid}`);
    fs.rmSync(proof, { force: true });
    const payload =
      `__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d0), x: (process.mainModule.require(\`fs\`)` +
      `.writeFileSync(\`${proof}\`, \`pwned\`)), y:(0`;
    const query = `{ b: model(registry: "jit", name: ${JSON.stringify(payload)}) { name versions { edges { node { id } } } } }`;
    for (const as of [undefined, 'nobody']) {
      const r = await same(query, undefined, as);
      expect(r.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    // The same in a variable's default and in an input object.
    await same(
      `query($m: String = ${JSON.stringify(payload)}) { model(registry: "jit", name: $m) { versions { edges { node { id } } } } }`,
    );
    await same(
      `{ model(registry: "jit", name: "mnist") { versions(filter: { tags: [${JSON.stringify(payload)}] }) { edges { node { id } } } } }`,
    );
    // Names carry it too: an enum value or an object key is a string where `_Any` takes a literal.
    await same(
      `{ _entities(representations: [{ __typename: __MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d__context }]) { __typename } }`,
    );
    // A response key `__proto__` would set a prototype in graphql-jit's object literal.
    const proto = await same(
      `{ model(registry: "jit", name: "mnist") { versions { edges { node { __proto__: name } } } } }`,
    );
    expect(proto.data.model.versions.edges[0].node).toEqual({ ['__proto__']: 'v3' });
    expect(fs.existsSync(proof)).toBe(false);
  });

  it('keeps at most GRAPHQL_JIT_MAX_COMPILED documents compiled, and compiles an evicted one again only after more use', async () => {
    const bounded = await startInstance(js, { GRAPHQL_JIT_AFTER: '0', GRAPHQL_JIT_MAX_COMPILED: '2' });
    try {
      const metric = async (name: string) => {
        const text = await (await fetch(bounded.app.url.replace('/graphql', '/metrics'))).text();
        return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
      };
      const counts = async () => [
        await metric('model_registry_graphql_compiled_documents'),
        await metric('model_registry_graphql_compilations'),
      ];
      const ask = async (alias: string) => {
        const r = await bounded.gql(
          `{ ${alias}: model(registry: "jit", name: "mnist") { versions { edges { node { name } } } } }`,
        );
        expect(r.errors).toBeUndefined();
        expect(Object.values(r.data as object)[0].versions.edges).toHaveLength(4);
      };
      for (const alias of ['a', 'b', 'c']) await ask(alias);
      // c pushed a out.
      expect(await counts()).toEqual([2, 3]);
      // a needs twice the executions it needed the first time (1) before it is compiled again.
      await ask('a');
      expect(await counts()).toEqual([2, 3]);
      await ask('a');
      expect(await counts()).toEqual([2, 4]);
    } finally {
      await bounded.stop();
    }
  });
});
