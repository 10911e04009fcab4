import fs from 'node:fs';
import path from 'node:path';
import { compose, Gateway, startGateway } from '../support/gateway';
import { codeOf, digestOf, GraphQLResult, startTestServer, TestServer } from '../support/server';
import { emailOf, startUsersSubgraph, UsersSubgraph } from '../support/users-subgraph';

/**
 * The server as a Federation 2 subgraph, with the real Apollo components: @apollo/composition
 * composes it with a users subgraph, and an @apollo/gateway on 127.0.0.1 serves the supergraph in
 * front of both, forwarding the caller's bearer token. `_entities` keeps the access rules of
 * direct queries, and resolves a batch of references in a constant number of statements.
 */

const SCHEMA_FILE = path.join(__dirname, '..', '..', 'schema', 'schema.graphql');

let s: TestServer;
let users: UsersSubgraph;
let gateway: Gateway;
let served: string;
let composed: ReturnType<typeof compose>;

beforeAll(async () => {
  s = await startTestServer();
  users = await startUsersSubgraph();
  served = (await s.ok<{ _service: { sdl: string } }>('{ _service { sdl } }'))._service.sdl;
  composed = compose([
    { name: 'registry', url: s.url, typeDefs: served },
    { name: 'users', url: users.url, typeDefs: users.typeDefs },
  ]);
  if (composed.supergraphSdl) gateway = await startGateway(composed.supergraphSdl);
});
afterAll(async () => {
  await gateway?.stop();
  await users?.stop();
  await s?.stop();
});

/** A GraphQL request to the gateway, as a subject or (with null) with no token at all. */
async function viaGateway(
  query: string,
  variables: Record<string, unknown>,
  subject: string | null,
): Promise<GraphQLResult> {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(subject ? { authorization: `Bearer ${await s.token(subject)}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GraphQLResult, 'status' | 'sqlStatements'>;
  return { status: res.status, ...body, sqlStatements: -1 };
}

const ENTITIES = `query($r: [_Any!]!) {
  _entities(representations: $r) {
    __typename
    ... on Registry { name }
    ... on RegisteredModel { name }
    ... on ModelVersion { name fullName createdBy { id } model { name } }
  }
}`;
const VERSIONS = `query($r: String!, $m: String!) {
  model(registry: $r, name: $m) { versions(orderBy: { field: NUMBER, direction: ASC }) { edges { node { name createdBy { id email } } } } }
}`;
const SET_ALIAS = `mutation($i: SetAliasInput!) { setAlias(input: $i) { alias { name version { name } } } }`;
const ALIASES = `query($r: String!, $m: String!) { model(registry: $r, name: $m) { aliases { name version { name } } } }`;
const IDS = `query($r: String!, $m: String!) { registry(name: $r) { id } model(registry: $r, name: $m) { id versions(first: 100) { edges { node { id name } } } } }`;

const OPEN = 'fed-open';
const HIDDEN = 'fed-hidden';
const MODEL = 'classifier';

async function createRegistry(name: string, grants: [string, string][] = []) {
  await s.ok(`mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, { i: { name } });
  for (const [subject, role] of grants)
    await s.ok(`mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { role } } }`, {
      i: { registry: name, subject, role },
    });
}

let n = 0;
async function link(registry: string, model: string, as?: string) {
  const i = {
    registry,
    model,
    artifact: {
      uri: `s3://models/${model}/${++n}`,
      digest: digestOf(`${registry}/${model}/${n}`),
      sizeBytes: 1000 + n,
    },
  };
  return s.ok(
    `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { name } } }`,
    { i },
    as ? await s.as(as) : undefined,
  );
}

/** Global ids of a registry, one of its models, and that model's versions by name. */
async function idsOf(registry: string, model: string) {
  const data = await s.ok(IDS, { r: registry, m: model });
  const versions = new Map<string, string>(
    data.model.versions.edges.map((e: { node: { id: string; name: string } }) => [e.node.name, e.node.id]),
  );
  return {
    registry: data.registry.id as string,
    model: data.model.id as string,
    versions,
  };
}

let open: Awaited<ReturnType<typeof idsOf>>;
let hidden: Awaited<ReturnType<typeof idsOf>>;

beforeAll(async () => {
  // alice views and bob is a member of fed-open; neither has a role in fed-hidden; carol has none.
  await createRegistry(OPEN, [
    ['alice', 'VIEWER'],
    ['bob', 'MEMBER'],
  ]);
  await createRegistry(HIDDEN);
  await link(OPEN, MODEL);
  await link(OPEN, MODEL, 'bob');
  await link(HIDDEN, 'secret');
  await s.ok(SET_ALIAS, {
    i: { registry: OPEN, model: MODEL, alias: 'production', version: 'v0' },
  });
  open = await idsOf(OPEN, MODEL);
  hidden = await idsOf(HIDDEN, 'secret');
});

describe('composition', () => {
  it('serves as `_service { sdl }` exactly the SDL checked in under schema/', () => {
    expect(served).toBe(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('composes with a users subgraph that extends User, with no errors', () => {
    expect(composed.errors).toBeUndefined();
    expect(composed.supergraphSdl).toMatch(
      /type User[^{]*@join__type\(graph: REGISTRY, key: "id", resolvable: false\)/,
    );
    expect(composed.supergraphSdl).toMatch(/type ModelVersion[^{]*@join__type\(graph: REGISTRY, key: "id"\)/);
  });

  it('composes beside another Relay subgraph that defines PageInfo too (PageInfo is @shareable)', () => {
    const catalog = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@shareable"])
      type PageInfo @shareable { hasNextPage: Boolean! endCursor: String hasPreviousPage: Boolean! startCursor: String }
      type Dataset { name: String! }
      type DatasetConnection { nodes: [Dataset!]! pageInfo: PageInfo! }
      type Query { datasets(first: Int): DatasetConnection! }`;
    const result = compose([
      { name: 'registry', url: 'http://127.0.0.1:1/graphql', typeDefs: served },
      { name: 'catalog', url: 'http://127.0.0.1:2/graphql', typeDefs: catalog },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.supergraphSdl).toMatch(
      /type PageInfo[^{]*@join__type\(graph: CATALOG\)[^{]*@join__type\(graph: REGISTRY\)/,
    );
  });
});

describe('through the gateway', () => {
  it("answers a query that spans both subgraphs: versions with their creator's email", async () => {
    const before = users.lookups.length;
    const r = await viaGateway(VERSIONS, { r: OPEN, m: MODEL }, 'alice');
    expect(r.errors).toBeUndefined();
    expect(r.data.model.versions.edges.map((e: { node: unknown }) => e.node)).toEqual([
      {
        name: 'v0',
        createdBy: { id: 'local-admin', email: emailOf('local-admin') },
      },
      { name: 'v1', createdBy: { id: 'bob', email: emailOf('bob') } },
    ]);
    // The users subgraph was asked once, for the whole page.
    expect(users.lookups.length).toBe(before + 1);
    expect(new Set(users.lookups[before])).toEqual(new Set(['local-admin', 'bob']));
  });

  it("gives every actor field the users subgraph's User: alias history actors and role grantors too", async () => {
    const r = await viaGateway(
      `{
      model(registry: "${OPEN}", name: "${MODEL}") { aliasHistory(alias: "production") { edges { node { actor { id email } } } } }
      registry(name: "${OPEN}") { members { subject grantedBy { id email } } }
    }`,
      {},
      'alice',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.model.aliasHistory.edges).toEqual([
      { node: { actor: { id: 'local-admin', email: emailOf('local-admin') } } },
    ]);
    expect(r.data.registry.members).toContainEqual({
      subject: 'alice',
      grantedBy: { id: 'local-admin', email: emailOf('local-admin') },
    });
  });

  it('forwards the bearer token: the registry sees the caller, and a viewer reads', async () => {
    const r = await viaGateway(
      `{ viewer { subject user { id email } } model(registry: "${OPEN}", name: "${MODEL}") { name } }`,
      {},
      'alice',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      viewer: {
        subject: 'alice',
        user: { id: 'alice', email: emailOf('alice') },
      },
      model: { name: MODEL },
    });
  });

  it('answers an anonymous call with UNAUTHENTICATED', async () => {
    const r = await viaGateway(`{ model(registry: "${OPEN}", name: "${MODEL}") { name } }`, {}, null);
    expect(codeOf(r)).toBe('UNAUTHENTICATED');
    expect(r.data?.model ?? null).toBeNull();
  });

  it('keeps a registry the caller cannot read NOT_FOUND', async () => {
    const r = await viaGateway(`{ model(registry: "${HIDDEN}", name: "secret") { name } }`, {}, 'alice');
    expect(codeOf(r)).toBe('NOT_FOUND');
  });

  it('lets a member move staging but not production (FORBIDDEN), leaving production where it was', async () => {
    const staging = await viaGateway(
      SET_ALIAS,
      { i: { registry: OPEN, model: MODEL, alias: 'staging', version: 'v1' } },
      'bob',
    );
    expect(staging.errors).toBeUndefined();
    expect(staging.data.setAlias.alias).toEqual({
      name: 'staging',
      version: { name: 'v1' },
    });

    const production = await viaGateway(
      SET_ALIAS,
      {
        i: { registry: OPEN, model: MODEL, alias: 'production', version: 'v1' },
      },
      'bob',
    );
    expect(codeOf(production)).toBe('FORBIDDEN');
    const after = await s.ok(ALIASES, { r: OPEN, m: MODEL });
    expect(after.model.aliases).toContainEqual({
      name: 'production',
      version: { name: 'v0' },
    });
  });

  it('resolves a version another subgraph references through `_entities`, and null where the caller cannot read it', async () => {
    users.pins.set('alice', open.versions.get('v1')!);
    users.pins.set('bob', hidden.versions.get('v0')!);
    const query = `{ viewer { user { email pinnedVersion { name fullName } } } }`;

    const alice = await viaGateway(query, {}, 'alice');
    expect(alice.errors).toBeUndefined();
    expect(alice.data.viewer.user).toEqual({
      email: emailOf('alice'),
      pinnedVersion: { name: 'v1', fullName: `${OPEN}/${MODEL}:v1` },
    });

    const bob = await viaGateway(query, {}, 'bob');
    expect(bob.errors).toBeUndefined();
    expect(bob.data.viewer.user).toEqual({
      email: emailOf('bob'),
      pinnedVersion: null,
    });
  });
});

describe('_entities', () => {
  const reps = () => [
    { __typename: 'Registry', id: open.registry },
    { __typename: 'RegisteredModel', id: open.model },
    { __typename: 'ModelVersion', id: open.versions.get('v1') },
    { __typename: 'Registry', id: hidden.registry },
    { __typename: 'RegisteredModel', id: hidden.model },
    { __typename: 'ModelVersion', id: hidden.versions.get('v0') },
  ];

  it('resolves what the caller can read, and null, not an error, for what they cannot', async () => {
    const r = await s.gql(ENTITIES, { r: reps() }, await s.as('alice'));
    expect(r.errors).toBeUndefined();
    expect(r.data._entities).toEqual([
      { __typename: 'Registry', name: OPEN },
      { __typename: 'RegisteredModel', name: MODEL },
      {
        __typename: 'ModelVersion',
        name: 'v1',
        fullName: `${OPEN}/${MODEL}:v1`,
        createdBy: { id: 'bob' },
        model: { name: MODEL },
      },
      null,
      null,
      null,
    ]);
  });

  it('resolves nothing for a caller with no role anywhere', async () => {
    const r = await s.gql(ENTITIES, { r: reps() }, await s.as('carol'));
    expect(r.errors).toBeUndefined();
    expect(r.data._entities).toEqual([null, null, null, null, null, null]);
  });

  it('resolves everything for a global admin, and null for an id that does not exist', async () => {
    const gone = Buffer.from('ModelVersion:01a21a62-f115-7000-8728-4655e3896a82').toString('base64url');
    const r = await s.gql(ENTITIES, {
      r: [...reps(), { __typename: 'ModelVersion', id: gone }],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data._entities.map((e: { name?: string } | null) => e?.name ?? null)).toEqual([
      OPEN,
      MODEL,
      'v1',
      HIDDEN,
      'secret',
      'v0',
      null,
    ]);
  });

  it('refuses an id this server never issued, or of another type, with BAD_USER_INPUT', async () => {
    const r = await s.gql(ENTITIES, {
      r: [
        { __typename: 'ModelVersion', id: 'nonsense' },
        { __typename: 'ModelVersion', id: open.registry },
      ],
    });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(r.data._entities).toEqual([null, null]);
  });

  it('refuses malformed representations with BAD_USER_INPUT, not an internal error', async () => {
    const noId = await s.gql(ENTITIES, {
      r: [{ __typename: 'ModelVersion' }, { __typename: 'ModelVersion', id: 42 }],
    });
    expect(noId.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(noId.errors![0].message).toBe('A ModelVersion representation needs an "id" string; got none.');
    for (const typename of ['Run', undefined]) {
      const r = await s.gql(ENTITIES, {
        r: [{ __typename: typename, id: open.registry }],
      });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toMatch(
        /^Each representation needs a __typename of an entity of this subgraph \(ModelVersion, RegisteredModel, Registry\)/,
      );
    }
  });

  it('needs a token, like every other query', async () => {
    const r = await s.gql(ENTITIES, { r: reps() }, { authorization: '' });
    expect(codeOf(r)).toBe('UNAUTHENTICATED');
  });

  describe('in batches', () => {
    const MANY = 'fed-many';
    const MODELS = ['m0', 'm1', 'm2', 'm3'];
    let versionIds: string[];

    beforeAll(async () => {
      await createRegistry(MANY, [['alice', 'VIEWER']]);
      // 25 versions of each of 4 models; links to different models run side by side.
      for (let round = 0; round < 25; round++) await Promise.all(MODELS.map((m) => link(MANY, m)));
      versionIds = (await Promise.all(MODELS.map((m) => idsOf(MANY, m)))).flatMap((ids) => [...ids.versions.values()]);
    });

    it('costs the same few statements for 100 ModelVersion references as for 1', async () => {
      expect(versionIds).toHaveLength(100);
      const asVersions = (ids: string[]) => ids.map((id) => ({ __typename: 'ModelVersion', id }));
      const one = await s.gql(ENTITIES, { r: asVersions(versionIds.slice(0, 1)) }, await s.as('alice'));
      const hundred = await s.gql(ENTITIES, { r: asVersions(versionIds) }, await s.as('alice'));
      console.log(`_entities: 1 ModelVersion -> ${one.sqlStatements} statements, 100 -> ${hundred.sqlStatements}`);

      expect(one.errors).toBeUndefined();
      expect(hundred.errors).toBeUndefined();
      expect(hundred.data._entities).toHaveLength(100);
      expect(
        hundred.data._entities.every((v: { fullName?: string } | null) => v?.fullName?.startsWith(`${MANY}/m`)),
      ).toBe(true);
      expect(one.sqlStatements).toBeGreaterThan(0);
      expect(hundred.sqlStatements).toBe(one.sqlStatements);
      // One statement each for versions, models and registries.
      expect(hundred.sqlStatements).toBeLessThanOrEqual(3);
    });

    it('costs no more when some of the 100 are in a registry the caller cannot read', async () => {
      const mixed = [...versionIds.slice(0, 98), hidden.versions.get('v0')!, open.versions.get('v0')!].map((id) => ({
        __typename: 'ModelVersion',
        id,
      }));
      const r = await s.gql(ENTITIES, { r: mixed }, await s.as('alice'));
      expect(r.errors).toBeUndefined();
      expect(r.data._entities.filter((e: unknown) => e === null)).toHaveLength(1);
      expect(r.data._entities[98]).toBeNull();
      expect(r.data._entities[99]?.name).toBe('v0');
      expect(r.sqlStatements).toBeLessThanOrEqual(3);
    });
  });
});
