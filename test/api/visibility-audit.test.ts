import { codeOf, digestOf, GraphQLResult, startTestServer, TEST_ADMIN, TestServer } from '../support/server';

/**
 * Who sees what: a RESTRICTED registry does not exist for a caller without a role (NOT_FOUND on
 * every route, absent from lists, with pages still full); an ORGANIZATION registry is readable by
 * every authenticated caller but writable only by its members; admins switch between the two.
 * And the audit log: who may read it, its filters, request ids, role changes, nothing written
 * for a denied call, newest-first pages, and no API that changes or deletes an event.
 */

let s: TestServer;
beforeAll(async () => (s = await startTestServer({ AUTH_ADMINS: `${TEST_ADMIN},gaia` })));
afterAll(() => s?.stop());

const ADMIN = 'ada';
const MEMBER = 'mona';
const OUTSIDER = 'olive';
/** A global admin (AUTH_ADMINS) with no role binding anywhere. */
const GLOBAL_ADMIN = 'gaia';

const CREATE_REGISTRY = `mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id name visibility } } }`;
const UPDATE_REGISTRY = `mutation($i: UpdateRegistryInput!) { updateRegistry(input: $i) { registry { name visibility } } }`;
const GRANT = `mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { subject role } previousRole } }`;
const REVOKE = `mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { binding { subject role } } }`;
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { model { id } version { id name } } }`;
const SET = `mutation($i: SetAliasInput!) { setAlias(input: $i) { alias { name version { name } } } }`;
const CREATE_MODEL = `mutation($i: CreateModelInput!) { createModel(input: $i) { model { id } } }`;
const REGISTRY = `query($r: String!) { registry(name: $r) { id name visibility } }`;
const MODEL = `query($r: String!, $m: String!) { model(registry: $r, name: $m) { id name } }`;
const VERSION = `query($r: String!, $m: String!, $ref: String!) { modelVersion(registry: $r, model: $m, ref: $ref) { id name } }`;
const NODE = `query($id: ID!) { node(id: $id) { id __typename } }`;
const REGISTRIES = `query($first: Int, $after: String) {
  registries(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } }
}`;
const AUDIT = `query($f: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $f, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id at action actor { id } targetType targetId before after requestId registry { name } } }
  }
}`;

interface AuditNode {
  id: string;
  at: string;
  action: string;
  actor: { id: string };
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
  registry: { name: string } | null;
}

let seq = 0;
const tokens: Record<string, Record<string, string>> = {};
const as = async (subject: string, groups?: string[]) =>
  (tokens[`${subject}:${groups?.join(',') ?? ''}`] ??= await s.as(subject, {
    groups,
    expiresIn: 3600,
  }));
const anonymous = { authorization: '' };

/** A registry (made by TEST_ADMIN) with roles, and a model `m` with versions v0 and v1. */
async function registryWith(
  label: string,
  opts: {
    visibility?: string;
    roles?: Record<string, string>;
    model?: boolean;
  } = {},
) {
  const name = `va-${label}-${++seq}`;
  const created = await s.ok(CREATE_REGISTRY, {
    i: { name, visibility: opts.visibility },
  });
  for (const [subject, role] of Object.entries(opts.roles ?? { [ADMIN]: 'ADMIN', [MEMBER]: 'MEMBER' }))
    await s.ok(GRANT, { i: { registry: name, subject, role } });
  const ids = {
    registry: created.createRegistry.registry.id as string,
    model: '',
    version: '',
  };
  if (opts.model !== false) {
    await s.ok(LINK, linkInput(name, 'm'));
    const v1 = await s.ok(LINK, linkInput(name, 'm'));
    ids.model = v1.linkModelVersion.model.id;
    ids.version = v1.linkModelVersion.version.id;
  }
  return { name, ids };
}

function linkInput(registry: string, model: string, aliases?: string[]) {
  const n = ++seq;
  return {
    i: {
      registry,
      model,
      artifact: {
        uri: `s3://va/${registry}/${n}`,
        digest: digestOf(`va-${n}`),
        sizeBytes: n,
      },
      aliases,
    },
  };
}

function expectCode(r: GraphQLResult, code: string) {
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual([code]);
  for (const value of Object.values(r.data ?? {})) expect(value).toBeNull();
}

function expectOk(r: GraphQLResult) {
  expect(r.errors).toBeUndefined();
  return r.data;
}

const countRows = async (sql: string, params: unknown[] = []) => Number((await s.db.ds.query(sql, params))[0].n);
const totalAudit = () => countRows('SELECT COUNT(*) AS n FROM audit_event');

/** Row counts of every table a mutation could touch. */
async function tableCounts() {
  const tables = [
    'registry',
    'registered_model',
    'model_version',
    'model_alias',
    'alias_event',
    'audit_event',
    'role_binding',
  ];
  return Object.fromEntries(
    await Promise.all(tables.map(async (t) => [t, await countRows(`SELECT COUNT(*) AS n FROM ${t}`)])),
  );
}

async function expectDenied(code: string, call: () => Promise<GraphQLResult>) {
  const before = await tableCounts();
  expectCode(await call(), code);
  expect(await tableCounts()).toEqual(before);
}

/** Every registry name the caller's `registries` lists, walking pages of `first`. */
async function allRegistries(h: Record<string, string>, first = 100) {
  const names: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const data: any = await s.ok(REGISTRIES, { first, after }, h);
    names.push(...data.registries.edges.map((e: { node: { name: string } }) => e.node.name));
    if (!data.registries.pageInfo.hasNextPage) break;
    after = data.registries.pageInfo.endCursor;
  }
  return names;
}

/** Every audit event the caller may see under `filter`, walking pages of `first`. */
async function allAudit(
  h: Record<string, string>,
  filter: Record<string, unknown> = {},
  first = 100,
): Promise<AuditNode[]> {
  const nodes: AuditNode[] = [];
  let after: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const data: any = await s.ok(AUDIT, { f: filter, first, after }, h);
    nodes.push(...data.auditEvents.edges.map((e: { node: AuditNode }) => e.node));
    if (!data.auditEvents.pageInfo.hasNextPage) break;
    after = data.auditEvents.pageInfo.endCursor;
  }
  return nodes;
}

describe('a RESTRICTED registry, to a caller without a role', () => {
  // Runs first: ORGANIZATION registries made later in this file are in everyone's lists.
  it('lists exactly the readable registries, pages full: 5 readable among 10, first: 3 gives 3', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `pg-${seq}-${i}`);
    for (const [i, name] of names.entries()) {
      await s.ok(CREATE_REGISTRY, { i: { name } });
      // Interleaved by name, so a filter applied after the page would leave holes.
      if (i % 2 === 0)
        await s.ok(GRANT, {
          i: { registry: name, subject: 'pat', role: 'VIEWER' },
        });
    }
    const readable = names.filter((_, i) => i % 2 === 0);
    const pat = await as('pat');

    const first: any = await s.ok(REGISTRIES, { first: 3 }, pat);
    expect(first.registries.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(readable.slice(0, 3));
    expect(first.registries.pageInfo.hasNextPage).toBe(true);
    expect(first.registries.totalCount).toBe(5);
    const second: any = await s.ok(REGISTRIES, { first: 3, after: first.registries.pageInfo.endCursor }, pat);
    expect(second.registries.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(readable.slice(3));
    expect(second.registries.pageInfo.hasNextPage).toBe(false);

    expect(await allRegistries(pat, 2)).toEqual(readable);
    expect(await allRegistries(pat, 1)).toEqual(readable);
    expect(await allRegistries(await as(OUTSIDER), 3)).toEqual([]);
    // A global admin reads all ten.
    expect((await allRegistries(await as(GLOBAL_ADMIN), 3)).filter((n) => names.includes(n))).toEqual(names);
  });

  it('answers NOT_FOUND on registry, model and modelVersion, as for names that do not exist', async () => {
    const { name } = await registryWith('hidden');
    const olive = await as(OUTSIDER);
    for (const [q, vars] of [
      [REGISTRY, { r: name }],
      [MODEL, { r: name, m: 'm' }],
      [VERSION, { r: name, m: 'm', ref: 'v0' }],
      [VERSION, { r: name, m: 'm', ref: 'latest' }],
    ] as const) {
      const hidden = await s.gql(q, vars, olive);
      expectCode(hidden, 'NOT_FOUND');
      // The same answer as for a registry that was never created: nothing tells them apart.
      const missing = await s.gql(q, { ...vars, r: `${name}-nope` }, olive);
      expectCode(missing, 'NOT_FOUND');
      expect(hidden.errors![0].message.replace(name, 'X')).toBe(
        missing.errors![0].message.replace(`${name}-nope`, 'X'),
      );
    }
  });

  it('answers NOT_FOUND on node(id) of the registry, its model and its version', async () => {
    const { ids } = await registryWith('hidden-node');
    const olive = await as(OUTSIDER);
    for (const id of [ids.registry, ids.model, ids.version]) {
      expectCode(await s.gql(NODE, { id }, olive), 'NOT_FOUND');
      // Readable to someone with a role: the ids are real.
      expect(expectOk(await s.gql(NODE, { id }, await as(MEMBER))).node.id).toBe(id);
    }
  });

  it("leaves the registry out of the outsider's registries and answers NOT_FOUND to their writes", async () => {
    const { name } = await registryWith('hidden-list');
    const olive = await as(OUTSIDER);
    expect(await allRegistries(olive)).not.toContain(name);
    expect(await allRegistries(await as(MEMBER))).toContain(name);
    await expectDenied('NOT_FOUND', async () => s.gql(CREATE_MODEL, { i: { registry: name, name: 'sneaky' } }, olive));
    await expectDenied('NOT_FOUND', async () =>
      s.gql(SET, { i: { registry: name, model: 'm', alias: 'staging', version: 'v0' } }, olive),
    );
    await expectDenied('NOT_FOUND', async () =>
      s.gql(UPDATE_REGISTRY, { i: { registry: name, visibility: 'ORGANIZATION' } }, olive),
    );
  });
});

describe('an ORGANIZATION registry', () => {
  it('is readable by any authenticated caller and in their registries', async () => {
    const { name, ids } = await registryWith('org', {
      visibility: 'ORGANIZATION',
    });
    const olive = await as(OUTSIDER);
    expect(expectOk(await s.gql(REGISTRY, { r: name }, olive)).registry).toEqual({
      id: ids.registry,
      name,
      visibility: 'ORGANIZATION',
    });
    expect(expectOk(await s.gql(MODEL, { r: name, m: 'm' }, olive)).model).toEqual({ id: ids.model, name: 'm' });
    expect(expectOk(await s.gql(VERSION, { r: name, m: 'm', ref: 'latest' }, olive)).modelVersion).toEqual({
      id: ids.version,
      name: 'v1',
    });
    for (const id of [ids.registry, ids.model, ids.version])
      expect(expectOk(await s.gql(NODE, { id }, olive)).node.id).toBe(id);
    expect(await allRegistries(olive)).toContain(name);
  });

  it('forbids writes to a caller without a role, changing nothing', async () => {
    const { name } = await registryWith('org-write', {
      visibility: 'ORGANIZATION',
    });
    const olive = await as(OUTSIDER);
    await expectDenied('FORBIDDEN', () => s.gql(CREATE_MODEL, { i: { registry: name, name: 'sneaky' } }, olive));
    await expectDenied('FORBIDDEN', () => s.gql(LINK, linkInput(name, 'm'), olive));
    await expectDenied('FORBIDDEN', () => s.gql(LINK, linkInput(name, 'brand-new'), olive));
    await expectDenied('FORBIDDEN', () =>
      s.gql(SET, { i: { registry: name, model: 'm', alias: 'staging', version: 'v0' } }, olive),
    );
    await expectDenied('FORBIDDEN', () =>
      s.gql(GRANT, { i: { registry: name, subject: OUTSIDER, role: 'ADMIN' } }, olive),
    );
    await expectDenied('FORBIDDEN', () => s.gql(AUDIT, { f: { registry: name } }, olive));
  });

  it('is still UNAUTHENTICATED to a caller without a token', async () => {
    const { name, ids } = await registryWith('org-anon', {
      visibility: 'ORGANIZATION',
    });
    expectCode(await s.gql(REGISTRY, { r: name }, anonymous), 'UNAUTHENTICATED');
    expectCode(await s.gql(MODEL, { r: name, m: 'm' }, anonymous), 'UNAUTHENTICATED');
    expectCode(await s.gql(NODE, { id: ids.registry }, anonymous), 'UNAUTHENTICATED');
    expectCode(await s.gql(REGISTRIES, {}, anonymous), 'UNAUTHENTICATED');
  });

  it('is NOT_FOUND to an outsider on the next request after an admin switches it to RESTRICTED, and back', async () => {
    const { name, ids } = await registryWith('org-switch', {
      visibility: 'ORGANIZATION',
    });
    const olive = await as(OUTSIDER);
    expectOk(await s.gql(REGISTRY, { r: name }, olive));
    expect(
      expectOk(await s.gql(UPDATE_REGISTRY, { i: { registry: name, visibility: 'RESTRICTED' } }, await as(ADMIN)))
        .updateRegistry.registry,
    ).toEqual({ name, visibility: 'RESTRICTED' });
    expectCode(await s.gql(REGISTRY, { r: name }, olive), 'NOT_FOUND');
    expectCode(await s.gql(NODE, { id: ids.model }, olive), 'NOT_FOUND');
    expect(await allRegistries(olive)).not.toContain(name);
    // The member keeps reading it.
    expectOk(await s.gql(REGISTRY, { r: name }, await as(MEMBER)));

    expectOk(await s.gql(UPDATE_REGISTRY, { i: { registry: name, visibility: 'ORGANIZATION' } }, await as(ADMIN)));
    expect(expectOk(await s.gql(REGISTRY, { r: name }, olive)).registry.visibility).toBe('ORGANIZATION');
  });

  it('forbids a member or a viewer to change visibility, leaving it unchanged', async () => {
    const { name } = await registryWith('org-vis', {
      visibility: 'ORGANIZATION',
      roles: { [ADMIN]: 'ADMIN', [MEMBER]: 'MEMBER', vera: 'VIEWER' },
    });
    for (const who of [MEMBER, 'vera', OUTSIDER]) {
      await expectDenied('FORBIDDEN', async () =>
        s.gql(UPDATE_REGISTRY, { i: { registry: name, visibility: 'RESTRICTED' } }, await as(who)),
      );
    }
    const restricted = await registryWith('restricted-vis');
    await expectDenied('FORBIDDEN', async () =>
      s.gql(UPDATE_REGISTRY, { i: { registry: restricted.name, visibility: 'ORGANIZATION' } }, await as(MEMBER)),
    );
    expect((await s.ok(REGISTRY, { r: name })).registry.visibility).toBe('ORGANIZATION');
    expect((await s.ok(REGISTRY, { r: restricted.name })).registry.visibility).toBe('RESTRICTED');
    expectOk(await s.gql(REGISTRY, { r: name }, await as(OUTSIDER)));
  });
});

describe('auditEvents', () => {
  /** R administered by aria (admin of nothing else) with MEMBER; R2 administered by otto. */
  const R_ADMIN = 'aria';
  let R: string;
  let R2: string;
  beforeAll(async () => {
    R = (
      await registryWith('audit-r', {
        roles: { [R_ADMIN]: 'ADMIN', [MEMBER]: 'MEMBER' },
      })
    ).name;
    R2 = (await registryWith('audit-r2', { roles: { otto: 'ADMIN' } })).name;
    expectOk(await s.gql(SET, { i: { registry: R, model: 'm', alias: 'staging', version: 'v0' } }, await as(MEMBER)));
    expectOk(await s.gql(LINK, linkInput(R, 'other'), await as(MEMBER)));
  });

  const registryEventCount = (name: string) =>
    countRows('SELECT COUNT(*) AS n FROM audit_event e JOIN registry r ON r.id = e.registry_id WHERE r.name = ?', [
      name,
    ]);

  it("shows a registry admin their registry's events, all of them", async () => {
    const events = await allAudit(await as(R_ADMIN), { registry: R }, 7);
    expect(events.length).toBe(await registryEventCount(R));
    expect(new Set(events.map((e) => e.registry?.name))).toEqual(new Set([R]));
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['registry.created', 'role.granted', 'model.created', 'version.linked', 'alias.set']),
    );
    // Without a filter: every registry they administer, which is R alone.
    const unfiltered = await allAudit(await as(R_ADMIN));
    expect(new Set(unfiltered.map((e) => e.registry?.name))).toEqual(new Set([R]));
  });

  it('answers UNAUTHENTICATED to a caller without a token', async () => {
    expect(codeOf(await s.gql(AUDIT, {}, anonymous))).toBe('UNAUTHENTICATED');
    expect(codeOf(await s.gql(AUDIT, { f: { registry: R } }, anonymous))).toBe('UNAUTHENTICATED');
  });

  it('forbids a member to read the audit log of their registry', async () => {
    const mona = await as(MEMBER);
    expectCode(await s.gql(AUDIT, { f: { registry: R } }, mona), 'FORBIDDEN');
    expectCode(await s.gql(AUDIT, { f: { registry: R, action: 'alias.set' } }, mona), 'FORBIDDEN');
  });

  it("shows a member none of the registry's events without a registry filter", async () => {
    const data = await s.ok(AUDIT, { first: 100 }, await as(MEMBER));
    expect(data.auditEvents).toEqual({
      totalCount: 0,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: [],
    });
    const own = await s.ok(AUDIT, { f: { actor: MEMBER } }, await as(MEMBER));
    expect(own.auditEvents.edges).toEqual([]);
  });

  it('answers NOT_FOUND to the admin of another registry, and shows them only their own', async () => {
    const otto = await as('otto');
    expectCode(await s.gql(AUDIT, { f: { registry: R } }, otto), 'NOT_FOUND');
    const events = await allAudit(otto);
    expect(events.length).toBe(await registryEventCount(R2));
    expect(new Set(events.map((e) => e.registry?.name))).toEqual(new Set([R2]));
  });

  it('shows a global admin the events of all registries', async () => {
    const events = await allAudit(await as(GLOBAL_ADMIN));
    expect(events.length).toBe(await totalAudit());
    const names = new Set(events.map((e) => e.registry?.name));
    expect(names.has(R) && names.has(R2)).toBe(true);
    expect((await allAudit(await as(GLOBAL_ADMIN), { registry: R })).length).toBe(await registryEventCount(R));
  });

  it('filters by action, actor and model', async () => {
    const ada = await as(R_ADMIN);
    const set = await allAudit(ada, { registry: R, action: 'alias.set' });
    expect(set.length).toBeGreaterThan(0);
    expect(set.every((e) => e.action === 'alias.set')).toBe(true);
    expect(set.length).toBe(
      await countRows(
        "SELECT COUNT(*) AS n FROM audit_event e JOIN registry r ON r.id = e.registry_id WHERE r.name = ? AND e.action = 'alias.set'",
        [R],
      ),
    );

    const byMember = await allAudit(ada, { registry: R, actor: MEMBER });
    expect(byMember.map((e) => e.actor.id)).toEqual(byMember.map(() => MEMBER));
    expect(byMember.map((e) => e.action).sort()).toEqual(['alias.set', 'alias.set', 'model.created', 'version.linked']);

    const other = await allAudit(ada, { registry: R, model: 'other' });
    const otherId = (await s.ok(MODEL, { r: R, m: 'other' })).model.id;
    expect(other.length).toBe(
      await countRows(
        'SELECT COUNT(*) AS n FROM audit_event e JOIN registered_model m ON m.id = e.model_id WHERE m.name = ? AND m.registry_id = (SELECT id FROM registry WHERE name = ?)',
        ['other', R],
      ),
    );
    expect(other.map((e) => e.action).sort()).toEqual(['alias.set', 'model.created', 'version.linked']);
    expect(
      other
        .filter((e) => e.targetType === 'RegisteredModel' || e.targetType === 'Alias')
        .every((e) => e.targetId === otherId),
    ).toBe(true);
    const m = await allAudit(ada, { registry: R, model: 'm' });
    expect(m.some((e) => e.action === 'alias.set' && e.after?.alias === 'staging')).toBe(true);
    expect(m.some((e) => other.some((o) => o.id === e.id))).toBe(false);

    expectCode(await s.gql(AUDIT, { f: { registry: R, model: 'no-such-model' } }, ada), 'NOT_FOUND');
  });

  it('filters by a time range: since inclusive, until exclusive', async () => {
    const ada = await as(R_ADMIN);
    const sleep = () => new Promise((r) => setTimeout(r, 30));
    await sleep();
    const t0 = new Date();
    await sleep();
    expectOk(await s.gql(SET, { i: { registry: R, model: 'm', alias: 'window-1', version: 'v0' } }, ada));
    expectOk(await s.gql(SET, { i: { registry: R, model: 'm', alias: 'window-2', version: 'v1' } }, ada));
    await sleep();
    const t1 = new Date();
    await sleep();
    expectOk(await s.gql(SET, { i: { registry: R, model: 'm', alias: 'window-3', version: 'v1' } }, ada));

    const inWindow = await allAudit(ada, {
      registry: R,
      since: t0.toISOString(),
      until: t1.toISOString(),
    });
    expect(inWindow.map((e) => e.after?.alias)).toEqual(['window-2', 'window-1']);
    const after = await allAudit(ada, { registry: R, since: t1.toISOString() });
    expect(after.map((e) => e.after?.alias)).toEqual(['window-3']);
    const before = await allAudit(ada, {
      registry: R,
      until: t0.toISOString(),
    });
    expect(before.some((e) => typeof e.after?.alias === 'string' && e.after.alias.startsWith('window-'))).toBe(false);
    // since is inclusive and until exclusive: an event's own time selects it as since, not as until.
    const [w1] = inWindow.slice(-1);
    expect((await allAudit(ada, { registry: R, since: w1.at, until: w1.at })).length).toBe(0);
    expect((await allAudit(ada, { registry: R, since: w1.at })).map((e) => e.id)).toContain(w1.id);
    expect((await allAudit(ada, { registry: R, until: w1.at })).map((e) => e.id)).not.toContain(w1.id);
  });

  it('records the x-request-id the caller sent', async () => {
    const ada = await as(R_ADMIN);
    expectOk(
      await s.gql(
        SET,
        { i: { registry: R, model: 'm', alias: 'traced', version: 'v0' } },
        { ...ada, 'x-request-id': 'audit-check-1' },
      ),
    );
    const [event] = (await allAudit(ada, { registry: R, action: 'alias.set' })).filter(
      (e) => e.after?.alias === 'traced',
    );
    expect(event).toMatchObject({
      action: 'alias.set',
      actor: { id: R_ADMIN },
      requestId: 'audit-check-1',
    });
    // Requests made through the test support carry their own ids.
    const others = await allAudit(ada, { registry: R });
    expect(others.filter((e) => e.id !== event.id).every((e) => /^test-\d+-\d+$/.test(e.requestId ?? ''))).toBe(true);
  });

  it('records grants and revokes as role.granted and role.revoked with before and after', async () => {
    const ada = await as(R_ADMIN);
    expect(
      expectOk(await s.gql(GRANT, { i: { registry: R, subject: 'vic', role: 'VIEWER' } }, ada)).grantRole.previousRole,
    ).toBeNull();
    expect(
      expectOk(await s.gql(GRANT, { i: { registry: R, subject: 'vic', role: 'MEMBER' } }, ada)).grantRole.previousRole,
    ).toBe('VIEWER');
    expectOk(await s.gql(REVOKE, { i: { registry: R, subject: 'vic' } }, ada));

    const roleEvents = (await allAudit(ada, { registry: R, actor: R_ADMIN })).filter((e) =>
      e.action.startsWith('role.'),
    );
    const registryId = (await s.ok(REGISTRY, { r: R })).registry.id;
    expect(
      roleEvents.map(({ action, actor, targetType, targetId, before, after, registry }) => ({
        action,
        actor,
        targetType,
        targetId,
        before,
        after,
        registry,
      })),
    ).toEqual([
      {
        action: 'role.revoked',
        actor: { id: R_ADMIN },
        targetType: 'RoleBinding',
        targetId: registryId,
        before: { subject: 'vic', role: 'MEMBER' },
        after: null,
        registry: { name: R },
      },
      {
        action: 'role.granted',
        actor: { id: R_ADMIN },
        targetType: 'RoleBinding',
        targetId: registryId,
        before: { subject: 'vic', role: 'VIEWER' },
        after: { subject: 'vic', role: 'MEMBER' },
        registry: { name: R },
      },
      {
        action: 'role.granted',
        actor: { id: R_ADMIN },
        targetType: 'RoleBinding',
        targetId: registryId,
        before: null,
        after: { subject: 'vic', role: 'VIEWER' },
        registry: { name: R },
      },
    ]);
  });

  it('writes no audit event for a denied mutation', async () => {
    const mona = await as(MEMBER);
    const before = await totalAudit();
    expectCode(
      await s.gql(SET, { i: { registry: R, model: 'm', alias: 'production', version: 'v0' } }, mona),
      'FORBIDDEN',
    );
    expectCode(await s.gql(GRANT, { i: { registry: R, subject: MEMBER, role: 'ADMIN' } }, mona), 'FORBIDDEN');
    expectCode(await s.gql(UPDATE_REGISTRY, { i: { registry: R, protectedAliases: [] } }, mona), 'FORBIDDEN');
    expectCode(await s.gql(CREATE_REGISTRY, { i: { name: `va-denied-${++seq}` } }, mona), 'FORBIDDEN');
    expectCode(await s.gql(CREATE_MODEL, { i: { registry: R, name: 'nope' } }, await as(OUTSIDER)), 'NOT_FOUND');
    expectCode(await s.gql(CREATE_MODEL, { i: { registry: R, name: 'nope' } }, anonymous), 'UNAUTHENTICATED');
    expect(await totalAudit()).toBe(before);
  });

  it('pages newest first without duplicates or gaps', async () => {
    const ada = await as(R_ADMIN);
    const whole = await allAudit(ada, { registry: R }, 100);
    expect(whole.length).toBe(await registryEventCount(R));
    expect(whole.length).toBeGreaterThan(10);
    for (const size of [1, 3, 4]) {
      const paged = await allAudit(ada, { registry: R }, size);
      expect(paged.map((e) => e.id)).toEqual(whole.map((e) => e.id));
    }
    expect(new Set(whole.map((e) => e.id)).size).toBe(whole.length);
    const times = whole.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const rows: { id: string }[] = await s.db.ds.query(
      'SELECT e.id FROM audit_event e JOIN registry r ON r.id = e.registry_id WHERE r.name = ?',
      [R],
    );
    expect(whole.map((e) => e.id).sort()).toEqual(rows.map((r) => r.id).sort());
    // A change made between pages is newer than the cursor: it neither repeats nor shifts later pages.
    const page1 = await s.ok(AUDIT, { f: { registry: R }, first: 5 }, ada);
    expectOk(
      await s.gql(
        SET,
        {
          i: { registry: R, model: 'm', alias: 'between-pages', version: 'v1' },
        },
        ada,
      ),
    );
    const page2 = await s.ok(
      AUDIT,
      {
        f: { registry: R },
        first: 5,
        after: page1.auditEvents.pageInfo.endCursor,
      },
      ada,
    );
    expect(page1.auditEvents.edges.map((e: { node: AuditNode }) => e.node.id)).toEqual(
      whole.slice(0, 5).map((e) => e.id),
    );
    expect(page2.auditEvents.edges.map((e: { node: AuditNode }) => e.node.id)).toEqual(
      whole.slice(5, 10).map((e) => e.id),
    );
    const newest = (await s.ok(AUDIT, { f: { registry: R }, first: 1 }, ada)).auditEvents.edges[0].node;
    expect(newest).toMatchObject({
      action: 'alias.set',
      after: expect.objectContaining({ alias: 'between-pages' }),
    });
  });

  it('offers no mutation that updates or deletes an audit event', async () => {
    const data = await s.ok(`{ __schema { mutationType { fields { name } } } }`);
    const names: string[] = data.__schema.mutationType.fields.map((f: { name: string }) => f.name);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => /audit/i.test(n))).toEqual([]);
  });
});
