import { VersionEntity } from '../../src/versions/version.entity';
import {
  codeOf,
  digestOf,
  GraphQLResult,
  Instance,
  startInstance,
  startTestServer,
  TestServer,
} from '../support/server';

/**
 * The model cache (issue #18): a model page read again costs one statement (the model's row, with
 * its revision) until the model changes, and every kind of write that changes what the page shows
 * is seen by the next read: on the instance that wrote it, and on a second instance sharing the
 * database, whose cache was warm too. The cache never changes who sees what.
 */

const PAGE = `query($r: String!, $m: String!, $all: Boolean) {
  model(registry: $r, name: $m) {
    name description tags archived
    aliases { name protected version { name } }
    latestVersion { name }
    versions(first: 50, filter: { includeArchived: $all }) {
      edges { node { name aliases tags metrics description archived } }
      pageInfo { hasNextPage }
    }
  }
}`;
const CREATE_REGISTRY = `mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { name } } }`;
const UPDATE_REGISTRY = `mutation($i: UpdateRegistryInput!) { updateRegistry(input: $i) { registry { name } } }`;
const GRANT = `mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { subject } } }`;
const REVOKE = `mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { binding { subject } } }`;
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { name } } }`;
const UPDATE_VERSION = `mutation($i: UpdateModelVersionInput!) { updateModelVersion(input: $i) { version { name } } }`;
const ARCHIVE_VERSION = `mutation($i: ArchiveModelVersionInput!) { archiveModelVersion(input: $i) { version { name } } }`;
const RESTORE_VERSION = `mutation($i: RestoreModelVersionInput!) { restoreModelVersion(input: $i) { version { name } } }`;
const DELETE_VERSION = `mutation($i: DeleteModelVersionInput!) { deleteModelVersion(input: $i) { deletedVersion { name } } }`;
const UPDATE_MODEL = `mutation($i: UpdateModelInput!) { updateModel(input: $i) { model { name } } }`;
const ARCHIVE_MODEL = `mutation($i: ArchiveModelInput!) { archiveModel(input: $i) { model { name } } }`;
const RESTORE_MODEL = `mutation($i: RestoreModelInput!) { restoreModel(input: $i) { model { name } } }`;
const SET_ALIAS = `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`;
const SET_ALIASES = `mutation($i: SetAliasesInput!) { setAliases(input: $i) { results { changed } } }`;
const REMOVE_ALIAS = `mutation($i: RemoveAliasInput!) { removeAlias(input: $i) { alias } }`;
const REQUEST = `mutation($i: RequestAliasChangeInput!) { requestAliasChange(input: $i) { request { id } } }`;
const APPROVE = `mutation($i: DecideAliasChangeInput!) { approveAliasChange(input: $i) { applied } }`;

interface Page {
  name: string;
  description: string | null;
  tags: string[];
  archived: boolean;
  aliases: { name: string; protected: boolean; version: { name: string } }[];
  latestVersion: { name: string } | null;
  versions: {
    edges: {
      node: {
        name: string;
        aliases: string[];
        tags: string[];
        metrics: Record<string, number>;
        description: string | null;
        archived: boolean;
      };
    }[];
  };
}

let s: TestServer;
let b: Instance;
beforeAll(async () => {
  // Versions may be deleted as soon as they are archived; role changes reach the other instance quickly.
  const env = { VERSION_DELETE_AFTER_DAYS: '0', AUTH_POLICY_POLL_MS: '100' };
  s = await startTestServer(env);
  b = await startInstance(s, env);
});
afterAll(async () => {
  await b?.stop();
  await s?.stop();
});

let seq = 0;
/** A registry (ada ADMIN, abe ADMIN, vera VIEWER; `production` protected, one approval) with model `m` of 3 versions. */
async function fixture(): Promise<{ registry: string; model: string }> {
  const registry = `cache-${++seq}`;
  await s.ok(CREATE_REGISTRY, { i: { name: registry, protectedAliases: ['production'], requiredApprovals: 1 } });
  for (const [subject, role] of [
    ['ada', 'ADMIN'],
    ['abe', 'ADMIN'],
    ['vera', 'VIEWER'],
  ])
    await s.ok(GRANT, { i: { registry, subject, role } });
  for (let v = 0; v < 3; v++)
    await s.ok(LINK, {
      i: {
        registry,
        model: 'm',
        artifact: { uri: `s3://cache/${registry}/${v}`, digest: digestOf(`${registry}-${v}`), sizeBytes: 1 },
        metrics: { accuracy: v / 10 },
      },
    });
  return { registry, model: 'm' };
}

type Gql = (
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
) => Promise<GraphQLResult>;
const onA: Gql = (q, v, h) => s.gql(q, v, h);
const onB: Gql = (q, v, h) => b.gql(q, v, h);

async function page(gql: Gql, registry: string, model: string, all = false): Promise<GraphQLResult<{ model: Page }>> {
  const r = await gql(PAGE, { r: registry, m: model, all });
  expect(r.errors).toBeUndefined();
  return r;
}
/** Reads the page twice on both instances (and with archived versions), so both caches hold it. */
async function warm(registry: string, model: string): Promise<void> {
  for (const gql of [onA, onB])
    for (const all of [false, true]) for (let i = 0; i < 2; i++) await page(gql, registry, model, all);
}
const names = (p: Page) => p.versions.edges.map((e) => e.node.name);
const node = (p: Page, name: string) => p.versions.edges.find((e) => e.node.name === name)?.node;
const alias = (p: Page, name: string) => p.aliases.find((a) => a.name === name);
/** The page as both instances answer it after a write, checked by `expectation`. */
async function seenByBoth(registry: string, model: string, expectation: (p: Page, all: Page) => void): Promise<void> {
  for (const gql of [onA, onB]) {
    const current = (await page(gql, registry, model)).data!.model;
    const all = (await page(gql, registry, model, true)).data!.model;
    expectation(current, all);
  }
}

describe('a cached model page', () => {
  it('costs one statement when read again, and the same answer', async () => {
    const { registry, model } = await fixture();
    const first = await page(onA, registry, model);
    const again = await page(onA, registry, model);
    expect(first.sqlStatements).toBeGreaterThan(1);
    expect(again.sqlStatements).toBe(1);
    expect(again.data).toEqual(first.data);
  });

  // Each write goes through one instance or the other (`via`); both had the page cached before it.
  const writes: {
    name: string;
    via: Gql;
    write: (registry: string, model: string) => Promise<string | void>;
    expect: (p: Page, all: Page) => void;
  }[] = [
    {
      name: 'linkModelVersion (with an alias)',
      via: onA,
      write: (registry, model) =>
        s
          .ok(LINK, {
            i: {
              registry,
              model,
              artifact: { uri: `s3://cache/${registry}/new`, digest: digestOf(`${registry}-new`), sizeBytes: 2 },
              aliases: ['staging'],
            },
          })
          .then(() => undefined),
      expect: (p) => {
        expect(names(p)).toEqual(['v3', 'v2', 'v1', 'v0']);
        expect(node(p, 'v3')!.aliases).toEqual(['latest', 'staging']);
        expect(p.latestVersion).toEqual({ name: 'v3' });
        expect(alias(p, 'staging')!.version.name).toBe('v3');
      },
    },
    {
      name: 'updateModelVersion',
      via: onB,
      write: (registry, model) =>
        b
          .gql(UPDATE_VERSION, {
            i: { registry, model, version: 'v1', tags: ['edited'], metrics: { accuracy: 0.99 }, description: 'new' },
          })
          .then(ok),
      expect: (p) =>
        expect(node(p, 'v1')).toMatchObject({ tags: ['edited'], metrics: { accuracy: 0.99 }, description: 'new' }),
    },
    {
      name: 'archiveModelVersion',
      via: onA,
      write: (registry, model) =>
        s.ok(ARCHIVE_VERSION, { i: { registry, model, version: 'v2' } }).then(() => undefined),
      expect: (p, all) => {
        expect(names(p)).toEqual(['v1', 'v0']);
        expect(p.latestVersion).toEqual({ name: 'v1' });
        expect(node(all, 'v2')!.archived).toBe(true);
      },
    },
    {
      name: 'restoreModelVersion',
      via: onB,
      write: async (registry, model) => {
        await s.ok(ARCHIVE_VERSION, { i: { registry, model, version: 'v2' } });
        await warm(registry, model);
        ok(await b.gql(RESTORE_VERSION, { i: { registry, model, version: 'v2' } }));
      },
      expect: (p) => {
        expect(names(p)).toEqual(['v2', 'v1', 'v0']);
        expect(p.latestVersion).toEqual({ name: 'v2' });
      },
    },
    {
      name: 'deleteModelVersion',
      via: onA,
      write: async (registry, model) => {
        await s.ok(ARCHIVE_VERSION, { i: { registry, model, version: 'v0' } });
        await warm(registry, model);
        await s.ok(DELETE_VERSION, { i: { registry, model, version: 'v0' } });
      },
      expect: (p, all) => {
        expect(names(p)).toEqual(['v2', 'v1']);
        expect(names(all)).toEqual(['v2', 'v1']);
      },
    },
    {
      name: 'setAlias',
      via: onB,
      write: (registry, model) =>
        b.gql(SET_ALIAS, { i: { registry, model, alias: 'staging', version: 'v0' } }).then(ok),
      expect: (p) => {
        expect(node(p, 'v0')!.aliases).toEqual(['staging']);
        expect(alias(p, 'staging')).toEqual({ name: 'staging', protected: false, version: { name: 'v0' } });
      },
    },
    {
      name: 'setAliases',
      via: onA,
      write: (registry, model) =>
        s
          .ok(SET_ALIASES, {
            i: {
              changes: [
                { registry, model, alias: 'a1', version: 'v1' },
                { registry, model, alias: 'a2', version: 'v1' },
              ],
            },
          })
          .then(() => undefined),
      expect: (p) => {
        expect(node(p, 'v1')!.aliases).toEqual(['a1', 'a2']);
        expect(p.aliases.map((a) => a.name)).toEqual(['a1', 'a2', 'latest']);
      },
    },
    {
      name: 'removeAlias',
      via: onB,
      write: async (registry, model) => {
        await s.ok(SET_ALIAS, { i: { registry, model, alias: 'staging', version: 'v1' } });
        await warm(registry, model);
        ok(await b.gql(REMOVE_ALIAS, { i: { registry, model, alias: 'staging' } }));
      },
      expect: (p) => {
        expect(node(p, 'v1')!.aliases).toEqual([]);
        expect(alias(p, 'staging')).toBeUndefined();
      },
    },
    {
      name: 'an approved change request that moves a protected alias',
      via: onA,
      write: async (registry, model) => {
        const made = await s.ok(
          REQUEST,
          { i: { registry, model, alias: 'production', version: 'v1' } },
          await s.as('ada'),
        );
        await warm(registry, model);
        const approved = await s.ok(APPROVE, { i: { request: made.requestAliasChange.request.id } }, await s.as('abe'));
        expect(approved.approveAliasChange.applied).toBe(true);
      },
      expect: (p) => {
        expect(alias(p, 'production')).toEqual({ name: 'production', protected: true, version: { name: 'v1' } });
        expect(node(p, 'v1')!.aliases).toEqual(['production']);
      },
    },
    {
      name: 'updateModel (description and tags)',
      via: onB,
      write: (registry, model) =>
        b.gql(UPDATE_MODEL, { i: { registry, model, description: 'changed', tags: ['t'] } }).then(ok),
      expect: (p) => expect(p).toMatchObject({ description: 'changed', tags: ['t'] }),
    },
    {
      name: 'archiveModel',
      via: onA,
      write: (registry, model) => s.ok(ARCHIVE_MODEL, { i: { registry, model } }).then(() => undefined),
      expect: (p) => expect(p.archived).toBe(true),
    },
    {
      name: 'restoreModel',
      via: onB,
      write: async (registry, model) => {
        await s.ok(ARCHIVE_MODEL, { i: { registry, model } });
        await warm(registry, model);
        ok(await b.gql(RESTORE_MODEL, { i: { registry, model } }));
      },
      expect: (p) => expect(p.archived).toBe(false),
    },
    {
      name: 'updateRegistry (which aliases are protected)',
      via: onA,
      write: async (registry, model) => {
        await s.ok(SET_ALIAS, { i: { registry, model, alias: 'staging', version: 'v1' } });
        await warm(registry, model);
        await s.ok(UPDATE_REGISTRY, { i: { registry, protectedAliases: ['production', 'staging'] } });
      },
      expect: (p) => expect(alias(p, 'staging')!.protected).toBe(true),
    },
  ];

  for (const w of writes) {
    it(`shows ${w.name} at once, on the instance that wrote it and on the other`, async () => {
      const { registry, model } = await fixture();
      await warm(registry, model);
      expect((await page(onA, registry, model)).sqlStatements).toBe(1);
      await w.write(registry, model);
      await seenByBoth(registry, model, w.expect);
    });
  }

  it("answers a mutation's payload with the model as it committed, however warm the cache", async () => {
    const { registry, model } = await fixture();
    await warm(registry, model);
    const SET_WITH_MODEL = `mutation($i: SetAliasInput!) {
      setAlias(input: $i) { model { aliases { name version { name } } versions(first: 50) { edges { node { name aliases } } } } }
    }`;
    const moved = await s.ok(SET_WITH_MODEL, { i: { registry, model, alias: 'staging', version: 'v1' } });
    expect(moved.setAlias.model.aliases).toContainEqual({ name: 'staging', version: { name: 'v1' } });
    const v1 = moved.setAlias.model.versions.edges.find((e: { node: { name: string } }) => e.node.name === 'v1');
    expect(v1.node.aliases).toEqual(['staging']);
    const LINK_WITH_MODEL = `mutation($i: LinkModelVersionInput!) {
      linkModelVersion(input: $i) { model { versions(first: 50) { edges { node { name } } } aliases { name version { name } } } }
    }`;
    const linked = await s.ok(LINK_WITH_MODEL, {
      i: {
        registry,
        model,
        artifact: { uri: `s3://cache/${registry}/p`, digest: digestOf(`${registry}-p`), sizeBytes: 1 },
      },
    });
    expect(linked.linkModelVersion.model.versions.edges[0].node.name).toBe('v3');
    expect(linked.linkModelVersion.model.aliases).toContainEqual({ name: 'latest', version: { name: 'v3' } });
  });

  it('shows a renamed model under its new name, and its old name is NOT_FOUND', async () => {
    const { registry, model } = await fixture();
    await warm(registry, model);
    ok(await b.gql(UPDATE_MODEL, { i: { registry, model, name: 'renamed' } }));
    for (const gql of [onA, onB]) {
      expect(codeOf(await gql(PAGE, { r: registry, m: model }))).toBe('NOT_FOUND');
      expect(names((await page(gql, registry, 'renamed')).data!.model)).toEqual(['v2', 'v1', 'v0']);
    }
  });

  it('keeps download counts out of the cache: they are read per request', async () => {
    const { registry, model } = await fixture();
    const COUNT = `query($r: String!, $m: String!) { model(registry: $r, name: $m) { versions(first: 5) { edges { node { name downloadCount } } } } }`;
    const read = async () => (await s.ok(COUNT, { r: registry, m: model })).model.versions.edges[0].node.downloadCount;
    expect(await read()).toBe(0);
    // A download's count is one UPDATE outside the change seam (src/files/download-count.ts).
    await s.db.ds
      .getRepository(VersionEntity)
      .increment({ number: 2, modelId: await modelId(registry) }, 'downloadCount', 1);
    expect(await read()).toBe(1);
  });
});

describe('versions by id (`_entities`, aliases, alias history)', () => {
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ModelVersion { name description tags archived } } }`;
  const IDS = `query($r: String!, $m: String!) { model(registry: $r, name: $m) { versions(first: 50) { edges { node { id name } } } } }`;
  type Entity = { name: string; description: string | null; tags: string[]; archived: boolean } | null;
  const entities = async (gql: Gql, ids: string[]) => {
    const r = await gql(ENTITIES, { r: ids.map((id) => ({ __typename: 'ModelVersion', id })) });
    expect(r.errors).toBeUndefined();
    return r as GraphQLResult<{ _entities: Entity[] }>;
  };

  it('answers from cached rows in two statements, and the same answer', async () => {
    const { registry, model } = await fixture();
    const ids: string[] = (await s.ok(IDS, { r: registry, m: model })).model.versions.edges.map(
      (e: { node: { id: string } }) => e.node.id,
    );
    const first = await entities(onA, ids);
    const again = await entities(onA, ids);
    expect(again.data).toEqual(first.data);
    expect(first.data!._entities.map((e) => e?.name)).toEqual(['v2', 'v1', 'v0']);
    // The versions with their models, then the registries; read again: the models (the revision check), the registries.
    expect(first.sqlStatements).toBeLessThanOrEqual(2);
    expect(again.sqlStatements).toBeLessThanOrEqual(2);
  });

  it('shows an edited, archived or deleted version at once, on either instance, whichever wrote it', async () => {
    const { registry, model } = await fixture();
    const ids: string[] = (await s.ok(IDS, { r: registry, m: model })).model.versions.edges.map(
      (e: { node: { id: string } }) => e.node.id,
    );
    const warmBoth = async () => {
      for (const gql of [onA, onB]) for (let i = 0; i < 2; i++) await entities(gql, ids);
    };
    const seen = async (expectation: (e: Entity[]) => void) => {
      for (const gql of [onA, onB]) expectation((await entities(gql, ids)).data!._entities);
    };
    await warmBoth();
    ok(await b.gql(UPDATE_VERSION, { i: { registry, model, version: 'v1', tags: ['edited'], description: 'new' } }));
    await seen((e) => expect(e[1]).toEqual({ name: 'v1', description: 'new', tags: ['edited'], archived: false }));

    await warmBoth();
    await s.ok(ARCHIVE_VERSION, { i: { registry, model, version: 'v0' } });
    await seen((e) => expect(e[2]).toMatchObject({ name: 'v0', archived: true }));

    await warmBoth();
    ok(await b.gql(DELETE_VERSION, { i: { registry, model, version: 'v0' } }));
    await seen((e) => expect(e.map((v) => v?.name ?? null)).toEqual(['v2', 'v1', null]));
  });

  it('answers null to a caller who may not read the registry, however warm the cache', async () => {
    const { registry, model } = await fixture();
    const ids: string[] = (await s.ok(IDS, { r: registry, m: model })).model.versions.edges.map(
      (e: { node: { id: string } }) => e.node.id,
    );
    await entities(onA, ids);
    const r = await s.gql(ENTITIES, { r: ids.map((id) => ({ __typename: 'ModelVersion', id })) }, await s.as('nobody'));
    expect(r.errors).toBeUndefined();
    expect(r.data._entities).toEqual([null, null, null]);
  });

  it("shows an alias event's versions as they are now: edited on the other instance, or deleted", async () => {
    const { registry, model } = await fixture();
    const HISTORY = `query($r: String!, $m: String!) {
      model(registry: $r, name: $m) { aliasHistory(alias: "staging") { edges { node { fromVersion { name description } toVersion { name description } } } } }
    }`;
    const events = async () =>
      (await s.ok(HISTORY, { r: registry, m: model })).model.aliasHistory.edges.map((e: { node: unknown }) => e.node);
    await s.ok(SET_ALIAS, { i: { registry, model, alias: 'staging', version: 'v0' } });
    await s.ok(SET_ALIAS, { i: { registry, model, alias: 'staging', version: 'v1' } });
    for (let i = 0; i < 2; i++) await events();
    ok(await b.gql(UPDATE_VERSION, { i: { registry, model, version: 'v1', description: 'edited on b' } }));
    expect((await events())[0].toVersion).toEqual({ name: 'v1', description: 'edited on b' });
    await s.ok(ARCHIVE_VERSION, { i: { registry, model, version: 'v0' } });
    await events();
    ok(await b.gql(DELETE_VERSION, { i: { registry, model, version: 'v0' } }));
    const [moved, set] = await events();
    expect(moved.fromVersion).toBeNull();
    expect(set.toVersion).toBeNull();
  });
});

describe('the deploy path (`modelVersion(registry, model, ref)`)', () => {
  const RESOLVE = `query($r: String!, $m: String!, $ref: String!) { modelVersion(registry: $r, model: $m, ref: $ref) { name description artifact { uri } } }`;
  it('answers where an alias points and what the version holds now, after writes on the other instance', async () => {
    const { registry, model } = await fixture();
    const resolve = async (gql: Gql, ref: string) => {
      const r = await gql(RESOLVE, { r: registry, m: model, ref });
      return r.errors ? codeOf(r) : r.data.modelVersion;
    };
    await s.ok(SET_ALIAS, { i: { registry, model, alias: 'staging', version: 'v1' } });
    for (const gql of [onA, onB]) for (let i = 0; i < 2; i++) await resolve(gql, 'staging');
    ok(await b.gql(UPDATE_VERSION, { i: { registry, model, version: 'v1', description: 'edited on b' } }));
    expect(await resolve(onA, 'staging')).toMatchObject({ name: 'v1', description: 'edited on b' });
    ok(await b.gql(SET_ALIAS, { i: { registry, model, alias: 'staging', version: 'v0' } }));
    expect(await resolve(onA, 'staging')).toMatchObject({ name: 'v0' });
    await s.ok(ARCHIVE_VERSION, { i: { registry, model, version: 'v2' } });
    for (const gql of [onA, onB]) await resolve(gql, 'v2');
    ok(await b.gql(DELETE_VERSION, { i: { registry, model, version: 'v2' } }));
    expect(await resolve(onA, 'v2')).toBe('NOT_FOUND');
    expect(await resolve(onA, 'v0')).toMatchObject({ name: 'v0', artifact: { uri: `s3://cache/${registry}/0` } });
  });
});

describe('a transaction that rolls back', () => {
  it('leaves nothing of what it wrote in the cache, though a read saw it while it was open (SQLite)', async () => {
    const { registry, model } = await fixture();
    const ENTITY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ModelVersion { name description } } }`;
    const RESOLVE = `query($r: String!, $m: String!) { modelVersion(registry: $r, model: $m, ref: "v1") { description } }`;
    const [v1] = await s.db.ds.query(
      'SELECT v.id FROM model_version v JOIN registered_model m ON m.id = v.model_id WHERE m.name = ? AND v.number = 1 AND m.registry_id = (SELECT id FROM registry WHERE name = ?)',
      [model, registry],
    );
    const reps = {
      r: [{ __typename: 'ModelVersion', id: Buffer.from(`ModelVersion:${v1.id}`).toString('base64url') }],
    };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const rolledBack = s.app.services.db
      .transaction(async (em) => {
        await em.query('UPDATE model_version SET description = ? WHERE id = ?', ['never committed', v1.id]);
        wrote();
        await held;
        throw new Error('rolled back on purpose');
      })
      .catch(() => undefined);
    await written;
    // While it is open: on SQLite these reads run on its connection (and may see its row).
    await s.gql(ENTITY, reps);
    await s.gql(RESOLVE, { r: registry, m: model });
    release();
    await rolledBack;
    for (let i = 0; i < 2; i++) {
      expect((await s.ok(ENTITY, reps))._entities[0].description).toBeNull();
      expect((await s.ok(RESOLVE, { r: registry, m: model })).modelVersion.description).toBeNull();
    }
  });
});

describe('the cache and who sees what', () => {
  it('answers NOT_FOUND to a caller with no role, and nothing of the page, however warm the cache', async () => {
    const { registry, model } = await fixture();
    await warm(registry, model);
    for (const gql of [onA, onB]) {
      const denied = await gql(PAGE, { r: registry, m: model }, await s.as('nobody'));
      expect(codeOf(denied)).toBe('NOT_FOUND');
      expect(denied.data?.model ?? null).toBeNull();
    }
  });

  it('stops answering a viewer whose role is revoked, with the page still cached', async () => {
    const { registry, model } = await fixture();
    const vera = await s.as('vera');
    expect((await onA(PAGE, { r: registry, m: model }, vera)).errors).toBeUndefined();
    await until(async () => (await onB(PAGE, { r: registry, m: model }, vera)).errors === undefined);
    await warm(registry, model);
    await s.ok(REVOKE, { i: { registry, subject: 'vera' } });
    // At once on the instance that revoked it; the other reloads its policy when it sees the
    // policy version move (AUTH_POLICY_POLL_MS), which is not what this test is about.
    expect(codeOf(await onA(PAGE, { r: registry, m: model }, vera))).toBe('NOT_FOUND');
    await until(async () => codeOf(await onB(PAGE, { r: registry, m: model }, vera)) === 'NOT_FOUND');
  });

  it("answers a viewer of another registry NOT_FOUND for this one's cached page", async () => {
    const { registry, model } = await fixture();
    const other = await fixture();
    await warm(registry, model);
    const vera = await s.as('vera');
    await s.ok(REVOKE, { i: { registry, subject: 'vera' } });
    expect((await onA(PAGE, { r: other.registry, m: other.model }, vera)).errors).toBeUndefined();
    expect(codeOf(await onA(PAGE, { r: registry, m: model }, vera))).toBe('NOT_FOUND');
  });
});

/** Waits for `condition` for up to 5 s; fails if it never holds. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not hold within 5 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ok(r: GraphQLResult): void {
  if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
}

async function modelId(registry: string): Promise<string> {
  const [row] = await s.db.ds.query(
    'SELECT m.id AS id FROM registered_model m JOIN registry r ON r.id = m.registry_id WHERE r.name = ?',
    [registry],
  );
  return row.id;
}
