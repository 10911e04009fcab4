import { codeOf, digestOf, GraphQLResult, startTestServer, TestServer } from '../support/server';

// Version numbers are per-model, gapless and unique even when links race (docs/architecture.md, Invariants),
// and alias compare-and-swap lets exactly one of many racing writers win. Every call here goes
// over HTTP at once, as 20 training jobs or 20 deploy bots would.

const CALLS = 20;

const LINK = `mutation($i: LinkModelVersionInput!) {
  linkModelVersion(input: $i) { modelCreated replayed version { id number name } model { id } }
}`;
const SET_ALIAS = `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed alias { version { name } } } }`;

let seq = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const errorsOf = (results: GraphQLResult[]) => results.filter((r) => r.errors?.length).map((r) => r.errors);

describe('concurrent links and alias moves', () => {
  let s: TestServer;
  beforeAll(async () => (s = await startTestServer()));
  afterAll(() => s.stop());

  const link = (registry: string, model: string, n: number, extra: Record<string, unknown> = {}) =>
    s.gql(LINK, {
      i: {
        registry,
        model,
        artifact: {
          uri: `s3://models/${model}/${n}`,
          digest: digestOf(`${model}/${n}`),
          sizeBytes: 100 + n,
        },
        ...extra,
      },
    });

  const createRegistry = async () => {
    const name = unique('conc');
    await s.ok(`mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, { i: { name } });
    return name;
  };

  const count = async (sql: string, params: unknown[]) => Number((await s.db.ds.query(sql, params))[0].n);
  const modelRows = (registry: string, model: string) =>
    count(
      'SELECT COUNT(*) AS n FROM registered_model m JOIN registry r ON r.id = m.registry_id WHERE r.name = ? AND m.name = ?',
      [registry, model],
    );
  const versionRows = (registry: string, model: string) =>
    count(
      'SELECT COUNT(*) AS n FROM model_version v JOIN registered_model m ON m.id = v.model_id JOIN registry r ON r.id = m.registry_id WHERE r.name = ? AND m.name = ?',
      [registry, model],
    );
  const aliasEvents = (registry: string, model: string, alias: string) =>
    count(
      'SELECT COUNT(*) AS n FROM alias_event e JOIN registered_model m ON m.id = e.model_id JOIN registry r ON r.id = m.registry_id WHERE r.name = ? AND m.name = ? AND e.alias = ?',
      [registry, model, alias],
    );
  const versionNumbers = async (registry: string, model: string) =>
    (
      await s.db.ds.query(
        'SELECT v.number AS n FROM model_version v JOIN registered_model m ON m.id = v.model_id JOIN registry r ON r.id = m.registry_id WHERE r.name = ? AND m.name = ? ORDER BY v.number',
        [registry, model],
      )
    ).map((r: { n: unknown }) => Number(r.n));

  describe('linkModelVersion on an existing model', () => {
    it('gives 20 concurrent links the numbers 1..20, each once, and moves latest to the highest', async () => {
      const registry = await createRegistry();
      const model = 'racing-existing';
      expect((await link(registry, model, 0)).data?.linkModelVersion.version.number).toBe(0);

      const results = await Promise.all(range(1, CALLS).map((n) => link(registry, model, n)));

      expect(errorsOf(results)).toEqual([]);
      const numbers = results.map((r) => r.data.linkModelVersion.version.number).sort((a: number, b: number) => a - b);
      expect(numbers).toEqual(range(1, CALLS));
      expect(
        results.every(
          (r) => r.data.linkModelVersion.modelCreated === false && r.data.linkModelVersion.replayed === false,
        ),
      ).toBe(true);
      expect(new Set(results.map((r) => r.data.linkModelVersion.version.id)).size).toBe(CALLS);
      expect(await versionNumbers(registry, model)).toEqual(range(0, CALLS));

      const latest = await s.ok(
        `query($r: String!, $m: String!) { modelVersion(registry: $r, model: $m, ref: "latest") { number } }`,
        { r: registry, m: model },
      );
      expect(latest.modelVersion.number).toBe(CALLS);
    });

    it('writes one latest alias event per link, the first link included', async () => {
      const registry = await createRegistry();
      const model = 'racing-latest-events';
      await link(registry, model, 0);

      const results = await Promise.all(range(1, CALLS).map((n) => link(registry, model, n)));

      expect(errorsOf(results)).toEqual([]);
      expect(await aliasEvents(registry, model, 'latest')).toBe(CALLS + 1);
    });
  });

  describe('linkModelVersion on a model that does not exist yet', () => {
    it('succeeds for all 20 concurrent first links, creates the model once and numbers the versions 0..19', async () => {
      const registry = await createRegistry();
      const model = 'racing-new';

      const results = await Promise.all(range(0, CALLS - 1).map((n) => link(registry, model, n)));

      expect(errorsOf(results)).toEqual([]);
      expect(results.filter((r) => r.data.linkModelVersion.modelCreated === true)).toHaveLength(1);
      expect(new Set(results.map((r) => r.data.linkModelVersion.model.id)).size).toBe(1);
      const numbers = results.map((r) => r.data.linkModelVersion.version.number).sort((a: number, b: number) => a - b);
      expect(numbers).toEqual(range(0, CALLS - 1));
      expect(await modelRows(registry, model)).toBe(1);
      expect(await versionNumbers(registry, model)).toEqual(range(0, CALLS - 1));
      expect(await aliasEvents(registry, model, 'latest')).toBe(CALLS);
    });
  });

  describe('setAlias with the same expectedVersion', () => {
    it('lets exactly one of 20 concurrent moves win and answers the rest CONFLICT', async () => {
      const registry = await createRegistry();
      const model = 'racing-alias';
      for (const n of range(0, CALLS)) expect((await link(registry, model, n)).errors).toBeUndefined();
      await s.ok(SET_ALIAS, {
        i: { registry, model, alias: 'staging', version: 'v0' },
      });
      const eventsBefore = await aliasEvents(registry, model, 'staging');

      const results = await Promise.all(
        range(1, CALLS).map((n) =>
          s.gql(SET_ALIAS, {
            i: {
              registry,
              model,
              alias: 'staging',
              version: `v${n}`,
              expectedVersion: 'v0',
            },
          }),
        ),
      );

      const winners = results.filter((r) => !r.errors);
      expect(winners).toHaveLength(1);
      expect(winners[0].data.setAlias.changed).toBe(true);
      expect(results.filter((r) => r.errors).map(codeOf)).toEqual(Array(CALLS - 1).fill('CONFLICT'));
      expect(await aliasEvents(registry, model, 'staging')).toBe(eventsBefore + 1);

      const now = await s.ok(
        `query($r: String!, $m: String!) { modelVersion(registry: $r, model: $m, ref: "staging") { name } }`,
        { r: registry, m: model },
      );
      expect(now.modelVersion.name).toBe(winners[0].data.setAlias.alias.version.name);
    });
  });

  describe('linkModelVersion with the same idempotencyKey', () => {
    it('creates exactly one version for 20 concurrent retries and returns it to every caller', async () => {
      const registry = await createRegistry();
      const model = 'racing-idempotent';
      await link(registry, model, 0);
      const idempotencyKey = unique('retry');

      const results = await Promise.all(range(1, CALLS).map(() => link(registry, model, 1, { idempotencyKey })));

      expect(errorsOf(results)).toEqual([]);
      expect(new Set(results.map((r) => r.data.linkModelVersion.version.id)).size).toBe(1);
      expect(results.map((r) => r.data.linkModelVersion.version.name)).toEqual(Array(CALLS).fill('v1'));
      expect(results.filter((r) => r.data.linkModelVersion.replayed === false)).toHaveLength(1);
      expect(await versionRows(registry, model)).toBe(2);
      expect(await aliasEvents(registry, model, 'latest')).toBe(2);
    });
  });
});

describe('setAliases with overlapping models', () => {
  let s: TestServer;
  beforeAll(async () => (s = await startTestServer()));
  afterAll(() => s.stop());

  const SET_ALIASES = `mutation($i: SetAliasesInput!) { setAliases(input: $i) { results { changed } } }`;
  const MODELS = ['m-a', 'm-b', 'm-c', 'm-d', 'm-e'];

  it('runs 20 concurrent bulk calls over the same 5 models, in opposite orders, without a deadlock or a torn state', async () => {
    const registry = `bulk-${process.pid}`;
    await s.ok(`mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, {
      i: { name: registry },
    });
    for (const model of MODELS)
      for (const n of [0, 1])
        await s.ok(LINK, {
          i: {
            registry,
            model,
            artifact: {
              uri: `s3://bulk/${model}/${n}`,
              digest: digestOf(`bulk/${model}/${n}`),
              sizeBytes: 1 + n,
            },
          },
        });
    const retriesBefore = s.app.services.db.retries;
    // Call i moves staging on every model to v(i % 2); half list the models forwards, half backwards,
    // which without a fixed lock order is the textbook deadlock.
    const results = await Promise.all(
      range(0, CALLS - 1).map((i) => {
        const order = i % 4 < 2 ? MODELS : [...MODELS].reverse();
        const changes = order.map((model) => ({
          registry,
          model,
          alias: 'staging',
          version: `v${i % 2}`,
        }));
        return s.gql(SET_ALIASES, { i: { changes, reason: `bulk ${i}` } });
      }),
    );
    expect(errorsOf(results)).toEqual([]);
    expect(s.app.services.db.retries - retriesBefore).toBe(0);
    // All or nothing, one call after another: every model ends where the last call put them all.
    const staging = await Promise.all(
      MODELS.map(async (model) => {
        const data = await s.ok(
          `query($r: String!, $m: String!) { modelVersion(registry: $r, model: $m, ref: "staging") { name } }`,
          { r: registry, m: model },
        );
        return data.modelVersion.name as string;
      }),
    );
    expect(new Set(staging).size).toBe(1);
    // Each model saw exactly the same sequence of moves, so the same number of staging events.
    const counts = await Promise.all(
      MODELS.map(async (model) =>
        Number(
          (
            await s.db.ds.query(
              'SELECT COUNT(*) AS n FROM alias_event e JOIN registered_model m ON m.id = e.model_id WHERE m.name = ? AND e.alias = ?',
              [model, 'staging'],
            )
          )[0].n,
        ),
      ),
    );
    expect(new Set(counts).size).toBe(1);
  });
});
