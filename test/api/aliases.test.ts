import { codeOf, digestOf, GraphQLResult, startTestServer, TestServer } from '../support/server';

/**
 * Aliases end to end over GraphQL: setting, moving and removing them, their history (one
 * AliasEvent per change), compare-and-swap, the server-maintained `latest`, reserved and
 * malformed names, archiving, aliases applied by linkModelVersion, and protected aliases.
 */

let s: TestServer;
beforeAll(async () => (s = await startTestServer()));
afterAll(() => s.stop());

const ACTOR = 'local-admin';

const SET = `mutation($i: SetAliasInput!) {
  setAlias(input: $i) { alias { name protected version { name } } previousVersion { name } changed }
}`;
const REMOVE = `mutation($i: RemoveAliasInput!) { removeAlias(input: $i) { alias previousVersion { name } } }`;
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { name number aliases } } }`;
const ARCHIVE = `mutation($i: ArchiveModelVersionInput!) { archiveModelVersion(input: $i) { version { name archived aliases } } }`;
const HISTORY = `query($r: String!, $m: String!, $alias: String, $first: Int, $after: String) {
  model(registry: $r, name: $m) {
    aliasHistory(alias: $alias, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { alias fromVersion { name } toVersion { name } actor { id } reason at } }
    }
  }
}`;
const STATE = `query($r: String!, $m: String!) {
  model(registry: $r, name: $m) {
    aliases { name protected version { name } }
    latestVersion { name number }
    versions(filter: { includeArchived: true }, orderBy: { field: NUMBER, direction: ASC }, first: 100) { edges { node { name archived aliases } } }
  }
}`;

interface Target {
  registry: string;
  model: string;
}

interface HistoryEvent {
  alias: string;
  fromVersion: { name: string } | null;
  toVersion: { name: string } | null;
  actor: { id: string };
  reason: string | null;
  at: string;
}

let seq = 0;
/** A fresh registry per test keeps tests independent. */
const uniqueRegistry = (label: string) => `al-${label}-${++seq}`;

async function link(t: Target, aliases?: string[]) {
  const n = ++seq;
  const data = await s.ok(LINK, {
    i: {
      ...t,
      artifact: {
        uri: `s3://models/${t.model}/${n}`,
        digest: digestOf(`${t.registry}/${n}`),
        sizeBytes: 100 + n,
      },
      aliases,
    },
  });
  return data.linkModelVersion.version as {
    name: string;
    number: number;
    aliases: string[];
  };
}

/** A registry with one model holding `versions` linked versions (v0 … v{n-1}). */
async function modelWithVersions(label: string, versions: number): Promise<Target> {
  const t = { registry: uniqueRegistry(label), model: 'classifier' };
  await s.ok(`mutation($n: String!) { createRegistry(input: { name: $n }) { registry { id } } }`, { n: t.registry });
  for (let i = 0; i < versions; i++) await link(t);
  return t;
}

const setAlias = (t: Target, alias: string, version: string, extra: Record<string, unknown> = {}) =>
  s.gql(SET, { i: { ...t, alias, version, ...extra } });
const removeAlias = (t: Target, alias: string, extra: Record<string, unknown> = {}) =>
  s.gql(REMOVE, { i: { ...t, alias, ...extra } });
const archive = (t: Target, version: string) => s.gql(ARCHIVE, { i: { ...t, version } });

function expectOk(r: GraphQLResult) {
  expect(r.errors).toBeUndefined();
  return r.data;
}

async function history(t: Target, opts: { alias?: string; first?: number; after?: string } = {}) {
  const data = await s.ok(HISTORY, { r: t.registry, m: t.model, ...opts });
  return data.model.aliasHistory as {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: HistoryEvent }[];
  };
}

/** from → to of each event, newest first, e.g. `staging: v0 -> v1`. */
async function moves(t: Target, alias?: string) {
  const h = await history(t, { alias, first: 100 });
  return h.edges.map(({ node: e }) => `${e.alias}: ${e.fromVersion?.name ?? '-'} -> ${e.toVersion?.name ?? '-'}`);
}

async function state(t: Target) {
  const data = await s.ok(STATE, { r: t.registry, m: t.model });
  const m = data.model;
  return {
    aliases: Object.fromEntries(
      m.aliases.map((a: { name: string; version: { name: string } }) => [a.name, a.version.name]),
    ) as Record<string, string>,
    protectedAliases: m.aliases
      .filter((a: { protected: boolean }) => a.protected)
      .map((a: { name: string }) => a.name) as string[],
    latest: m.latestVersion as { name: string; number: number } | null,
    versions: Object.fromEntries(
      m.versions.edges.map((e: { node: { name: string; archived: boolean; aliases: string[] } }) => [
        e.node.name,
        { archived: e.node.archived, aliases: e.node.aliases },
      ]),
    ) as Record<string, { archived: boolean; aliases: string[] }>,
  };
}

async function resolve(t: Target, ref: string) {
  return s.gql(
    `query($r: String!, $m: String!, $ref: String!) { model(registry: $r, name: $m) { version(ref: $ref) { name } } }`,
    { r: t.registry, m: t.model, ref },
  );
}

/** Row counts and alias rows of one registry, read straight from the database. */
async function snapshot(registry: string) {
  const count = async (sql: string) => Number((await s.db.ds.query(sql, [registry]))[0].n);
  const byModel =
    'JOIN registered_model m ON m.id = x.model_id JOIN registry r ON r.id = m.registry_id WHERE r.name = ?';
  const aliasRows: { name: string; number: number; updated_at: unknown }[] = await s.db.ds.query(
    `SELECT x.name, v.number, x.updated_at FROM model_alias x JOIN model_version v ON v.id = x.version_id ${byModel} ORDER BY x.name`,
    [registry],
  );
  return {
    aliasEvents: await count(`SELECT COUNT(*) AS n FROM alias_event x ${byModel}`),
    auditEvents: await count(
      'SELECT COUNT(*) AS n FROM audit_event x JOIN registry r ON r.id = x.registry_id WHERE r.name = ?',
    ),
    versions: await count(`SELECT COUNT(*) AS n FROM model_version x ${byModel}`),
    archivedVersions: await count(`SELECT COUNT(*) AS n FROM model_version x ${byModel} AND x.archived_at IS NOT NULL`),
    aliases: aliasRows.map((a) => ({
      name: a.name,
      version: `v${Number(a.number)}`,
      updatedAt: a.updated_at instanceof Date ? a.updated_at.toISOString() : String(a.updated_at),
    })),
  };
}

const aliasEventCount = async (registry: string) => (await snapshot(registry)).aliasEvents;

describe('setAlias', () => {
  it('sets a new alias and returns it with previousVersion null and changed true', async () => {
    const t = await modelWithVersions('set', 2);
    const data = expectOk(await setAlias(t, 'staging', 'v0'));
    expect(data.setAlias).toEqual({
      alias: { name: 'staging', protected: false, version: { name: 'v0' } },
      previousVersion: null,
      changed: true,
    });
    expect((await resolve(t, 'staging')).data.model.version).toEqual({
      name: 'v0',
    });
  });

  it('moves an existing alias: previousVersion is the old version and exactly one version holds the alias', async () => {
    const t = await modelWithVersions('move', 2);
    expectOk(await setAlias(t, 'staging', 'v0'));
    const data = expectOk(await setAlias(t, 'staging', 'v1'));
    expect(data.setAlias).toEqual({
      alias: { name: 'staging', protected: false, version: { name: 'v1' } },
      previousVersion: { name: 'v0' },
      changed: true,
    });

    expect((await resolve(t, 'staging')).data.model.version).toEqual({
      name: 'v1',
    });
    const st = await state(t);
    expect(st.versions.v0.aliases).toEqual([]);
    expect(st.versions.v1.aliases).toEqual(['latest', 'staging']);
    expect(st.aliases).toEqual({ latest: 'v1', staging: 'v1' });
    expect((await snapshot(t.registry)).aliases.filter((a) => a.name === 'staging')).toHaveLength(1);
  });

  it('accepts another alias as the target version (promotes staging to production)', async () => {
    const t = await modelWithVersions('promote', 3);
    expectOk(await setAlias(t, 'staging', 'v1'));
    const data = expectOk(await setAlias(t, 'production', 'staging', { reason: 'passed canary' }));
    expect(data.setAlias).toEqual({
      alias: { name: 'production', protected: true, version: { name: 'v1' } },
      previousVersion: null,
      changed: true,
    });
    expect((await state(t)).aliases).toEqual({
      latest: 'v2',
      production: 'v1',
      staging: 'v1',
    });
    const [event] = (await history(t, { alias: 'production' })).edges.map((e) => e.node);
    expect(event).toMatchObject({
      alias: 'production',
      fromVersion: null,
      toVersion: { name: 'v1' },
      reason: 'passed canary',
    });
  });

  it('returns changed false and writes nothing when the alias already points at the version', async () => {
    const t = await modelWithVersions('noop', 2);
    expectOk(await setAlias(t, 'staging', 'v0'));
    const before = await snapshot(t.registry);
    const data = expectOk(await setAlias(t, 'staging', 'v0', { reason: 'again' }));
    expect(data.setAlias).toEqual({
      alias: { name: 'staging', protected: false, version: { name: 'v0' } },
      previousVersion: { name: 'v0' },
      changed: false,
    });
    expect(await snapshot(t.registry)).toEqual(before);
  });
});

describe('alias history: exactly one AliasEvent per set, move and removal', () => {
  it('records a set, a move and a removal as one event each, with from, to, actor, reason and time', async () => {
    const t = await modelWithVersions('history', 2);
    const steps: {
      run: () => Promise<GraphQLResult>;
      from: string | null;
      to: string | null;
      reason: string;
    }[] = [
      {
        run: () => setAlias(t, 'staging', 'v0', { reason: 'first candidate' }),
        from: null,
        to: 'v0',
        reason: 'first candidate',
      },
      {
        run: () => setAlias(t, 'staging', 'v1', { reason: 'better recall' }),
        from: 'v0',
        to: 'v1',
        reason: 'better recall',
      },
      {
        run: () => removeAlias(t, 'staging', { reason: 'retired' }),
        from: 'v1',
        to: null,
        reason: 'retired',
      },
    ];
    for (const step of steps) {
      const rowsBefore = await aliasEventCount(t.registry);
      const startedAt = Date.now();
      expectOk(await step.run());
      const finishedAt = Date.now();
      expect(await aliasEventCount(t.registry)).toBe(rowsBefore + 1);

      const [newest] = (await history(t, { alias: 'staging', first: 1 })).edges.map((e) => e.node);
      expect(newest).toEqual({
        alias: 'staging',
        fromVersion: step.from ? { name: step.from } : null,
        toVersion: step.to ? { name: step.to } : null,
        actor: { id: ACTOR },
        reason: step.reason,
        at: expect.any(String),
      });
      const at = Date.parse(newest.at);
      expect(at).toBeGreaterThanOrEqual(startedAt);
      expect(at).toBeLessThanOrEqual(finishedAt);
    }

    expect(await moves(t, 'staging')).toEqual(['staging: v1 -> -', 'staging: v0 -> v1', 'staging: - -> v0']);
    // Without the alias filter the history also holds `latest`, moved by the two links.
    expect(await moves(t)).toEqual([
      'staging: v1 -> -',
      'staging: v0 -> v1',
      'staging: - -> v0',
      'latest: v0 -> v1',
      'latest: - -> v0',
    ]);
    expect((await history(t, { alias: 'staging' })).totalCount).toBe(3);
    expect((await history(t)).totalCount).toBe(5);
  });

  it('writes no event for a set that changes nothing', async () => {
    const t = await modelWithVersions('history-noop', 2);
    expectOk(await setAlias(t, 'staging', 'v1'));
    const rows = await aliasEventCount(t.registry);
    expect(expectOk(await setAlias(t, 'staging', 'v1')).setAlias.changed).toBe(false);
    expect(await aliasEventCount(t.registry)).toBe(rows);
    expect(await moves(t, 'staging')).toEqual(['staging: - -> v1']);
  });
});

describe('expectedVersion compare-and-swap', () => {
  it('moves the alias when expectedVersion names the version it points at', async () => {
    const t = await modelWithVersions('cas-ok', 3);
    expectOk(await setAlias(t, 'staging', 'v0'));
    const data = expectOk(await setAlias(t, 'staging', 'v2', { expectedVersion: 'v0' }));
    expect(data.setAlias).toMatchObject({
      alias: { version: { name: 'v2' } },
      previousVersion: { name: 'v0' },
      changed: true,
    });
    expect(await moves(t, 'staging')).toEqual(['staging: v0 -> v2', 'staging: - -> v0']);
  });

  it('refuses a stale expectedVersion with CONFLICT and changes nothing', async () => {
    const t = await modelWithVersions('cas-stale', 3);
    expectOk(await setAlias(t, 'staging', 'v0'));
    expectOk(await setAlias(t, 'staging', 'v1'));
    const before = await snapshot(t.registry);

    const r = await setAlias(t, 'staging', 'v2', { expectedVersion: 'v0' });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.data?.setAlias ?? null).toBeNull();

    expect(await snapshot(t.registry)).toEqual(before);
    expect((await resolve(t, 'staging')).data.model.version).toEqual({
      name: 'v1',
    });
    expect(await moves(t, 'staging')).toEqual(['staging: v0 -> v1', 'staging: - -> v0']);
  });

  it('refuses expectedVersion for an alias that points nowhere yet with CONFLICT', async () => {
    const t = await modelWithVersions('cas-new', 2);
    const before = await snapshot(t.registry);
    expect(codeOf(await setAlias(t, 'staging', 'v1', { expectedVersion: 'v0' }))).toBe('CONFLICT');
    expect(await snapshot(t.registry)).toEqual(before);
  });

  it('removes the alias when removeAlias names the version it points at', async () => {
    const t = await modelWithVersions('cas-remove-ok', 2);
    expectOk(await setAlias(t, 'staging', 'v1'));
    const data = expectOk(await removeAlias(t, 'staging', { expectedVersion: 'v1' }));
    expect(data.removeAlias).toEqual({
      alias: 'staging',
      previousVersion: { name: 'v1' },
    });
    expect(codeOf(await resolve(t, 'staging'))).toBe('NOT_FOUND');
  });

  it('refuses removeAlias with a stale expectedVersion with CONFLICT and changes nothing', async () => {
    const t = await modelWithVersions('cas-remove', 2);
    expectOk(await setAlias(t, 'staging', 'v0'));
    expectOk(await setAlias(t, 'staging', 'v1'));
    const before = await snapshot(t.registry);

    const r = await removeAlias(t, 'staging', { expectedVersion: 'v0' });
    expect(codeOf(r)).toBe('CONFLICT');
    expect(r.data?.removeAlias ?? null).toBeNull();

    expect(await snapshot(t.registry)).toEqual(before);
    expect((await resolve(t, 'staging')).data.model.version).toEqual({
      name: 'v1',
    });
  });
});

describe('latest', () => {
  it('refuses setAlias on latest with BAD_USER_INPUT and writes nothing', async () => {
    const t = await modelWithVersions('latest-set', 2);
    const before = await snapshot(t.registry);
    expect(codeOf(await setAlias(t, 'latest', 'v0'))).toBe('BAD_USER_INPUT');
    expect(await snapshot(t.registry)).toEqual(before);
    expect((await resolve(t, 'latest')).data.model.version).toEqual({
      name: 'v1',
    });
  });

  it('refuses removeAlias on latest with BAD_USER_INPUT and writes nothing', async () => {
    const t = await modelWithVersions('latest-remove', 2);
    const before = await snapshot(t.registry);
    expect(codeOf(await removeAlias(t, 'latest'))).toBe('BAD_USER_INPUT');
    expect(await snapshot(t.registry)).toEqual(before);
    expect((await resolve(t, 'latest')).data.model.version).toEqual({
      name: 'v1',
    });
  });

  it('always points at the highest version not archived, and numbers are never reused', async () => {
    const t = await modelWithVersions('latest-moves', 3);
    expect((await resolve(t, 'latest')).data.model.version).toEqual({
      name: 'v2',
    });
    expect((await state(t)).latest).toEqual({ name: 'v2', number: 2 });

    expect(expectOk(await archive(t, 'v2')).archiveModelVersion.version).toEqual({
      name: 'v2',
      archived: true,
      aliases: [],
    });
    expect((await resolve(t, 'latest')).data.model.version).toEqual({
      name: 'v1',
    });
    let st = await state(t);
    expect(st.latest).toEqual({ name: 'v1', number: 1 });
    expect(st.versions.v1.aliases).toEqual(['latest']);

    const v3 = await link(t);
    expect(v3).toEqual({ name: 'v3', number: 3, aliases: ['latest'] });
    expect((await resolve(t, 'latest')).data.model.version).toEqual({
      name: 'v3',
    });
    st = await state(t);
    expect(st.latest).toEqual({ name: 'v3', number: 3 });
    expect(st.aliases).toEqual({ latest: 'v3' });
    expect(st.versions).toEqual({
      v0: { archived: false, aliases: [] },
      v1: { archived: false, aliases: [] },
      v2: { archived: true, aliases: [] },
      v3: { archived: false, aliases: ['latest'] },
    });
    expect(await moves(t, 'latest')).toEqual([
      'latest: v1 -> v3',
      'latest: v2 -> v1',
      'latest: v1 -> v2',
      'latest: v0 -> v1',
      'latest: - -> v0',
    ]);
  });
});

describe('alias names', () => {
  it.each(['Latest', 'LATEST'])('refuses "%s", which reads as the server-maintained latest', async (name) => {
    const t = await modelWithVersions('latest-case', 2);
    const before = await snapshot(t.registry);
    expect(codeOf(await setAlias(t, name, 'v0'))).toBe('BAD_USER_INPUT');
    expect(await snapshot(t.registry)).toEqual(before);
  });

  it.each(['v1', 'v12', 'V3'])(
    'refuses the reserved version name "%s" with BAD_USER_INPUT and writes nothing',
    async (name) => {
      const t = await modelWithVersions('reserved', 2);
      const before = await snapshot(t.registry);
      expect(codeOf(await setAlias(t, name, 'v0'))).toBe('BAD_USER_INPUT');
      expect(codeOf(await removeAlias(t, name))).toBe('BAD_USER_INPUT');
      expect(await snapshot(t.registry)).toEqual(before);
    },
  );

  it.each([
    ['the empty name', ''],
    ['a name starting with "-"', '-x'],
    ['a name with a space', 'has space'],
    ['a 65-character name', 'a'.repeat(65)],
    ['a name with "/"', 'a/b'],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_label, name) => {
    const t = await modelWithVersions('malformed', 2);
    const before = await snapshot(t.registry);
    expect(codeOf(await setAlias(t, name, 'v0'))).toBe('BAD_USER_INPUT');
    expect(codeOf(await removeAlias(t, name))).toBe('BAD_USER_INPUT');
    expect(await snapshot(t.registry)).toEqual(before);
  });

  it('accepts a 64-character name', async () => {
    const t = await modelWithVersions('long', 1);
    const name = `a${'b'.repeat(62)}c`;
    expect(expectOk(await setAlias(t, name, 'v0')).setAlias.alias.name).toBe(name);
    expect((await resolve(t, name)).data.model.version).toEqual({ name: 'v0' });
  });

  it.each(['latest', 'v3', 'has space'])(
    'refuses a link whose aliases include "%s" with BAD_USER_INPUT and links nothing',
    async (name) => {
      const t = await modelWithVersions('link-bad-alias', 1);
      const before = await snapshot(t.registry);
      const r = await s.gql(LINK, {
        i: {
          ...t,
          artifact: {
            uri: 's3://models/x',
            digest: digestOf('x'),
            sizeBytes: 1,
          },
          aliases: ['staging', name],
        },
      });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(await snapshot(t.registry)).toEqual(before);
    },
  );
});

describe('removeAlias', () => {
  it('removes the alias: resolving it is NOT_FOUND and the history records from the version to nothing', async () => {
    const t = await modelWithVersions('remove', 2);
    expectOk(await setAlias(t, 'staging', 'v0'));
    const data = expectOk(await removeAlias(t, 'staging', { reason: 'rolled back' }));
    expect(data.removeAlias).toEqual({
      alias: 'staging',
      previousVersion: { name: 'v0' },
    });

    expect(codeOf(await resolve(t, 'staging'))).toBe('NOT_FOUND');
    const st = await state(t);
    expect(st.aliases).toEqual({ latest: 'v1' });
    expect(st.versions.v0.aliases).toEqual([]);
    const [event] = (await history(t, { alias: 'staging' })).edges.map((e) => e.node);
    expect(event).toMatchObject({
      alias: 'staging',
      fromVersion: { name: 'v0' },
      toVersion: null,
      actor: { id: ACTOR },
      reason: 'rolled back',
    });
  });

  it('refuses an alias the model does not have with NOT_FOUND and writes nothing', async () => {
    const t = await modelWithVersions('remove-unknown', 1);
    const before = await snapshot(t.registry);
    expect(codeOf(await removeAlias(t, 'staging'))).toBe('NOT_FOUND');
    expect(await snapshot(t.registry)).toEqual(before);
  });
});

describe('unknown targets', () => {
  it('refuses setAlias to a version that does not exist with NOT_FOUND and writes nothing', async () => {
    const t = await modelWithVersions('no-version', 2);
    const before = await snapshot(t.registry);
    expect(codeOf(await setAlias(t, 'staging', 'v9'))).toBe('NOT_FOUND');
    expect(codeOf(await setAlias(t, 'staging', 'no-such-alias'))).toBe('NOT_FOUND');
    expect(await snapshot(t.registry)).toEqual(before);
  });

  it('refuses setAlias and removeAlias on an unknown model with NOT_FOUND', async () => {
    const t = await modelWithVersions('no-model', 1);
    const other = { registry: t.registry, model: 'no-such-model' };
    const before = await snapshot(t.registry);
    expect(codeOf(await setAlias(other, 'staging', 'v0'))).toBe('NOT_FOUND');
    expect(codeOf(await removeAlias(other, 'staging'))).toBe('NOT_FOUND');
    expect(await snapshot(t.registry)).toEqual(before);
  });

  it('refuses setAlias and removeAlias in an unknown registry with NOT_FOUND', async () => {
    const other = { registry: 'no-such-registry', model: 'classifier' };
    expect(codeOf(await setAlias(other, 'staging', 'v0'))).toBe('NOT_FOUND');
    expect(codeOf(await removeAlias(other, 'staging'))).toBe('NOT_FOUND');
  });
});

describe('archived versions and aliases', () => {
  it('refuses to point an alias at an archived version with CONFLICT and writes nothing', async () => {
    const t = await modelWithVersions('to-archived', 2);
    expectOk(await archive(t, 'v0'));
    const before = await snapshot(t.registry);
    expect(codeOf(await setAlias(t, 'staging', 'v0'))).toBe('CONFLICT');
    expect(await snapshot(t.registry)).toEqual(before);
    expect(codeOf(await resolve(t, 'staging'))).toBe('NOT_FOUND');
  });

  it('refuses to archive a version that holds an alias other than latest with CONFLICT until the alias moves', async () => {
    const t = await modelWithVersions('hold', 2);
    expectOk(await setAlias(t, 'staging', 'v0'));
    const before = await snapshot(t.registry);

    expect(codeOf(await archive(t, 'v0'))).toBe('CONFLICT');
    expect(await snapshot(t.registry)).toEqual(before);
    expect((await state(t)).versions.v0).toEqual({
      archived: false,
      aliases: ['staging'],
    });

    expectOk(await setAlias(t, 'staging', 'v1'));
    expect(expectOk(await archive(t, 'v0')).archiveModelVersion.version).toEqual({
      name: 'v0',
      archived: true,
      aliases: [],
    });
    expect((await state(t)).aliases).toEqual({ latest: 'v1', staging: 'v1' });
  });
});

describe('linkModelVersion with aliases', () => {
  it('sets the aliases on the new version in the same link, each recorded in the history', async () => {
    const registry = uniqueRegistry('link-aliases');
    await s.ok(`mutation($n: String!) { createRegistry(input: { name: $n }) { registry { id } } }`, { n: registry });
    const t = { registry, model: 'detector' };

    const v0 = await link(t, ['staging', 'candidate']);
    expect(v0).toEqual({
      name: 'v0',
      number: 0,
      aliases: ['candidate', 'latest', 'staging'],
    });
    expect((await state(t)).aliases).toEqual({
      candidate: 'v0',
      latest: 'v0',
      staging: 'v0',
    });
    expect(await moves(t, 'staging')).toEqual(['staging: - -> v0']);
    expect(await moves(t, 'candidate')).toEqual(['candidate: - -> v0']);
    expect(await aliasEventCount(registry)).toBe(3);
  });

  it('moves the aliases from an older version to the new one', async () => {
    const t = await modelWithVersions('link-move', 1);
    expectOk(await setAlias(t, 'staging', 'v0'));
    expectOk(await setAlias(t, 'candidate', 'v0'));
    const rows = await aliasEventCount(t.registry);

    const v1 = await link(t, ['staging', 'candidate']);
    expect(v1.aliases).toEqual(['candidate', 'latest', 'staging']);
    const st = await state(t);
    expect(st.versions.v0.aliases).toEqual([]);
    expect(st.aliases).toEqual({
      candidate: 'v1',
      latest: 'v1',
      staging: 'v1',
    });
    expect(await moves(t, 'staging')).toEqual(['staging: v0 -> v1', 'staging: - -> v0']);
    expect(await moves(t, 'candidate')).toEqual(['candidate: v0 -> v1', 'candidate: - -> v0']);
    // latest, staging and candidate: one event each.
    expect(await aliasEventCount(t.registry)).toBe(rows + 3);
  });
});

describe('aliasHistory pagination', () => {
  /** Follows endCursor until the end, returning every event seen. */
  async function allPages(t: Target, opts: { alias?: string; first: number }, between?: () => Promise<void>) {
    const seen: HistoryEvent[] = [];
    let after: string | undefined;
    for (let page = 0; page < 50; page++) {
      const h = await history(t, { ...opts, after });
      expect(h.edges.length).toBeLessThanOrEqual(opts.first);
      seen.push(...h.edges.map((e) => e.node));
      if (!h.pageInfo.hasNextPage) return seen;
      expect(h.pageInfo.endCursor).toBe(h.edges[h.edges.length - 1].cursor);
      after = h.pageInfo.endCursor!;
      if (page === 0 && between) await between();
    }
    throw new Error('aliasHistory never reached its last page');
  }

  it('lists events newest first and pages with first/after without duplicates or gaps', async () => {
    const t = await modelWithVersions('pages', 2);
    for (let i = 1; i <= 7; i++)
      expectOk(
        await setAlias(t, 'staging', i % 2 ? 'v0' : 'v1', {
          reason: `move ${i}`,
        }),
      );

    const expected = ['move 7', 'move 6', 'move 5', 'move 4', 'move 3', 'move 2', 'move 1'];
    for (const first of [1, 3, 7, 100]) {
      expect((await allPages(t, { alias: 'staging', first })).map((e) => e.reason)).toEqual(expected);
    }

    const everything = (await history(t, { first: 100 })).edges.map((e) => e.node);
    expect(everything.slice(0, 7).map((e) => e.reason)).toEqual(expected);
    expect(everything.slice(7).map((e) => `${e.alias}: ${e.fromVersion?.name ?? '-'} -> ${e.toVersion?.name}`)).toEqual(
      ['latest: v0 -> v1', 'latest: - -> v0'],
    );
    expect(await allPages(t, { first: 2 })).toEqual(everything);
    expect((await history(t, { first: 2 })).totalCount).toBe(9);
  });

  it('continues from the cursor without repeating or skipping when events are added between pages', async () => {
    const t = await modelWithVersions('pages-live', 2);
    for (let i = 1; i <= 5; i++)
      expectOk(
        await setAlias(t, 'staging', i % 2 ? 'v0' : 'v1', {
          reason: `move ${i}`,
        }),
      );

    const seen = await allPages(t, { alias: 'staging', first: 2 }, async () => {
      expectOk(await setAlias(t, 'staging', 'v1', { reason: 'move 6' }));
    });
    expect(seen.map((e) => e.reason)).toEqual(['move 5', 'move 4', 'move 3', 'move 2', 'move 1']);
  });
});

describe('protected aliases', () => {
  it('marks production protected (the registry default) and staging not', async () => {
    const t = await modelWithVersions('protected', 2);
    const reg = await s.ok(`query($n: String!) { registry(name: $n) { protectedAliases } }`, { n: t.registry });
    expect(reg.registry.protectedAliases).toEqual(['production']);

    expect(expectOk(await setAlias(t, 'production', 'v0')).setAlias.alias).toEqual({
      name: 'production',
      protected: true,
      version: { name: 'v0' },
    });
    expect(expectOk(await setAlias(t, 'staging', 'v1')).setAlias.alias).toEqual({
      name: 'staging',
      protected: false,
      version: { name: 'v1' },
    });
    expect((await state(t)).protectedAliases).toEqual(['production']);
  });
});
