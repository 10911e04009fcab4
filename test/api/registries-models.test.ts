import { randomUUID } from 'node:crypto';
import { codeOf, digestOf, startTestServer, TestServer } from '../support/server';

/**
 * Registries, registered models and node(id), over GraphQL on the real server: creation and
 * validation, updates and renames, archiving, the models list (filters, orders, keyset pages),
 * global ids, and the audit event each mutation writes (and each rejected one does not).
 */

let s: TestServer;
beforeAll(async () => (s = await startTestServer()));
afterAll(() => s.stop());

// ---------------------------------------------------------------------------------------------
// Helpers

let seq = 0;
/** A registry or model name unique within this file. */
const uniq = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
/** The surrogate id inside a global id, to find its audit rows. */
const rawId = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];

const REGISTRY_FIELDS = `id name description visibility protectedAliases createdBy { id } createdAt updatedAt`;
const MODEL_FIELDS = `id name description tags archived archivedAt fullName createdAt updatedAt
  registry { name } latestVersion { name } createdBy { id }`;

const CREATE_REGISTRY = `mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { ${REGISTRY_FIELDS} } } }`;
const UPDATE_REGISTRY = `mutation($i: UpdateRegistryInput!) { updateRegistry(input: $i) { registry { ${REGISTRY_FIELDS} } } }`;
const CREATE_MODEL = `mutation($i: CreateModelInput!) { createModel(input: $i) { model { ${MODEL_FIELDS} } } }`;
const UPDATE_MODEL = `mutation($i: UpdateModelInput!) { updateModel(input: $i) { model { ${MODEL_FIELDS} } } }`;
const ARCHIVE_MODEL = `mutation($i: ArchiveModelInput!) { archiveModel(input: $i) { model { ${MODEL_FIELDS} } } }`;
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { id name } model { id updatedAt } } }`;
const SET_ALIAS = `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`;
const GET_REGISTRY = `query($name: String!) { registry(name: $name) { ${REGISTRY_FIELDS} } }`;
const GET_MODEL = `query($r: String!, $m: String!) { model(registry: $r, name: $m) { ${MODEL_FIELDS}
  versions { totalCount edges { node { name } } } aliases { name version { name } } } }`;
const REGISTRIES = `query($first: Int, $after: String) { registries(first: $first, after: $after) {
  totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`;
const MODELS = `query($r: String!, $filter: ModelFilter, $orderBy: ModelOrder, $first: Int, $after: String) {
  registry(name: $r) { models(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { cursor node { name archived } } pageInfo { hasNextPage endCursor } } } }`;
const NODE = `query($id: ID!) { node(id: $id) { __typename id
  ... on Registry { name }
  ... on RegisteredModel { name archived fullName }
  ... on ModelVersion { name number } } }`;

type Vars = Record<string, unknown>;

async function createRegistry(name: string, extra: Vars = {}) {
  return (await s.ok(CREATE_REGISTRY, { i: { name, ...extra } })).createRegistry.registry;
}

async function createModel(registry: string, name: string, extra: Vars = {}) {
  return (await s.ok(CREATE_MODEL, { i: { registry, name, ...extra } })).createModel.model;
}

let artifactSeq = 0;
async function link(registry: string, model: string, aliases?: string[]) {
  const n = ++artifactSeq;
  const i = {
    registry,
    model,
    aliases,
    artifact: {
      uri: `s3://models/${model}/${n}`,
      digest: digestOf(`artifact-${n}`),
      sizeBytes: 100 + n,
    },
  };
  return (await s.ok(LINK, { i })).linkModelVersion;
}

async function modelsPage(registry: string, args: Vars = {}) {
  return s.gql(MODELS, { r: registry, ...args });
}

/** Names of every model the list yields, walking pages of `first`, failing on a repeated cursor. */
async function walkModels(registry: string, args: Vars, first: number): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const r = await modelsPage(registry, { ...args, first, after });
    expect(r.errors).toBeUndefined();
    const conn = r.data.registry.models;
    expect(conn.edges.length).toBeLessThanOrEqual(first);
    names.push(...conn.edges.map((e: { node: { name: string } }) => e.node.name));
    if (!conn.pageInfo.hasNextPage) return names;
    expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1).cursor);
    after = conn.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

async function count(table: string): Promise<number> {
  const rows = await s.db.ds.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0].n);
}

/** Row counts of the tables a registry/model mutation may write. */
async function counts() {
  return {
    registry: await count('registry'),
    registered_model: await count('registered_model'),
    model_version: await count('model_version'),
    audit_event: await count('audit_event'),
  };
}

async function registryRow(name: string) {
  const rows = await s.db.ds.query('SELECT * FROM registry WHERE name = ?', [name]);
  return rows[0];
}

async function modelRowsOf(registry: string) {
  return s.db.ds.query(
    'SELECT m.* FROM registered_model m JOIN registry r ON r.id = m.registry_id WHERE r.name = ? ORDER BY m.id',
    [registry],
  );
}

const parseJson = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

interface AuditRow {
  action: string;
  actor: string;
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Runs `fn` and returns the audit_event rows it added, oldest first. */
async function auditOf<T>(fn: () => Promise<T>): Promise<{ result: T; rows: AuditRow[] }> {
  const seen = new Set((await s.db.ds.query('SELECT id FROM audit_event')).map((r: { id: string }) => r.id));
  const result = await fn();
  const all = await s.db.ds.query(
    'SELECT id, action, actor, target_type, target_id, `before`, `after` FROM audit_event ORDER BY id',
  );
  const rows = all
    .filter((r: { id: string }) => !seen.has(r.id))
    .map((r: Record<string, unknown>) => ({
      action: r.action,
      actor: r.actor,
      targetType: r.target_type,
      targetId: r.target_id,
      before: parseJson(r.before),
      after: parseJson(r.after),
    }));
  return { result, rows };
}

// ---------------------------------------------------------------------------------------------

describe('createRegistry', () => {
  it('defaults to RESTRICTED visibility and protects "production"', async () => {
    const name = uniq('defaults');
    const registry = await createRegistry(name);
    expect(registry).toMatchObject({
      name,
      description: null,
      visibility: 'RESTRICTED',
      protectedAliases: ['production'],
      createdBy: { id: 'local-admin' },
    });
    expect(typeof registry.id).toBe('string');
  });

  it('stores a description, a visibility and custom protected aliases', async () => {
    const name = uniq('custom');
    const registry = await createRegistry(name, {
      description: 'Vision models',
      visibility: 'ORGANIZATION',
      protectedAliases: ['production', 'canary'],
    });
    expect(registry).toMatchObject({
      name,
      description: 'Vision models',
      visibility: 'ORGANIZATION',
      protectedAliases: ['production', 'canary'],
    });
    const read = await s.ok(GET_REGISTRY, { name });
    expect(read.registry).toEqual(registry);
  });

  it('accepts a name of 63 characters, digits, "-", "_" and "."', async () => {
    const long = `a${'b'.repeat(62)}`;
    expect((await createRegistry(long)).name).toBe(long);
    const mixed = `0x.${process.pid}_a-b`;
    expect((await createRegistry(mixed)).name).toBe(mixed);
  });

  it('refuses an existing name with CONFLICT and writes nothing', async () => {
    const name = uniq('taken');
    await createRegistry(name, { description: 'first' });
    const before = await counts();
    const r = await s.gql(CREATE_REGISTRY, {
      i: { name, description: 'second' },
    });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(await counts()).toEqual(before);
    expect((await s.ok(GET_REGISTRY, { name })).registry.description).toBe('first');
  });

  it.each([
    ['upper case', 'Vision'],
    ['a leading "-"', '-vision'],
    ['64 characters', 'a'.repeat(64)],
    ['a space', 'a b'],
    ['an empty name', ''],
  ])('refuses a name with %s as BAD_USER_INPUT and writes nothing', async (_label, name) => {
    const before = await counts();
    const r = await s.gql(CREATE_REGISTRY, { i: { name } });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(r.data).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it('refuses an invalid protected alias name as BAD_USER_INPUT and writes nothing', async () => {
    const before = await counts();
    const r = await s.gql(CREATE_REGISTRY, {
      i: { name: uniq('badalias'), protectedAliases: ['not valid'] },
    });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(await counts()).toEqual(before);
  });
});

describe('registry(name) and registries', () => {
  it('reads a registry by name', async () => {
    const name = uniq('byname');
    const created = await createRegistry(name, { description: 'd' });
    expect((await s.ok(GET_REGISTRY, { name })).registry).toEqual(created);
  });

  it('answers NOT_FOUND for an unknown registry', async () => {
    const r = await s.gql(GET_REGISTRY, { name: uniq('missing') });
    expect(codeOf(r)).toBe('NOT_FOUND');
  });

  it('pages through every registry by name with first/after, without duplicates or gaps', async () => {
    const prefix = uniq('page');
    for (const letter of ['e', 'b', 'd', 'a', 'c']) await createRegistry(`${prefix}-${letter}`);
    const expected: string[] = (await s.db.ds.query('SELECT name FROM registry ORDER BY name')).map(
      (r: { name: string }) => r.name,
    );

    const names: string[] = [];
    let after: string | null = null;
    let totalCount: number | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page: any = (await s.ok(REGISTRIES, { first: 2, after })).registries;
      expect(page.edges.length).toBeLessThanOrEqual(2);
      totalCount = page.totalCount;
      names.push(...page.edges.map((e: { node: { name: string } }) => e.node.name));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(names).toEqual(expected);
    expect(new Set(names).size).toBe(names.length);
    expect(totalCount).toBe(expected.length);
    expect(names.filter((n) => n.startsWith(`${prefix}-`))).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((l) => `${prefix}-${l}`),
    );
  });

  it('refuses first over 100 and a forged cursor on registries as BAD_USER_INPUT', async () => {
    expect(codeOf(await s.gql(REGISTRIES, { first: 101 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await s.gql(REGISTRIES, { first: 2, after: 'not-a-cursor' }))).toBe('BAD_USER_INPUT');
  });
});

describe('updateRegistry', () => {
  it('changes the description, the visibility and replaces protectedAliases', async () => {
    const name = uniq('upd');
    const created = await createRegistry(name, {
      description: 'old',
      protectedAliases: ['production', 'canary'],
    });
    const updated = (
      await s.ok(UPDATE_REGISTRY, {
        i: {
          registry: name,
          description: 'new',
          visibility: 'ORGANIZATION',
          protectedAliases: ['production', 'staging'],
        },
      })
    ).updateRegistry.registry;
    expect(updated).toMatchObject({
      id: created.id,
      name,
      description: 'new',
      visibility: 'ORGANIZATION',
      protectedAliases: ['production', 'staging'],
    });
    expect((await s.ok(GET_REGISTRY, { name })).registry).toMatchObject({
      description: 'new',
      visibility: 'ORGANIZATION',
      protectedAliases: ['production', 'staging'],
    });
  });

  it('can empty protectedAliases and leaves fields it is not given alone', async () => {
    const name = uniq('upd-empty');
    await createRegistry(name, {
      description: 'keep me',
      visibility: 'ORGANIZATION',
    });
    const updated = (
      await s.ok(UPDATE_REGISTRY, {
        i: { registry: name, protectedAliases: [] },
      })
    ).updateRegistry.registry;
    expect(updated).toMatchObject({
      description: 'keep me',
      visibility: 'ORGANIZATION',
      protectedAliases: [],
    });
  });

  it('writes one audit event "registry.updated" with the values before and after', async () => {
    const name = uniq('upd-audit');
    const created = await createRegistry(name, { description: 'before' });
    const { rows } = await auditOf(() =>
      s.ok(UPDATE_REGISTRY, {
        i: {
          registry: name,
          description: 'after',
          protectedAliases: ['production', 'canary'],
        },
      }),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'registry.updated',
      actor: 'local-admin',
      targetType: 'Registry',
      targetId: rawId(created.id),
    });
    expect(rows[0].before).toEqual({
      name,
      description: 'before',
      visibility: 'RESTRICTED',
      protectedAliases: ['production'],
      requiredApprovals: 1,
    });
    expect(rows[0].after).toEqual({
      name,
      description: 'after',
      visibility: 'RESTRICTED',
      protectedAliases: ['production', 'canary'],
      requiredApprovals: 1,
    });
  });

  it.each([
    ['a malformed alias name', ['production', 'not valid']],
    ['an alias name with a leading "-"', ['-canary']],
    ['"latest"', ['production', 'latest']],
    ['a version name', ['v1']],
  ])('refuses protectedAliases with %s as BAD_USER_INPUT and changes nothing', async (_label, protectedAliases) => {
    const name = uniq('upd-bad');
    await createRegistry(name, { description: 'unchanged' });
    const row = await registryRow(name);
    const before = await counts();
    const r = await s.gql(UPDATE_REGISTRY, {
      i: { registry: name, description: 'changed', protectedAliases },
    });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(await registryRow(name)).toEqual(row);
    expect(await counts()).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown registry and writes nothing', async () => {
    const before = await counts();
    const r = await s.gql(UPDATE_REGISTRY, {
      i: { registry: uniq('nope'), description: 'x' },
    });
    expect(codeOf(r)).toBe('NOT_FOUND');
    expect(await counts()).toEqual(before);
  });
});

describe('createModel', () => {
  it('creates a model in a registry with its description and tags', async () => {
    const reg = uniq('cm');
    await createRegistry(reg);
    const model = await createModel(reg, 'mnist', {
      description: 'digits',
      tags: ['cv', 'small'],
    });
    expect(model).toMatchObject({
      name: 'mnist',
      description: 'digits',
      tags: ['cv', 'small'],
      archived: false,
      archivedAt: null,
      fullName: `${reg}/mnist`,
      registry: { name: reg },
      latestVersion: null,
      createdBy: { id: 'local-admin' },
    });
    expect(model.updatedAt).toBe(model.createdAt);
    expect((await s.ok(GET_MODEL, { r: reg, m: 'mnist' })).model).toMatchObject({
      id: model.id,
      name: 'mnist',
      aliases: [],
      versions: { totalCount: 0, edges: [] },
    });
  });

  it('accepts upper case, digits, "-", "_" and "." in model names', async () => {
    const reg = uniq('cm-names');
    await createRegistry(reg);
    expect((await createModel(reg, 'ResNet-50_v2.1')).name).toBe('ResNet-50_v2.1');
  });

  it('refuses a name that exists in the same registry with CONFLICT and writes nothing', async () => {
    const reg = uniq('cm-dup');
    await createRegistry(reg);
    await createModel(reg, 'twin', { description: 'first' });
    const before = await counts();
    const r = await s.gql(CREATE_MODEL, {
      i: { registry: reg, name: 'twin', description: 'second' },
    });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(await counts()).toEqual(before);
    expect((await s.ok(GET_MODEL, { r: reg, m: 'twin' })).model.description).toBe('first');
  });

  it('allows the same model name in another registry', async () => {
    const [a, b] = [uniq('cm-a'), uniq('cm-b')];
    await createRegistry(a);
    await createRegistry(b);
    const first = await createModel(a, 'shared');
    const second = await createModel(b, 'shared');
    expect(second.id).not.toBe(first.id);
    expect(second.fullName).toBe(`${b}/shared`);
  });

  it.each([
    ['a leading "-"', '-mnist'],
    ['a space', 'mn ist'],
    ['a slash', 'mn/ist'],
    ['129 characters', 'm'.repeat(129)],
    ['an empty name', ''],
  ])('refuses a name with %s as BAD_USER_INPUT and writes nothing', async (_label, name) => {
    const reg = uniq('cm-bad');
    await createRegistry(reg);
    const before = await counts();
    const r = await s.gql(CREATE_MODEL, { i: { registry: reg, name } });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(await counts()).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown registry and writes nothing', async () => {
    const before = await counts();
    const r = await s.gql(CREATE_MODEL, {
      i: { registry: uniq('ghost'), name: 'mnist' },
    });
    expect(codeOf(r)).toBe('NOT_FOUND');
    expect(await counts()).toEqual(before);
  });
});

describe('updateModel', () => {
  it('changes the description and replaces the tags', async () => {
    const reg = uniq('um');
    await createRegistry(reg);
    const created = await createModel(reg, 'mnist', {
      description: 'old',
      tags: ['a', 'b'],
    });
    await tick();
    const updated = (
      await s.ok(UPDATE_MODEL, {
        i: { registry: reg, model: 'mnist', description: 'new', tags: ['c'] },
      })
    ).updateModel.model;
    expect(updated).toMatchObject({
      id: created.id,
      name: 'mnist',
      description: 'new',
      tags: ['c'],
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
    expect((await s.ok(GET_MODEL, { r: reg, m: 'mnist' })).model).toMatchObject({ description: 'new', tags: ['c'] });
  });

  it('renames a model keeping its id, versions and aliases', async () => {
    const reg = uniq('um-rename');
    await createRegistry(reg);
    const created = await createModel(reg, 'old-name');
    await link(reg, 'old-name');
    const v1 = (await link(reg, 'old-name')).version;
    await s.ok(SET_ALIAS, {
      i: { registry: reg, model: 'old-name', alias: 'staging', version: 'v0' },
    });

    const renamed = (
      await s.ok(UPDATE_MODEL, {
        i: { registry: reg, model: 'old-name', name: 'new-name' },
      })
    ).updateModel.model;
    expect(renamed).toMatchObject({
      id: created.id,
      name: 'new-name',
      fullName: `${reg}/new-name`,
      latestVersion: { name: 'v1' },
    });

    const byId = (await s.ok(NODE, { id: created.id })).node;
    expect(byId).toMatchObject({
      __typename: 'RegisteredModel',
      id: created.id,
      name: 'new-name',
      fullName: `${reg}/new-name`,
    });

    const read = (await s.ok(GET_MODEL, { r: reg, m: 'new-name' })).model;
    expect(read.id).toBe(created.id);
    expect(read.versions.totalCount).toBe(2);
    expect(read.versions.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['v1', 'v0']);
    expect(read.aliases).toEqual([
      { name: 'latest', version: { name: 'v1' } },
      { name: 'staging', version: { name: 'v0' } },
    ]);
    expect((await s.ok(NODE, { id: v1.id })).node).toMatchObject({
      __typename: 'ModelVersion',
      name: 'v1',
    });
    expect(codeOf(await s.gql(GET_MODEL, { r: reg, m: 'old-name' }))).toBe('NOT_FOUND');
  });

  it('refuses a rename onto an existing name with CONFLICT and changes nothing', async () => {
    const reg = uniq('um-clash');
    await createRegistry(reg);
    await createModel(reg, 'alpha', { description: 'a' });
    await createModel(reg, 'bravo', { description: 'b' });
    const rows = await modelRowsOf(reg);
    const before = await counts();
    const r = await s.gql(UPDATE_MODEL, {
      i: {
        registry: reg,
        model: 'alpha',
        name: 'bravo',
        description: 'changed',
      },
    });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(await modelRowsOf(reg)).toEqual(rows);
    expect(await counts()).toEqual(before);
    expect((await s.ok(GET_MODEL, { r: reg, m: 'alpha' })).model.description).toBe('a');
    expect((await s.ok(GET_MODEL, { r: reg, m: 'bravo' })).model.description).toBe('b');
  });

  it('refuses a malformed new name as BAD_USER_INPUT and changes nothing', async () => {
    const reg = uniq('um-bad');
    await createRegistry(reg);
    await createModel(reg, 'alpha');
    const rows = await modelRowsOf(reg);
    const before = await counts();
    const r = await s.gql(UPDATE_MODEL, {
      i: { registry: reg, model: 'alpha', name: 'al pha' },
    });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(await modelRowsOf(reg)).toEqual(rows);
    expect(await counts()).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown model or registry and writes nothing', async () => {
    const reg = uniq('um-missing');
    await createRegistry(reg);
    const before = await counts();
    expect(
      codeOf(
        await s.gql(UPDATE_MODEL, {
          i: { registry: reg, model: 'nobody', description: 'x' },
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(
        await s.gql(UPDATE_MODEL, {
          i: { registry: uniq('ghost'), model: 'nobody', description: 'x' },
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(await counts()).toEqual(before);
  });
});

describe('archiveModel', () => {
  it('hides the model from Registry.models unless includeArchived is set', async () => {
    const reg = uniq('arch');
    await createRegistry(reg);
    await createModel(reg, 'keep');
    await createModel(reg, 'gone');
    const archived = (await s.ok(ARCHIVE_MODEL, { i: { registry: reg, model: 'gone' } })).archiveModel.model;
    expect(archived).toMatchObject({ name: 'gone', archived: true });
    expect(archived.archivedAt).not.toBeNull();

    const byDefault = (await modelsPage(reg)).data.registry.models;
    expect(byDefault.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['keep']);
    expect(byDefault.totalCount).toBe(1);

    const all = (await modelsPage(reg, { filter: { includeArchived: true } })).data.registry.models;
    expect(all.edges.map((e: { node: object }) => e.node)).toEqual([
      { name: 'gone', archived: true },
      { name: 'keep', archived: false },
    ]);
    expect(all.totalCount).toBe(2);
  });

  it('keeps an archived model readable by name, through its registry and by id', async () => {
    const reg = uniq('arch-read');
    await createRegistry(reg);
    const created = await createModel(reg, 'old');
    await s.ok(ARCHIVE_MODEL, { i: { registry: reg, model: 'old' } });
    expect((await s.ok(GET_MODEL, { r: reg, m: 'old' })).model).toMatchObject({
      id: created.id,
      name: 'old',
      archived: true,
    });
    const viaRegistry = await s.ok(`query($r: String!) { registry(name: $r) { model(name: "old") { id archived } } }`, {
      r: reg,
    });
    expect(viaRegistry.registry.model).toEqual({
      id: created.id,
      archived: true,
    });
    expect((await s.ok(NODE, { id: created.id })).node).toMatchObject({
      __typename: 'RegisteredModel',
      name: 'old',
      archived: true,
    });
  });

  it('refuses to link a version to an archived model with CONFLICT and writes nothing', async () => {
    const reg = uniq('arch-link');
    await createRegistry(reg);
    await createModel(reg, 'frozen');
    await s.ok(ARCHIVE_MODEL, { i: { registry: reg, model: 'frozen' } });
    const before = await counts();
    const r = await s.gql(LINK, {
      i: {
        registry: reg,
        model: 'frozen',
        artifact: {
          uri: 's3://models/frozen/0',
          digest: digestOf('frozen'),
          sizeBytes: 1,
        },
      },
    });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(await counts()).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown model and writes nothing', async () => {
    const reg = uniq('arch-missing');
    await createRegistry(reg);
    const before = await counts();
    expect(codeOf(await s.gql(ARCHIVE_MODEL, { i: { registry: reg, model: 'nobody' } }))).toBe('NOT_FOUND');
    expect(await counts()).toEqual(before);
  });
});

describe('Registry.models', () => {
  const names = (r: { data?: any }) => r.data.registry.models.edges.map((e: { node: { name: string } }) => e.node.name);

  describe('filters', () => {
    let reg: string;
    beforeAll(async () => {
      reg = uniq('filter');
      await createRegistry(reg);
      await createModel(reg, 'alpha-classifier', { tags: ['cv', 'prod'] });
      await createModel(reg, 'beta_segmenter', { tags: ['cv'] });
      await createModel(reg, 'betaxsegmenter', { tags: ['cvx'] });
      await createModel(reg, 'gamma-classifier', { tags: ['nlp'] });
    });

    it('keeps models whose name contains the text', async () => {
      const r = await modelsPage(reg, {
        filter: { nameContains: 'classifier' },
      });
      expect(names(r)).toEqual(['alpha-classifier', 'gamma-classifier']);
      expect(r.data.registry.models.totalCount).toBe(2);
    });

    it('matches "_" in nameContains literally, not as a one-character wildcard', async () => {
      expect(names(await modelsPage(reg, { filter: { nameContains: 'a_s' } }))).toEqual(['beta_segmenter']);
      expect(names(await modelsPage(reg, { filter: { nameContains: '_' } }))).toEqual(['beta_segmenter']);
    });

    it('matches "%" in nameContains literally, not as a wildcard', async () => {
      expect(names(await modelsPage(reg, { filter: { nameContains: '%' } }))).toEqual([]);
      expect(names(await modelsPage(reg, { filter: { nameContains: 'beta%segmenter' } }))).toEqual([]);
    });

    it('keeps models carrying exactly the given tag', async () => {
      const r = await modelsPage(reg, { filter: { tag: 'cv' } });
      expect(names(r)).toEqual(['alpha-classifier', 'beta_segmenter']);
      expect(r.data.registry.models.totalCount).toBe(2);
      expect(names(await modelsPage(reg, { filter: { tag: 'c' } }))).toEqual([]);
    });

    it('combines the name and tag filters', async () => {
      expect(
        names(
          await modelsPage(reg, {
            filter: { nameContains: 'classifier', tag: 'cv' },
          }),
        ),
      ).toEqual(['alpha-classifier']);
    });
  });

  describe('order and pages', () => {
    // Created in this order, a few milliseconds apart, so creation order differs from name order.
    const created = ['delta', 'alpha', 'echo', 'bravo', 'foxtrot', 'charlie', 'golf'];
    const byName = [...created].sort();
    let reg: string;
    beforeAll(async () => {
      reg = uniq('order');
      await createRegistry(reg);
      for (const name of created) {
        await createModel(reg, name);
        await tick();
      }
    });

    it.each([
      ['NAME', 'ASC', () => byName],
      ['NAME', 'DESC', () => [...byName].reverse()],
      ['CREATED_AT', 'ASC', () => created],
      ['CREATED_AT', 'DESC', () => [...created].reverse()],
    ])('orders by %s %s', async (field, direction, expected) => {
      const r = await modelsPage(reg, { orderBy: { field, direction } });
      expect(names(r)).toEqual(expected());
    });

    it('orders by NAME ascending by default', async () => {
      expect(names(await modelsPage(reg))).toEqual(byName);
    });

    it.each([
      ['NAME', 'ASC', () => byName],
      ['NAME', 'DESC', () => [...byName].reverse()],
      ['CREATED_AT', 'ASC', () => created],
      ['CREATED_AT', 'DESC', () => [...created].reverse()],
      ['UPDATED_AT', 'ASC', () => created],
      ['UPDATED_AT', 'DESC', () => [...created].reverse()],
    ])('visits each model exactly once, in order, walking pages of 2 by %s %s', async (field, direction, expected) => {
      const walked = await walkModels(reg, { orderBy: { field, direction } }, 2);
      expect(walked).toEqual(expected());
    });

    it('reports totalCount across pages and hasNextPage only before the last page', async () => {
      const first = (await modelsPage(reg, { first: 3 })).data.registry.models;
      expect(first.totalCount).toBe(created.length);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const last = (await modelsPage(reg, { first: 100 })).data.registry.models;
      expect(last.edges).toHaveLength(created.length);
      expect(last.pageInfo.hasNextPage).toBe(false);
    });

    it("gives the whole Relay PageInfo: startCursor is the first edge's cursor, hasPreviousPage false (forward only)", async () => {
      const q = `query($r: String!, $after: String) { registry(name: $r) { models(first: 2, after: $after) { edges { cursor } pageInfo { startCursor endCursor hasPreviousPage hasNextPage } } } }`;
      const page = (await s.ok(q, { r: reg })).registry.models;
      expect(page.pageInfo).toEqual({
        startCursor: page.edges[0].cursor,
        endCursor: page.edges[1].cursor,
        hasPreviousPage: false,
        hasNextPage: true,
      });
      const next = (await s.ok(q, { r: reg, after: page.pageInfo.endCursor })).registry.models;
      expect(next.pageInfo.startCursor).toBe(next.edges[0].cursor);
      expect(next.pageInfo.hasPreviousPage).toBe(false);
    });

    it('refuses first: 101 as BAD_USER_INPUT', async () => {
      expect(codeOf(await modelsPage(reg, { first: 101 }))).toBe('BAD_USER_INPUT');
    });

    it('accepts first: 100', async () => {
      expect(names(await modelsPage(reg, { first: 100 }))).toEqual(byName);
    });

    it.each([
      ['garbage', 'not-a-cursor'],
      ['base64 of something that is not JSON', b64url('hello')],
      ['a cursor with the wrong value types', b64url(JSON.stringify({ o: 'model:name:ASC', v: [42] }))],
      ['a cursor for another list', b64url(JSON.stringify({ o: 'registry:name', v: ['alpha'] }))],
    ])('refuses a forged cursor (%s) as BAD_USER_INPUT', async (_label, after) => {
      expect(codeOf(await modelsPage(reg, { first: 2, after }))).toBe('BAD_USER_INPUT');
    });

    it('refuses a cursor made for NAME order when used with CREATED_AT order', async () => {
      const page = (
        await modelsPage(reg, {
          first: 2,
          orderBy: { field: 'NAME', direction: 'ASC' },
        })
      ).data.registry.models;
      const r = await modelsPage(reg, {
        first: 2,
        after: page.pageInfo.endCursor,
        orderBy: { field: 'CREATED_AT', direction: 'ASC' },
      });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
    });

    it('refuses a cursor made for ascending order when used descending', async () => {
      const page = (
        await modelsPage(reg, {
          first: 2,
          orderBy: { field: 'NAME', direction: 'ASC' },
        })
      ).data.registry.models;
      const r = await modelsPage(reg, {
        first: 2,
        after: page.pageInfo.endCursor,
        orderBy: { field: 'NAME', direction: 'DESC' },
      });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
    });
  });

  describe('UPDATED_AT', () => {
    it('puts a model first in UPDATED_AT DESC once a version is linked to it', async () => {
      const reg = uniq('updated');
      await createRegistry(reg);
      for (const name of ['one', 'two', 'three']) {
        await createModel(reg, name);
        await tick();
      }
      const desc = { orderBy: { field: 'UPDATED_AT', direction: 'DESC' } };
      expect(names(await modelsPage(reg, desc))).toEqual(['three', 'two', 'one']);

      const before = (await s.ok(GET_MODEL, { r: reg, m: 'one' })).model.updatedAt;
      await tick();
      const linked = await link(reg, 'one');
      expect(Date.parse(linked.model.updatedAt)).toBeGreaterThan(Date.parse(before));
      expect((await s.ok(GET_MODEL, { r: reg, m: 'one' })).model.updatedAt).toBe(linked.model.updatedAt);
      expect(names(await modelsPage(reg, desc))).toEqual(['one', 'three', 'two']);
      expect(await walkModels(reg, desc, 2)).toEqual(['one', 'three', 'two']);
    });

    it('puts a model first in UPDATED_AT DESC once it is edited', async () => {
      const reg = uniq('edited');
      await createRegistry(reg);
      for (const name of ['one', 'two', 'three']) {
        await createModel(reg, name);
        await tick();
      }
      await s.ok(UPDATE_MODEL, {
        i: { registry: reg, model: 'two', description: 'edited' },
      });
      expect(
        names(
          await modelsPage(reg, {
            orderBy: { field: 'UPDATED_AT', direction: 'DESC' },
          }),
        ),
      ).toEqual(['two', 'three', 'one']);
    });
  });

  it('answers NOT_FOUND for the models of an unknown registry', async () => {
    expect(codeOf(await modelsPage(uniq('ghost')))).toBe('NOT_FOUND');
  });
});

describe('node(id)', () => {
  let reg: string;
  let registry: { id: string };
  let model: { id: string };
  let version: { id: string };
  beforeAll(async () => {
    reg = uniq('node');
    registry = await createRegistry(reg);
    model = await createModel(reg, 'mnist');
    version = (await link(reg, 'mnist')).version;
  });

  it('returns a Registry by its global id', async () => {
    expect((await s.ok(NODE, { id: registry.id })).node).toEqual({
      __typename: 'Registry',
      id: registry.id,
      name: reg,
    });
  });

  it('returns a RegisteredModel by its global id', async () => {
    expect((await s.ok(NODE, { id: model.id })).node).toEqual({
      __typename: 'RegisteredModel',
      id: model.id,
      name: 'mnist',
      archived: false,
      fullName: `${reg}/mnist`,
    });
  });

  it('returns a ModelVersion by its global id', async () => {
    expect((await s.ok(NODE, { id: version.id })).node).toEqual({
      __typename: 'ModelVersion',
      id: version.id,
      name: 'v0',
      number: 0,
    });
  });

  it('gives the three kinds distinct ids', async () => {
    expect(new Set([registry.id, model.id, version.id]).size).toBe(3);
  });

  it.each([
    ['"abc"', () => 'abc'],
    ['base64 of "Registry:not-a-uuid"', () => b64('Registry:not-a-uuid')],
    ['base64 of "Nope:<uuid>"', () => b64(`Nope:${randomUUID()}`)],
    ['an empty id', () => ''],
  ])('refuses a forged id (%s) as BAD_USER_INPUT', async (_label, id) => {
    const r = await s.gql(NODE, { id: id() });
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
  });

  it.each([['Registry'], ['RegisteredModel'], ['ModelVersion']])(
    'answers NOT_FOUND for a well-formed %s id of nothing',
    async (type) => {
      const r = await s.gql(NODE, { id: b64url(`${type}:${randomUUID()}`) });
      expect(codeOf(r)).toBe('NOT_FOUND');
    },
  );
});

describe('RegisteredModel fields', () => {
  it('shows its registry, fullName "reg/model", no latestVersion before any link, and createdBy local-admin', async () => {
    const reg = uniq('fields');
    await createRegistry(reg);
    await createModel(reg, 'bert');
    const model = (await s.ok(GET_MODEL, { r: reg, m: 'bert' })).model;
    expect(model).toMatchObject({
      registry: { name: reg },
      fullName: `${reg}/bert`,
      latestVersion: null,
      createdBy: { id: 'local-admin' },
    });
  });

  it('shows the newest version as latestVersion once versions are linked', async () => {
    const reg = uniq('fields-latest');
    await createRegistry(reg);
    await link(reg, 'bert');
    await link(reg, 'bert');
    expect((await s.ok(GET_MODEL, { r: reg, m: 'bert' })).model.latestVersion).toEqual({ name: 'v1' });
  });

  it('shows createdBy local-admin on registries too', async () => {
    const reg = uniq('fields-reg');
    await createRegistry(reg);
    expect((await s.ok(GET_REGISTRY, { name: reg })).registry.createdBy).toEqual({ id: 'local-admin' });
  });
});

describe('audit', () => {
  it('writes exactly one audit event per change, with its action, target and actor local-admin', async () => {
    const reg = uniq('audit');
    const created = await auditOf(() => createRegistry(reg));
    // Creating a registry also makes its creator its ADMIN: two changes, two events.
    expect(created.rows).toEqual([
      expect.objectContaining({
        action: 'registry.created',
        actor: 'local-admin',
        targetType: 'Registry',
        targetId: rawId(created.result.id),
      }),
      expect.objectContaining({
        action: 'role.granted',
        actor: 'local-admin',
        targetType: 'RoleBinding',
        after: { subject: 'local-admin', role: 'ADMIN' },
      }),
    ]);
    expect(created.rows[0].after).toEqual({
      name: reg,
      description: null,
      visibility: 'RESTRICTED',
      protectedAliases: ['production'],
      requiredApprovals: 1,
    });

    const updated = await auditOf(() => s.ok(UPDATE_REGISTRY, { i: { registry: reg, description: 'd' } }));
    expect(updated.rows).toEqual([
      expect.objectContaining({
        action: 'registry.updated',
        actor: 'local-admin',
        targetId: rawId(created.result.id),
      }),
    ]);

    const model = await auditOf(() => createModel(reg, 'audited', { tags: ['t'] }));
    expect(model.rows).toEqual([
      expect.objectContaining({
        action: 'model.created',
        actor: 'local-admin',
        targetType: 'RegisteredModel',
        targetId: rawId(model.result.id),
      }),
    ]);
    expect(model.rows[0].after).toMatchObject({
      name: 'audited',
      tags: ['t'],
      archived: false,
    });

    const renamed = await auditOf(() =>
      s.ok(UPDATE_MODEL, {
        i: { registry: reg, model: 'audited', name: 'renamed' },
      }),
    );
    expect(renamed.rows).toEqual([
      expect.objectContaining({
        action: 'model.updated',
        actor: 'local-admin',
        targetId: rawId(model.result.id),
      }),
    ]);
    expect(renamed.rows[0].before).toMatchObject({ name: 'audited' });
    expect(renamed.rows[0].after).toMatchObject({ name: 'renamed' });

    const archived = await auditOf(() => s.ok(ARCHIVE_MODEL, { i: { registry: reg, model: 'renamed' } }));
    expect(archived.rows).toEqual([
      expect.objectContaining({
        action: 'model.archived',
        actor: 'local-admin',
        targetId: rawId(model.result.id),
      }),
    ]);
    expect(archived.rows[0].before).toMatchObject({ archived: false });
    expect(archived.rows[0].after).toMatchObject({ archived: true });
  });

  it('writes no audit event for a rejected mutation', async () => {
    const reg = uniq('audit-rejected');
    await createRegistry(reg);
    await createModel(reg, 'a');
    await createModel(reg, 'b');
    const rejected: [string, Vars, string][] = [
      [CREATE_REGISTRY, { i: { name: reg } }, 'CONFLICT'],
      [CREATE_REGISTRY, { i: { name: 'Bad Name' } }, 'BAD_USER_INPUT'],
      [UPDATE_REGISTRY, { i: { registry: reg, protectedAliases: ['latest'] } }, 'BAD_USER_INPUT'],
      [UPDATE_REGISTRY, { i: { registry: uniq('ghost'), description: 'x' } }, 'NOT_FOUND'],
      [CREATE_MODEL, { i: { registry: reg, name: 'a' } }, 'CONFLICT'],
      [CREATE_MODEL, { i: { registry: reg, name: '.bad' } }, 'BAD_USER_INPUT'],
      [CREATE_MODEL, { i: { registry: uniq('ghost'), name: 'a' } }, 'NOT_FOUND'],
      [UPDATE_MODEL, { i: { registry: reg, model: 'a', name: 'b' } }, 'CONFLICT'],
      [UPDATE_MODEL, { i: { registry: reg, model: 'zzz', description: 'x' } }, 'NOT_FOUND'],
      [ARCHIVE_MODEL, { i: { registry: reg, model: 'zzz' } }, 'NOT_FOUND'],
    ];
    for (const [query, variables, code] of rejected) {
      const { result, rows } = await auditOf(() => s.gql(query, variables));
      expect({ variables, code: codeOf(result) }).toEqual({ variables, code });
      expect({ variables, rows }).toEqual({ variables, rows: [] });
    }
  });
});
