import { AliasChangeRequestEntity } from '../../src/aliases/change-request.entity';
import { fromGlobalId } from '../../src/common/global-id';
import { VersionEntity } from '../../src/versions/version.entity';
import { codeOf, digestOf, startInstance, startTestServer, TestServer } from '../support/server';

// Governance (docs/governance.md, issue #16): what pointed where when, change requests for
// protected aliases, restore, atomic bulk moves, deletion with retention, and who sees members.
// Over HTTP with real tokens, on SQLite and (DATABASE_URL) MariaDB.

let s: TestServer;
let seq = 0;
const H = {} as Record<'mona' | 'ada' | 'abe' | 'vera' | 'olive', Record<string, string>>;

const CREATE_REGISTRY = `mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { name requiredApprovals } } }`;
const UPDATE_REGISTRY = `mutation($i: UpdateRegistryInput!) { updateRegistry(input: $i) { registry { requiredApprovals } } }`;
const GRANT = `mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { subject } } }`;
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { name } } }`;
const SET_ALIAS = `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`;
const SET_ALIASES = `mutation($i: SetAliasesInput!) { setAliases(input: $i) { results { alias { name version { name } } previousVersion { name } changed } } }`;
const REQUEST = `mutation($i: RequestAliasChangeInput!) { requestAliasChange(input: $i) { request { id state alias versionName expectedVersionName requestedBy { id } expiresAt } } }`;
const APPROVE = `mutation($i: DecideAliasChangeInput!) { approveAliasChange(input: $i) { applied request { state approvals { approver { id } comment } requiredApprovals decidedBy { id } } } }`;
const REJECT = `mutation($i: DecideAliasChangeInput!) { rejectAliasChange(input: $i) { request { state comment decidedBy { id } } } }`;
const CANCEL = `mutation($i: DecideAliasChangeInput!) { cancelAliasChange(input: $i) { request { state } } }`;
const AT = `query($r: String!, $m: String!, $ref: String!, $t: DateTimeISO) { modelVersion(registry: $r, model: $m, ref: $ref, at: $t) { name archived } }`;

beforeAll(async () => {
  s = await startTestServer();
  for (const who of ['mona', 'ada', 'abe', 'vera', 'olive'] as const) H[who] = await s.as(who, { expiresIn: 3600 });
});
afterAll(() => s?.stop());

/** A fresh registry (mona MEMBER, ada and abe ADMIN, vera VIEWER) with a model of `versions` versions. */
async function fixture(versions = 3, registryInput: Record<string, unknown> = {}) {
  const n = ++seq;
  const registry = `gov-${n}`;
  const model = `model-${n}`;
  await s.ok(CREATE_REGISTRY, { i: { name: registry, ...registryInput } });
  for (const [subject, role] of [
    ['mona', 'MEMBER'],
    ['ada', 'ADMIN'],
    ['abe', 'ADMIN'],
    ['vera', 'VIEWER'],
  ])
    await s.ok(GRANT, { i: { registry, subject, role } });
  for (let v = 0; v < versions; v++)
    await s.ok(LINK, {
      i: {
        registry,
        model,
        artifact: {
          uri: `s3://gov/${n}/${v}`,
          digest: digestOf(`gov-${n}-${v}`),
          sizeBytes: 10 + v,
        },
      },
    });
  return { registry, model };
}

const pause = () => new Promise((r) => setTimeout(r, 20));
const count = async (sql: string, params: unknown[] = []) => Number((await s.db.ds.query(sql, params))[0].n);
const auditActions = async (registry: string) =>
  (
    await s.db.ds.query(
      'SELECT e.action AS action FROM audit_event e JOIN registry r ON r.id = e.registry_id WHERE r.name = ? ORDER BY e.id',
      [registry],
    )
  ).map((r: { action: string }) => r.action);
const pointsAt = async (registry: string, model: string, ref: string) =>
  (await s.gql(AT, { r: registry, m: model, ref })).data?.modelVersion?.name ?? null;

describe('point in time', () => {
  it('answers where production and latest pointed at a past time, across moves, archiving and a rename', async () => {
    const { registry, model } = await fixture(2);
    await s.ok(SET_ALIAS, {
      i: { registry, model, alias: 'production', version: 'v0' },
    });
    await pause();
    const t1 = new Date();
    await pause();
    await s.ok(SET_ALIAS, {
      i: { registry, model, alias: 'production', version: 'v1' },
    });
    // v0 holds no alias any more: archiving it changes no alias, and history still names it.
    await s.ok(`mutation($i: ArchiveModelVersionInput!) { archiveModelVersion(input: $i) { version { name } } }`, {
      i: { registry, model, version: 'v0' },
    });
    const renamed = `${model}-renamed`;
    await s.ok(`mutation($i: UpdateModelInput!) { updateModel(input: $i) { model { name } } }`, {
      i: { registry, model, name: renamed },
    });

    const at = (ref: string, t: Date) => s.gql(AT, { r: registry, m: renamed, ref, t: t.toISOString() });
    const then = await at('production', t1);
    expect(then.data.modelVersion).toEqual({ name: 'v0', archived: true });
    // One statement: registry, model, the newest event before t1 (index seek) and its version, joined.
    expect(then.sqlStatements).toBe(1);
    expect((await at('latest', t1)).data.modelVersion.name).toBe('v1');
    expect((await at('production', new Date())).data.modelVersion.name).toBe('v1');
    expect((await at('v1', t1)).data.modelVersion.name).toBe('v1');

    const before = await at('production', new Date(Date.now() - 3_600_000));
    expect(codeOf(before)).toBe('NOT_FOUND');
    expect(before.errors![0].message).toMatch(/did not exist at/);
    expect(codeOf(await at('v1', new Date(Date.now() - 3_600_000)))).toBe('NOT_FOUND');

    const page = await s.ok(
      `query($r: String!, $m: String!, $t: DateTimeISO!) { model(registry: $r, name: $m) { aliasesAt(time: $t) { alias toVersionName actor { id } } } }`,
      { r: registry, m: renamed, t: t1.toISOString() },
    );
    const asked = await s.gql(
      `query($r: String!, $m: String!, $t: DateTimeISO!) { model(registry: $r, name: $m) { aliasesAt(time: $t) { alias } } }`,
      { r: registry, m: renamed, t: t1.toISOString() },
    );
    expect(asked.sqlStatements).toBe(2); // the model, then every alias at t1 in one statement
    expect(page.model.aliasesAt.map((e: any) => `${e.alias}:${e.toVersionName}`)).toEqual([
      'latest:v1',
      'production:v0',
    ]);
  });

  it('leaves out an alias removed before the time, and filters the history by since and until', async () => {
    const { registry, model } = await fixture(2);
    await s.ok(SET_ALIAS, {
      i: { registry, model, alias: 'staging', version: 'v0' },
    });
    await pause();
    const t1 = new Date();
    await pause();
    await s.ok(`mutation($i: RemoveAliasInput!) { removeAlias(input: $i) { alias } }`, {
      i: { registry, model, alias: 'staging' },
    });
    await pause();
    const t2 = new Date();
    const aliasesAt = async (t: Date) =>
      (
        await s.ok(
          `query($r: String!, $m: String!, $t: DateTimeISO!) { model(registry: $r, name: $m) { aliasesAt(time: $t) { alias } } }`,
          { r: registry, m: model, t: t.toISOString() },
        )
      ).model.aliasesAt.map((e: any) => e.alias);
    expect(await aliasesAt(t1)).toEqual(['latest', 'staging']);
    expect(await aliasesAt(t2)).toEqual(['latest']);
    const removed = await s.gql(AT, {
      r: registry,
      m: model,
      ref: 'staging',
      t: t2.toISOString(),
    });
    expect(codeOf(removed)).toBe('NOT_FOUND');
    expect(removed.errors![0].message).toMatch(/removed/);

    const history = async (args: Record<string, string>) =>
      (
        await s.ok(
          `query($r: String!, $m: String!, $a: String, $since: DateTimeISO, $until: DateTimeISO) { model(registry: $r, name: $m) { aliasHistory(alias: $a, since: $since, until: $until) { totalCount edges { node { alias fromVersionName toVersionName } } } } }`,
          { r: registry, m: model, ...args },
        )
      ).model.aliasHistory;
    expect((await history({ a: 'staging' })).totalCount).toBe(2);
    expect((await history({ a: 'staging', since: t1.toISOString() })).edges.map((e: any) => e.node)).toEqual([
      { alias: 'staging', fromVersionName: 'v0', toVersionName: null },
    ]);
    expect((await history({ a: 'staging', until: t1.toISOString() })).edges.map((e: any) => e.node)).toEqual([
      { alias: 'staging', fromVersionName: null, toVersionName: 'v0' },
    ]);
    expect((await history({ since: t2.toISOString() })).totalCount).toBe(0);
  });

  it('answers NOT_FOUND, not the history, for a registry the caller cannot read', async () => {
    const { registry, model } = await fixture(1);
    const r = await s.gql(AT, { r: registry, m: model, ref: 'latest', t: new Date().toISOString() }, H.olive);
    expect(codeOf(r)).toBe('NOT_FOUND');
    expect(r.errors![0].message).toBe(`Registry "${registry}" was not found.`);
  });
});

describe('change requests for protected aliases', () => {
  it('lets a member request, another admin approve, and moves production as a compare-and-swap', async () => {
    const { registry, model } = await fixture(3);
    await s.ok(SET_ALIAS, {
      i: { registry, model, alias: 'production', version: 'v1' },
    });
    const made = await s.ok(
      REQUEST,
      {
        i: {
          registry,
          model,
          alias: 'production',
          version: 'v2',
          reason: 'better recall',
        },
      },
      H.mona,
    );
    const request = made.requestAliasChange.request;
    expect(request).toMatchObject({
      state: 'PENDING',
      alias: 'production',
      versionName: 'v2',
      expectedVersionName: 'v1',
      requestedBy: { id: 'mona' },
    });
    const ttl = new Date(request.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(13.9 * 86_400_000);
    expect(ttl).toBeLessThanOrEqual(14 * 86_400_000);

    // A member cannot approve (policy), the viewer cannot (policy).
    for (const who of ['mona', 'vera'] as const)
      expect(codeOf(await s.gql(APPROVE, { i: { request: request.id } }, H[who]))).toBe('FORBIDDEN');
    expect(await pointsAt(registry, model, 'production')).toBe('v1');

    const approved = await s.ok(APPROVE, { i: { request: request.id, comment: 'ok' } }, H.ada);
    expect(approved.approveAliasChange).toEqual({
      applied: true,
      request: {
        state: 'APPLIED',
        approvals: [{ approver: { id: 'ada' }, comment: 'ok' }],
        requiredApprovals: 1,
        decidedBy: { id: 'ada' },
      },
    });
    expect(await pointsAt(registry, model, 'production')).toBe('v2');
    const event = await s.ok(
      `query($r: String!, $m: String!) { model(registry: $r, name: $m) { aliasHistory(alias: "production", first: 1) { edges { node { actor { id } reason fromVersionName toVersionName } } } } }`,
      { r: registry, m: model },
    );
    expect(event.model.aliasHistory.edges[0].node).toEqual({
      actor: { id: 'ada' },
      reason: 'change request by mona: better recall',
      fromVersionName: 'v1',
      toVersionName: 'v2',
    });
    expect((await auditActions(registry)).slice(-4)).toEqual([
      'alias.change_requested',
      'alias.change_approved',
      'alias.set',
      'alias.change_applied',
    ]);
    // Decided requests cannot be decided again.
    expect(codeOf(await s.gql(APPROVE, { i: { request: request.id } }, H.abe))).toBe('CONFLICT');
  });

  it('forbids an admin to approve their own request, and needs requiredApprovals distinct admins', async () => {
    const { registry, model } = await fixture(2, { requiredApprovals: 2 });
    const made = await s.ok(REQUEST, { i: { registry, model, alias: 'production', version: 'v1' } }, H.ada);
    const id = made.requestAliasChange.request.id;
    const own = await s.gql(APPROVE, { i: { request: id } }, H.ada);
    expect(codeOf(own)).toBe('FORBIDDEN');
    expect(own.errors![0].message).toMatch(/another admin/);

    const first = await s.ok(APPROVE, { i: { request: id } }, H.abe);
    expect(first.approveAliasChange).toMatchObject({
      applied: false,
      request: { state: 'PENDING', requiredApprovals: 2 },
    });
    expect(codeOf(await s.gql(APPROVE, { i: { request: id } }, H.abe))).toBe('CONFLICT');
    expect(await pointsAt(registry, model, 'production')).toBeNull();

    const second = await s.ok(APPROVE, { i: { request: id } });
    expect(second.approveAliasChange).toMatchObject({
      applied: true,
      request: { state: 'APPLIED' },
    });
    expect(second.approveAliasChange.request.approvals.map((a: any) => a.approver.id)).toEqual(['abe', 'local-admin']);
    expect(await pointsAt(registry, model, 'production')).toBe('v1');

    expect(codeOf(await s.gql(UPDATE_REGISTRY, { i: { registry, requiredApprovals: 0 } }))).toBe('BAD_USER_INPUT');
    const lowered = await s.ok(UPDATE_REGISTRY, {
      i: { registry, requiredApprovals: 1 },
    });
    expect(lowered.updateRegistry.registry.requiredApprovals).toBe(1);
  });

  it('counts an approval only while its approver is still an admin (by subject or group)', async () => {
    const { registry, model } = await fixture(2, { requiredApprovals: 2 });
    await s.ok(GRANT, { i: { registry, subject: 'group:release', role: 'ADMIN' } });
    const gus = { authorization: `Bearer ${await s.token('gus', { groups: ['release'] })}` };
    const made = await s.ok(REQUEST, { i: { registry, model, alias: 'production', version: 'v1' } }, H.mona);
    const id = made.requestAliasChange.request.id;
    await s.ok(APPROVE, { i: { request: id } }, H.abe);
    await s.ok(APPROVE, { i: { request: id } }, gus); // an admin through the group's binding: counts
    expect(await pointsAt(registry, model, 'production')).toBe('v1');

    const next = await s.ok(REQUEST, { i: { registry, model, alias: 'production', version: 'v0' } }, H.mona);
    const nextId = next.requestAliasChange.request.id;
    await s.ok(APPROVE, { i: { request: nextId } }, H.abe);
    await s.ok(GRANT, { i: { registry, subject: 'abe', role: 'MEMBER' } }); // abe is no longer an admin
    const second = await s.ok(APPROVE, { i: { request: nextId } }, H.ada);
    expect(second.approveAliasChange).toMatchObject({ applied: false, request: { state: 'PENDING' } });
    expect(await pointsAt(registry, model, 'production')).toBe('v1');
    const third = await s.ok(APPROVE, { i: { request: nextId } }, gus);
    expect(third.approveAliasChange).toMatchObject({ applied: true, request: { state: 'APPLIED' } });
    expect(await pointsAt(registry, model, 'production')).toBe('v0');
  });

  it('turns a request STALE when production moved since, and moves nothing', async () => {
    const { registry, model } = await fixture(3);
    await s.ok(SET_ALIAS, {
      i: { registry, model, alias: 'production', version: 'v0' },
    });
    const made = await s.ok(REQUEST, { i: { registry, model, alias: 'production', version: 'v2' } }, H.mona);
    await s.ok(SET_ALIAS, { i: { registry, model, alias: 'production', version: 'v1' } }, H.abe);
    const events = await count('SELECT COUNT(*) AS n FROM alias_event');
    const r = await s.ok(APPROVE, { i: { request: made.requestAliasChange.request.id } }, H.ada);
    expect(r.approveAliasChange).toMatchObject({
      applied: false,
      request: { state: 'STALE' },
    });
    expect(await pointsAt(registry, model, 'production')).toBe('v1');
    expect(await count('SELECT COUNT(*) AS n FROM alias_event')).toBe(events);
    expect((await auditActions(registry)).slice(-2)).toEqual(['alias.change_approved', 'alias.change_stale']);
  });

  it('lets admins reject and only the requester cancel; lists by state; expires after the TTL', async () => {
    const { registry, model } = await fixture(3);
    const ask = async (version: string) =>
      (await s.ok(REQUEST, { i: { registry, model, alias: 'production', version } }, H.mona)).requestAliasChange.request
        .id as string;
    const [a, b, c] = [await ask('v0'), await ask('v1'), await ask('v2')];

    expect(codeOf(await s.gql(REJECT, { i: { request: a } }, H.mona))).toBe('FORBIDDEN');
    const rejected = await s.ok(REJECT, { i: { request: a, comment: 'not now' } }, H.ada);
    expect(rejected.rejectAliasChange.request).toEqual({
      state: 'REJECTED',
      comment: 'not now',
      decidedBy: { id: 'ada' },
    });

    const notMine = await s.gql(CANCEL, { i: { request: b } }, H.ada);
    expect(codeOf(notMine)).toBe('FORBIDDEN');
    expect((await s.ok(CANCEL, { i: { request: b } }, H.mona)).cancelAliasChange.request.state).toBe('CANCELLED');

    // Expiry is a matter of time: move c's expiry into the past, as the TTL passing would.
    await s.db.ds
      .getRepository(AliasChangeRequestEntity)
      .update({ id: fromGlobalId(c).id }, { expiresAt: new Date(Date.now() - 1000) });
    expect(codeOf(await s.gql(APPROVE, { i: { request: c } }, H.ada))).toBe('CONFLICT');

    const list = async (state?: string) =>
      (
        await s.ok(
          `query($r: String!, $s: AliasChangeRequestState) { registry(name: $r) { aliasChangeRequests(state: $s) { totalCount edges { node { id state } } } } }`,
          { r: registry, s: state },
          H.vera,
        )
      ).registry.aliasChangeRequests;
    expect((await list()).edges.map((e: any) => e.node)).toEqual([
      { id: c, state: 'EXPIRED' },
      { id: b, state: 'CANCELLED' },
      { id: a, state: 'REJECTED' },
    ]);
    for (const [state, ids] of [
      ['PENDING', []],
      ['EXPIRED', [c]],
      ['REJECTED', [a]],
      ['CANCELLED', [b]],
    ] as const)
      expect((await list(state)).edges.map((e: any) => e.node.id)).toEqual(ids);
    const byModel = await s.ok(
      `query($r: String!, $m: String!) { model(registry: $r, name: $m) { aliasChangeRequests(state: REJECTED) { edges { node { id } } } } }`,
      { r: registry, m: model },
    );
    expect(byModel.model.aliasChangeRequests.edges).toEqual([{ node: { id: a } }]);
    expect(
      (
        await s.ok(`query($id: ID!) { node(id: $id) { __typename id } }`, {
          id: a,
        })
      ).node,
    ).toEqual({
      __typename: 'AliasChangeRequest',
      id: a,
    });
  });

  it('refuses a request for an alias that is not protected, and hides requests of unreadable registries', async () => {
    const { registry, model } = await fixture(1);
    const r = await s.gql(REQUEST, { i: { registry, model, alias: 'staging', version: 'v0' } }, H.mona);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(await count('SELECT COUNT(*) AS n FROM alias_change_request WHERE alias = ?', ['staging'])).toBe(0);
    const made = await s.ok(REQUEST, { i: { registry, model, alias: 'production', version: 'v0' } }, H.mona);
    const hidden = await s.gql(APPROVE, { i: { request: made.requestAliasChange.request.id } }, H.olive);
    expect(codeOf(hidden)).toBe('NOT_FOUND');
  });
});

describe('restore', () => {
  it('restores an archived model and an archived version (admins), and recomputes latest', async () => {
    const { registry, model } = await fixture(2);
    const RESTORE_VERSION = `mutation($i: RestoreModelVersionInput!) { restoreModelVersion(input: $i) { version { name archived } } }`;
    await s.ok(`mutation($i: ArchiveModelVersionInput!) { archiveModelVersion(input: $i) { version { name } } }`, {
      i: { registry, model, version: 'v1' },
    });
    expect(await pointsAt(registry, model, 'latest')).toBe('v0');
    expect(codeOf(await s.gql(RESTORE_VERSION, { i: { registry, model, version: 'v1' } }, H.mona))).toBe('FORBIDDEN');
    expect((await s.ok(RESTORE_VERSION, { i: { registry, model, version: 'v1' } }, H.ada)).restoreModelVersion).toEqual(
      { version: { name: 'v1', archived: false } },
    );
    expect(await pointsAt(registry, model, 'latest')).toBe('v1');

    await s.ok(`mutation($i: ArchiveModelInput!) { archiveModel(input: $i) { model { name } } }`, {
      i: { registry, model },
    });
    const RESTORE_MODEL = `mutation($i: RestoreModelInput!) { restoreModel(input: $i) { model { archived } } }`;
    expect(codeOf(await s.gql(RESTORE_MODEL, { i: { registry, model } }, H.mona))).toBe('FORBIDDEN');
    expect((await s.ok(RESTORE_MODEL, { i: { registry, model } }, H.ada)).restoreModel.model.archived).toBe(false);
    const actions = await auditActions(registry);
    expect(actions).toContain('version.restored');
    expect(actions[actions.length - 1]).toBe('model.restored');
  });
});

describe('setAliases', () => {
  it('moves aliases of models in two registries at once, each with its own history, audit and events', async () => {
    const one = await fixture(2);
    const two = await fixture(2);
    const r = await s.ok(SET_ALIASES, {
      i: {
        reason: 'release 7',
        changes: [
          {
            registry: one.registry,
            model: one.model,
            alias: 'production',
            version: 'v1',
          },
          {
            registry: two.registry,
            model: two.model,
            alias: 'staging',
            version: 'v0',
          },
          {
            registry: one.registry,
            model: one.model,
            alias: 'staging',
            version: 'latest',
          },
        ],
      },
    });
    expect(r.setAliases.results).toEqual([
      {
        alias: { name: 'production', version: { name: 'v1' } },
        previousVersion: null,
        changed: true,
      },
      {
        alias: { name: 'staging', version: { name: 'v0' } },
        previousVersion: null,
        changed: true,
      },
      {
        alias: { name: 'staging', version: { name: 'v1' } },
        previousVersion: null,
        changed: true,
      },
    ]);
    expect((await auditActions(one.registry)).slice(-2)).toEqual(['alias.set', 'alias.set']);
    expect((await auditActions(two.registry)).slice(-1)).toEqual(['alias.set']);
  });

  it('changes nothing when one change is forbidden, stale, missing, or the call is too big', async () => {
    const { registry, model } = await fixture(2);
    await s.ok(SET_ALIAS, {
      i: { registry, model, alias: 'staging', version: 'v0' },
    });
    const events = await count('SELECT COUNT(*) AS n FROM alias_event');
    const audit = await count('SELECT COUNT(*) AS n FROM audit_event');
    const ok = { registry, model, alias: 'staging', version: 'v1' };
    const cases: [Record<string, unknown>[], string, Record<string, string> | undefined][] = [
      [[ok, { registry, model, alias: 'production', version: 'v1' }], 'FORBIDDEN', H.mona],
      [
        [
          ok,
          {
            registry,
            model,
            alias: 'canary',
            version: 'v1',
            expectedVersion: 'v0',
          },
        ],
        'CONFLICT',
        undefined,
      ],
      [[ok, { registry, model: 'nope', alias: 'canary', version: 'v1' }], 'NOT_FOUND', undefined],
      [[ok, { registry, model, alias: 'canary', version: 'v9' }], 'NOT_FOUND', undefined],
      [[ok, ok], 'BAD_USER_INPUT', undefined],
      [[], 'BAD_USER_INPUT', undefined],
      [Array.from({ length: 101 }, (_, i) => ({ ...ok, alias: `a${i}` })), 'BAD_USER_INPUT', undefined],
    ];
    for (const [changes, code, headers] of cases) {
      const r = await s.gql(SET_ALIASES, { i: { changes } }, headers);
      expect({ n: changes.length, code: codeOf(r) }).toEqual({
        n: changes.length,
        code,
      });
      // An error caused by one change says which: its index, and the alias in the message.
      if (changes.length === 2) {
        const [error] = r.errors!;
        expect(error.extensions?.change).toBe(1);
        const bad = changes[1] as { model: string; alias: string };
        expect(error.message).toContain(`${bad.model}:${bad.alias}`);
      }
    }
    expect(await pointsAt(registry, model, 'staging')).toBe('v0');
    expect(await count('SELECT COUNT(*) AS n FROM alias_event')).toBe(events);
    expect(await count('SELECT COUNT(*) AS n FROM audit_event')).toBe(audit);
    // 100 is the limit, not 99.
    const hundred = Array.from({ length: 100 }, (_, i) => ({
      ...ok,
      alias: `a${i}`,
    }));
    expect((await s.ok(SET_ALIASES, { i: { changes: hundred } })).setAliases.results).toHaveLength(100);
  });
});

describe('deleteModelVersion', () => {
  const DELETE = `mutation($i: DeleteModelVersionInput!) { deleteModelVersion(input: $i) { deletedVersion { name number fullName } releasedDigests } }`;
  const ARCHIVE = `mutation($i: ArchiveModelVersionInput!) { archiveModelVersion(input: $i) { version { name } } }`;

  it('deletes an archived version only after VERSION_DELETE_AFTER_DAYS; history and audit keep naming it', async () => {
    const { registry, model } = await fixture(3);
    await s.ok(SET_ALIAS, {
      i: { registry, model, alias: 'staging', version: 'v0' },
    });
    await pause();
    const t1 = new Date();
    await s.ok(SET_ALIAS, {
      i: { registry, model, alias: 'staging', version: 'v1' },
    });
    const input = { registry, model, version: 'v0' };

    expect(codeOf(await s.gql(DELETE, { i: input }))).toBe('CONFLICT'); // not archived
    await s.ok(ARCHIVE, { i: input });
    const early = await s.gql(DELETE, { i: input });
    expect(codeOf(early)).toBe('CONFLICT');
    expect(early.errors![0].message).toMatch(/VERSION_DELETE_AFTER_DAYS/);

    // Archived 31 days ago, as time passing would leave it (default: 30 days).
    const v0 = await s.db.ds
      .getRepository(VersionEntity)
      .createQueryBuilder('v')
      .innerJoin('registered_model', 'm', 'm.id = v.model_id')
      .where('m.name = :model AND v.number = 0', { model })
      .getOneOrFail();
    await s.db.ds
      .getRepository(VersionEntity)
      .update({ id: v0.id }, { archivedAt: new Date(Date.now() - 31 * 86_400_000) });

    expect(codeOf(await s.gql(DELETE, { i: input }, H.mona))).toBe('FORBIDDEN');
    const deleted = await s.ok(DELETE, { i: input }, H.ada);
    expect(deleted.deleteModelVersion).toEqual({
      deletedVersion: {
        name: 'v0',
        number: 0,
        fullName: `${registry}/${model}:v0`,
      },
      releasedDigests: [v0.artifactDigest],
    });
    expect(codeOf(await s.gql(AT, { r: registry, m: model, ref: 'v0' }))).toBe('NOT_FOUND');

    const history = await s.ok(
      `query($r: String!, $m: String!) { model(registry: $r, name: $m) { aliasHistory(alias: "staging") { edges { node { fromVersion { name } fromVersionName toVersion { name } toVersionName versionDeleted } } } } }`,
      { r: registry, m: model },
    );
    expect(history.model.aliasHistory.edges.map((e: any) => e.node)).toEqual([
      {
        fromVersion: null,
        fromVersionName: 'v0',
        toVersion: { name: 'v1' },
        toVersionName: 'v1',
        versionDeleted: true,
      },
      {
        fromVersion: null,
        fromVersionName: null,
        toVersion: null,
        toVersionName: 'v0',
        versionDeleted: true,
      },
    ]);
    const then = await s.gql(AT, {
      r: registry,
      m: model,
      ref: 'staging',
      t: t1.toISOString(),
    });
    expect(codeOf(then)).toBe('NOT_FOUND');
    expect(then.errors![0].message).toMatch(/pointed at v0 .*deleted/);
    // By number, at that time, it says the same: deleted, not just missing.
    const byNumber = await s.gql(AT, { r: registry, m: model, ref: 'v0', t: t1.toISOString() });
    expect(codeOf(byNumber)).toBe('NOT_FOUND');
    expect(byNumber.errors![0].message).toBe(`Version "${model}:v0" has been deleted.`);
    // A number never assigned is still just not found.
    const never = await s.gql(AT, { r: registry, m: model, ref: 'v9', t: t1.toISOString() });
    expect(never.errors![0].message).not.toMatch(/deleted/);
    expect(codeOf(never)).toBe('NOT_FOUND');
    expect(await count('SELECT COUNT(*) AS n FROM audit_event WHERE target_id = ?', [v0.id])).toBeGreaterThanOrEqual(3);
    expect((await auditActions(registry)).slice(-1)).toEqual(['version.deleted']);
    // Its number is never reused.
    await s.ok(LINK, {
      i: {
        registry,
        model,
        artifact: {
          uri: 's3://gov/next',
          digest: digestOf('gov-next'),
          sizeBytes: 1,
        },
      },
    });
    expect(await pointsAt(registry, model, 'latest')).toBe('v3');
  });

  it('keeps a digest another version still references out of releasedDigests', async () => {
    const { registry, model } = await fixture(1);
    const shared = digestOf(`shared-${seq}`);
    for (const uri of ['s3://gov/shared/a', 's3://gov/shared/b'])
      await s.ok(LINK, {
        i: { registry, model, artifact: { uri, digest: shared, sizeBytes: 5 } },
      });
    await s.ok(ARCHIVE, { i: { registry, model, version: 'v1' } });
    const instance = await startInstance(s, { VERSION_DELETE_AFTER_DAYS: '0' });
    try {
      const r = await instance.gql(DELETE, {
        i: { registry, model, version: 'v1' },
      });
      expect(r.errors).toBeUndefined();
      expect(r.data.deleteModelVersion.releasedDigests).toEqual([]);
    } finally {
      await instance.stop();
    }
  });
});

describe('tokens', () => {
  const VIEWER = `{ viewer { subject } }`;
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  it('refuses a token whose lifetime exceeds AUTH_MAX_TOKEN_LIFETIME (default one day)', async () => {
    expect((await s.gql(VIEWER, {}, await s.as('alice', { expiresIn: 86_000 }))).status).toBe(200);
    const long = await s.gql(VIEWER, {}, await s.as('alice', { expiresIn: 2 * 86_400 }));
    expect(codeOf(long)).toBe('UNAUTHENTICATED');
  });

  it('accepts only at+jwt by default, and JWT or no typ only when AUTH_TOKEN_TYPES opts in', async () => {
    const viewer = async (instance: { gql: typeof s.gql }, typ: string | null) =>
      instance.gql(VIEWER, {}, bearer(await s.token('alice', { typ })));
    for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT'])
      expect((await viewer(s, typ)).data?.viewer).toEqual({ subject: 'alice' });
    // An ID token (typ JWT, or none) must not pass as an access token unless the operator says so.
    for (const typ of ['JWT', null, 'id+jwt']) expect(codeOf(await viewer(s, typ))).toBe('UNAUTHENTICATED');
    const lenient = await startInstance(s, { AUTH_TOKEN_TYPES: 'at+jwt,JWT,absent' });
    try {
      for (const typ of ['at+jwt', 'JWT', 'application/jwt', null])
        expect((await viewer(lenient, typ)).data?.viewer).toEqual({ subject: 'alice' });
      expect(codeOf(await viewer(lenient, 'id+jwt'))).toBe('UNAUTHENTICATED');
    } finally {
      await lenient.stop();
    }
    const strict = await startInstance(s, {
      AUTH_TOKEN_TYPES: 'at+jwt',
      AUTH_AUTHORIZED_PARTIES: 'deploy-bot',
    });
    try {
      const as = async (typ: string | null, azp?: string) =>
        strict.gql(VIEWER, {}, bearer(await s.token('alice', { typ, claims: azp ? { azp } : {} })));
      expect((await as('at+jwt', 'deploy-bot')).data?.viewer).toEqual({
        subject: 'alice',
      });
      expect(codeOf(await as('JWT', 'deploy-bot'))).toBe('UNAUTHENTICATED');
      expect(codeOf(await as(null, 'deploy-bot'))).toBe('UNAUTHENTICATED');
      expect(codeOf(await as('at+jwt', 'someone-else'))).toBe('UNAUTHENTICATED');
      expect(codeOf(await as('at+jwt'))).toBe('UNAUTHENTICATED');
    } finally {
      await strict.stop();
    }
  });
});

describe('Registry.members', () => {
  it('shows members to subjects with a role there and to admins, and an empty list to everyone else', async () => {
    const { registry } = await fixture(0, { visibility: 'ORGANIZATION' });
    const members = async (h?: Record<string, string>) =>
      (await s.ok(`query($r: String!) { registry(name: $r) { members { subject } } }`, { r: registry }, h)).registry
        .members.length;
    expect(await members(H.olive)).toBe(0); // reads the registry as @authenticated, holds no role
    for (const h of [H.vera, H.mona, H.ada, undefined]) expect(await members(h)).toBe(5);
  });
});
