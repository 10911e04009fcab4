import { digestOf, startTestServer, TestServer } from '../support/server';

// No N+1 (issue #2, item 6): a page's related objects are loaded in batches, so a page of 50
// costs the same number of SQL statements as a page of 5. Each response carries the count of
// statements the server ran for it.

const SMALL = 5;
const LARGE = 50;
/** A page with its related objects should take a handful of statements, not one per row. */
const MAX_STATEMENTS = 8;

const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { number } } }`;
const SET_ALIAS = `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`;

const VERSIONS_PAGE = `query($r: String!, $m: String!, $first: Int!) {
  model(registry: $r, name: $m) {
    versions(first: $first) { edges { node { name tags aliases metrics artifact { uri } createdBy { id } } } }
  }
}`;
const MODELS_PAGE = `query($r: String!, $first: Int!) {
  registry(name: $r) {
    models(first: $first) { edges { node { name latestVersion { name aliases } aliases { name protected version { name } } } } }
  }
}`;

/** Runs `task` for each item, `width` at a time. */
async function inBatches<T>(items: T[], width: number, task: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(task));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('SQL statements per page', () => {
  let s: TestServer;
  beforeAll(async () => (s = await startTestServer()));
  afterAll(() => s.stop());

  const createRegistry = (name: string) =>
    s.ok(`mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, { i: { name } });
  const link = (registry: string, model: string, n: number, aliases: string[] = []) =>
    s.ok(LINK, {
      i: {
        registry,
        model,
        aliases,
        artifact: {
          uri: `s3://models/${model}/${n}`,
          digest: digestOf(`${model}/${n}`),
          sizeBytes: 1000 + n,
        },
        tags: [`batch-${n % 3}`, 'nightly'],
        metrics: { accuracy: 0.5 + n / 1000, loss: 1 / (n + 1) },
      },
    });

  describe('a page of versions with their aliases and tags', () => {
    const registry = `sqlcount-versions-${process.pid}`;
    const model = 'many-versions';

    beforeAll(async () => {
      await createRegistry(registry);
      await link(registry, model, 0);
      // One at a time: concurrent links get numbers in commit order, and the assertions below
      // rely on link n becoming v<n>.
      for (let n = 1; n < 60; n++) await link(registry, model, n);
      // Aliases spread over the versions, so both page sizes carry some besides `latest`.
      const aliases: [string, number][] = [
        ['production', 58],
        ['staging', 57],
        ['candidate', 40],
        ['baseline', 20],
        ['champion', 12],
        ['legacy', 3],
      ];
      for (const [alias, n] of aliases)
        await s.ok(SET_ALIAS, {
          i: { registry, model, alias, version: `v${n}` },
        });
    });

    it('resolves registry/model:production to its artifact in one statement (the deploy path)', async () => {
      const q = `query($r: String!, $m: String!, $ref: String!) { modelVersion(registry: $r, model: $m, ref: $ref) { name artifact { uri digest } } }`;
      const byAlias = await s.gql(q, {
        r: registry,
        m: model,
        ref: 'production',
      });
      expect(byAlias.data.modelVersion).toEqual({
        name: 'v58',
        artifact: {
          uri: `s3://models/${model}/58`,
          digest: digestOf(`${model}/58`),
        },
      });
      expect(byAlias.sqlStatements).toBe(1);
      const byNumber = await s.gql(q, { r: registry, m: model, ref: 'v7' });
      expect(byNumber.data.modelVersion.name).toBe('v7');
      expect(byNumber.sqlStatements).toBe(1);
    });

    it('returns the same version from the deploy path as from node(id), field for field', async () => {
      const fields = `id number name fullName description tags metadata metrics archived archivedAt createdAt updatedAt createdBy { id } aliases artifact { uri digest sizeBytes files { path digest sizeBytes } }`;
      await s.ok(`mutation($i: UpdateModelVersionInput!) { updateModelVersion(input: $i) { version { id } } }`, {
        i: {
          registry,
          model,
          version: 'v58',
          description: 'the one',
          metadata: { nested: { a: [1, 'two'] }, flag: true },
        },
      });
      const viaRef = (
        await s.ok(
          `query($r: String!, $m: String!) { modelVersion(registry: $r, model: $m, ref: "production") { ${fields} } }`,
          { r: registry, m: model },
        )
      ).modelVersion;
      const viaNode = (
        await s.ok(`query($id: ID!) { node(id: $id) { ... on ModelVersion { ${fields} } } }`, { id: viaRef.id })
      ).node;
      expect(viaRef).toEqual(viaNode);
      expect(viaRef).toMatchObject({
        name: 'v58',
        description: 'the one',
        metadata: { nested: { a: [1, 'two'] }, flag: true },
        archived: false,
        archivedAt: null,
      });
      expect(viaRef.metrics.loss).toBeCloseTo(1 / 59);
    });

    it('costs the same number of statements for 5 versions as for 50', async () => {
      const small = await s.gql(VERSIONS_PAGE, {
        r: registry,
        m: model,
        first: SMALL,
      });
      const large = await s.gql(VERSIONS_PAGE, {
        r: registry,
        m: model,
        first: LARGE,
      });
      console.log(`versions page: ${SMALL} -> ${small.sqlStatements} statements, ${LARGE} -> ${large.sqlStatements}`);

      expect(small.errors).toBeUndefined();
      expect(large.errors).toBeUndefined();
      expect(small.data.model.versions.edges).toHaveLength(SMALL);
      expect(large.data.model.versions.edges).toHaveLength(LARGE);
      expect(small.sqlStatements).toBeGreaterThan(0);
      expect(large.sqlStatements).toBe(small.sqlStatements);
      expect(large.sqlStatements).toBeLessThanOrEqual(MAX_STATEMENTS);
    });

    it('returns the aliases and tags of every version on the page', async () => {
      const { model: m } = await s.ok(VERSIONS_PAGE, {
        r: registry,
        m: model,
        first: LARGE,
      });
      const byName = new Map(m.versions.edges.map((e: { node: { name: string } }) => [e.node.name, e.node]));
      expect(byName.get('v59')).toMatchObject({
        aliases: ['latest'],
        tags: ['batch-2', 'nightly'],
        artifact: { uri: `s3://models/${model}/59` },
      });
      expect(byName.get('v58')).toMatchObject({ aliases: ['production'] });
      expect(byName.get('v57')).toMatchObject({ aliases: ['staging'] });
      expect(byName.get('v40')).toMatchObject({ aliases: ['candidate'] });
      expect(byName.get('v20')).toMatchObject({ aliases: ['baseline'] });
      expect(byName.get('v12')).toMatchObject({ aliases: ['champion'] });
      expect(byName.get('v30')).toMatchObject({ aliases: [] });
    });
  });

  describe('a page of models with their latest version and aliases', () => {
    const registry = `sqlcount-models-${process.pid}`;
    const modelName = (i: number) => `model-${String(i).padStart(2, '0')}`;

    beforeAll(async () => {
      await createRegistry(registry);
      await inBatches(range(60), 10, async (i) => {
        await link(registry, modelName(i), 0, ['staging']);
        await link(registry, modelName(i), 1, i % 2 === 0 ? ['production'] : ['candidate']);
      });
    });

    it('costs the same number of statements for 5 models as for 50', async () => {
      const small = await s.gql(MODELS_PAGE, { r: registry, first: SMALL });
      const large = await s.gql(MODELS_PAGE, { r: registry, first: LARGE });
      console.log(`models page: ${SMALL} -> ${small.sqlStatements} statements, ${LARGE} -> ${large.sqlStatements}`);

      expect(small.errors).toBeUndefined();
      expect(large.errors).toBeUndefined();
      expect(small.data.registry.models.edges).toHaveLength(SMALL);
      expect(large.data.registry.models.edges).toHaveLength(LARGE);
      expect(small.sqlStatements).toBeGreaterThan(0);
      expect(large.sqlStatements).toBe(small.sqlStatements);
      expect(large.sqlStatements).toBeLessThanOrEqual(MAX_STATEMENTS);
    });

    it('resolves version(ref:) on every model of a page in the same number of statements for 5 and 50', async () => {
      const q = `query($r: String!, $first: Int!) { registry(name: $r) { models(first: $first) { edges { node { name production: version(ref: "v1") { name } staging: version(ref: "staging") { name } } } } } }`;
      const small = await s.gql(q, { r: registry, first: SMALL });
      const large = await s.gql(q, { r: registry, first: LARGE });
      console.log(
        `models page with version(ref:): ${SMALL} -> ${small.sqlStatements} statements, ${LARGE} -> ${large.sqlStatements}`,
      );
      expect(large.errors).toBeUndefined();
      expect(large.data.registry.models.edges[0].node).toEqual({
        name: 'model-00',
        production: { name: 'v1' },
        staging: { name: 'v0' },
      });
      expect(large.sqlStatements).toBe(small.sqlStatements);
      expect(large.sqlStatements).toBeLessThanOrEqual(MAX_STATEMENTS);
    });

    it('returns the latest version and the aliases of every model on the page', async () => {
      const { registry: r } = await s.ok(MODELS_PAGE, {
        r: registry,
        first: LARGE,
      });
      expect(r.models.edges[0].node).toEqual({
        name: 'model-00',
        latestVersion: { name: 'v1', aliases: ['latest', 'production'] },
        aliases: [
          { name: 'latest', protected: false, version: { name: 'v1' } },
          { name: 'production', protected: true, version: { name: 'v1' } },
          { name: 'staging', protected: false, version: { name: 'v0' } },
        ],
      });
      expect(r.models.edges[1].node).toEqual({
        name: 'model-01',
        latestVersion: { name: 'v1', aliases: ['candidate', 'latest'] },
        aliases: [
          { name: 'candidate', protected: false, version: { name: 'v1' } },
          { name: 'latest', protected: false, version: { name: 'v1' } },
          { name: 'staging', protected: false, version: { name: 'v0' } },
        ],
      });
    });
  });
});
