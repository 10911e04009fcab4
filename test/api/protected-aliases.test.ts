import { App, startApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/common/logger';
import { createDataSource } from '../../src/db/data-source';
import { DataSource } from 'typeorm';
import { AUDIENCE, ISSUER } from '../support/identity-provider';
import {
  codeOf,
  digestOf,
  GraphQLResult,
  postGraphQL,
  startTestServer,
  TEST_ADMIN,
  TestServer,
} from '../support/server';

/**
 * The headline rule: only registry admins set, move or remove a protected alias, by any route
 * (setAlias, removeAlias, linkModelVersion with aliases), whatever the case of its name, with
 * the registry's own protectedAliases list; a denied call changes nothing; an admin's move is in
 * the alias history and the audit log; grants and revokes apply on the next request, and on a
 * second instance sharing the database within seconds.
 */

let s: TestServer;
beforeAll(async () => (s = await startTestServer({ AUTH_POLICY_POLL_MS: '200' })));
afterAll(() => s?.stop());

/** A registry admin (not a global admin), a member and a member by group. */
const ADMIN = 'ada';
const MEMBER = 'mona';

const CREATE_REGISTRY = `mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id name protectedAliases } } }`;
const UPDATE_REGISTRY = `mutation($i: UpdateRegistryInput!) { updateRegistry(input: $i) { registry { name protectedAliases visibility } } }`;
const GRANT = `mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { subject role } previousRole } }`;
const REVOKE = `mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { binding { subject role } } }`;
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { name number aliases } } }`;
const SET = `mutation($i: SetAliasInput!) {
  setAlias(input: $i) { alias { name protected version { name } updatedBy { id } } previousVersion { name } changed }
}`;
const REMOVE = `mutation($i: RemoveAliasInput!) { removeAlias(input: $i) { alias previousVersion { name } } }`;
const HISTORY = `query($r: String!, $m: String!, $alias: String) {
  model(registry: $r, name: $m) {
    aliasHistory(alias: $alias, first: 100) { edges { node { alias fromVersion { name } toVersion { name } actor { id } reason } } }
  }
}`;
const AUDIT = `query($f: AuditEventFilter, $first: Int) {
  auditEvents(filter: $f, first: $first) {
    edges { node { action actor { id } targetType before after requestId registry { name } } }
  }
}`;
const ALIASES = `query($r: String!, $m: String!) { model(registry: $r, name: $m) { aliases { name protected version { name } } } }`;
const REGISTRY = `query($r: String!) { registry(name: $r) { name protectedAliases } }`;

interface Target {
  registry: string;
  model: string;
}

let seq = 0;
const headers: Record<string, Record<string, string>> = {};
const as = async (subject: string, groups?: string[]) =>
  (headers[`${subject}:${groups?.join(',') ?? ''}`] ??= await s.as(subject, {
    groups,
    expiresIn: 3600,
  }));

async function registry(
  label: string,
  bindings: Record<string, string> = { [ADMIN]: 'ADMIN', [MEMBER]: 'MEMBER' },
  protectedAliases?: string[],
) {
  const name = `pa-${label}-${++seq}`;
  await s.ok(CREATE_REGISTRY, { i: { name, protectedAliases } });
  for (const [subject, role] of Object.entries(bindings)) await s.ok(GRANT, { i: { registry: name, subject, role } });
  return name;
}

function linkInput(t: Target, aliases?: string[]) {
  const n = ++seq;
  return {
    i: {
      ...t,
      artifact: {
        uri: `s3://pa/${t.model}/${n}`,
        digest: digestOf(`pa-${n}`),
        sizeBytes: n,
      },
      aliases,
    },
  };
}

/** A registry (admin ADMIN, member MEMBER) with a model of `versions` versions, linked by TEST_ADMIN. */
async function model(label: string, versions = 3, protectedAliases?: string[]): Promise<Target> {
  const t = {
    registry: await registry(label, undefined, protectedAliases),
    model: 'classifier',
  };
  for (let i = 0; i < versions; i++) await s.ok(LINK, linkInput(t));
  return t;
}

const setAlias = async (t: Target, alias: string, version: string, who: string, extra: Record<string, unknown> = {}) =>
  s.gql(SET, { i: { ...t, alias, version, ...extra } }, await as(who));
const removeAlias = async (t: Target, alias: string, who: string) =>
  s.gql(REMOVE, { i: { ...t, alias } }, await as(who));
const link = async (t: Target, aliases: string[], who: string) => s.gql(LINK, linkInput(t, aliases), await as(who));

function expectOk(r: GraphQLResult) {
  expect(r.errors).toBeUndefined();
  return r.data;
}

function expectCode(r: GraphQLResult, code: string) {
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual([code]);
  // A denied mutation nulls the whole response; a denied nullable query field is null.
  for (const value of Object.values(r.data ?? {})) expect(value).toBeNull();
}

/** Everything a denied call in `registry` could have touched, read straight from the database. */
async function snapshot(registryName: string) {
  const q = (sql: string) => s.db.ds.query(sql, [registryName]);
  const byModel =
    'JOIN registered_model m ON m.id = x.model_id JOIN registry r ON r.id = m.registry_id WHERE r.name = ?';
  const aliases: {
    name: string;
    number: unknown;
    updated_at: unknown;
    updated_by: string;
  }[] = await q(
    `SELECT x.name, v.number, x.updated_at, x.updated_by FROM model_alias x JOIN model_version v ON v.id = x.version_id ${byModel} ORDER BY x.name, v.number`,
  );
  const ids = async (sql: string) => ((await q(sql)) as { id: string }[]).map((r) => r.id);
  const [reg] = await q('SELECT protected_aliases, visibility, updated_at FROM registry WHERE name = ?');
  return {
    registry: {
      protectedAliases: String(reg.protected_aliases),
      visibility: reg.visibility,
      updatedAt: String(reg.updated_at instanceof Date ? reg.updated_at.toISOString() : reg.updated_at),
    },
    models: await ids(
      'SELECT x.id FROM registered_model x JOIN registry r ON r.id = x.registry_id WHERE r.name = ? ORDER BY x.id',
    ),
    versions: await ids(`SELECT x.id FROM model_version x ${byModel} ORDER BY x.id`),
    aliases: aliases.map(
      (a) =>
        `${a.name}=v${Number(a.number)} by ${a.updated_by} at ${a.updated_at instanceof Date ? a.updated_at.toISOString() : String(a.updated_at)}`,
    ),
    aliasEvents: await ids(`SELECT x.id FROM alias_event x ${byModel} ORDER BY x.id`),
    auditEvents: await ids(
      'SELECT x.id FROM audit_event x JOIN registry r ON r.id = x.registry_id WHERE r.name = ? ORDER BY x.id',
    ),
    roleBindings: (
      (await q(
        'SELECT b.subject, b.role FROM role_binding b JOIN registry r ON r.id = b.registry_id WHERE r.name = ? ORDER BY b.subject',
      )) as { subject: string; role: string }[]
    ).map((b) => `${b.subject}:${b.role}`),
  };
}

/** Runs a call that must be denied with `code`, and checks that nothing in the registry changed. */
async function expectDenied(registryName: string, code: string, call: () => Promise<GraphQLResult>) {
  const before = await snapshot(registryName);
  const totalAudit = Number((await s.db.ds.query('SELECT COUNT(*) AS n FROM audit_event'))[0].n);
  expectCode(await call(), code);
  expect(await snapshot(registryName)).toEqual(before);
  expect(Number((await s.db.ds.query('SELECT COUNT(*) AS n FROM audit_event'))[0].n)).toBe(totalAudit);
}

async function aliasMap(t: Target) {
  const data = await s.ok(ALIASES, { r: t.registry, m: t.model });
  return Object.fromEntries(
    data.model.aliases.map((a: { name: string; protected: boolean; version: { name: string } }) => [
      a.name,
      `${a.version.name}${a.protected ? ' (protected)' : ''}`,
    ]),
  );
}

describe('a member and the production alias', () => {
  it('lets a member set and move staging', async () => {
    const t = await model('staging');
    expect(expectOk(await setAlias(t, 'staging', 'v0', MEMBER)).setAlias).toEqual({
      alias: {
        name: 'staging',
        protected: false,
        version: { name: 'v0' },
        updatedBy: { id: MEMBER },
      },
      previousVersion: null,
      changed: true,
    });
    expect(expectOk(await setAlias(t, 'staging', 'v1', MEMBER, { reason: 'better recall' })).setAlias).toEqual({
      alias: {
        name: 'staging',
        protected: false,
        version: { name: 'v1' },
        updatedBy: { id: MEMBER },
      },
      previousVersion: { name: 'v0' },
      changed: true,
    });
    expect(expectOk(await removeAlias(t, 'staging', MEMBER)).removeAlias).toEqual({
      alias: 'staging',
      previousVersion: { name: 'v1' },
    });
    expect(expectOk(await link(t, ['staging'], MEMBER)).linkModelVersion.version).toEqual({
      name: 'v3',
      number: 3,
      aliases: ['latest', 'staging'],
    });
  });

  it('forbids a member to move production with setAlias, and changes nothing', async () => {
    const t = await model('set');
    expectOk(await setAlias(t, 'production', 'v0', ADMIN));
    await expectDenied(t.registry, 'FORBIDDEN', () => setAlias(t, 'production', 'v1', MEMBER));
    await expectDenied(t.registry, 'FORBIDDEN', () =>
      setAlias(t, 'production', 'latest', MEMBER, {
        expectedVersion: 'v0',
        reason: 'sneaky',
      }),
    );
    // Pointing it where it already is would write nothing, but is still not the member's call.
    await expectDenied(t.registry, 'FORBIDDEN', () => setAlias(t, 'production', 'v0', MEMBER));
    expect(await aliasMap(t)).toEqual({
      latest: 'v2',
      production: 'v0 (protected)',
    });
  });

  it('forbids a member to set production for the first time with setAlias', async () => {
    const t = await model('set-new');
    await expectDenied(t.registry, 'FORBIDDEN', () => setAlias(t, 'production', 'v1', MEMBER));
    expect(await aliasMap(t)).toEqual({ latest: 'v2' });
  });

  it('forbids a member to remove production with removeAlias, and changes nothing', async () => {
    const t = await model('remove');
    expectOk(await setAlias(t, 'production', 'v1', ADMIN));
    await expectDenied(t.registry, 'FORBIDDEN', () => removeAlias(t, 'production', MEMBER));
    expect(await aliasMap(t)).toEqual({
      latest: 'v2',
      production: 'v1 (protected)',
    });
  });

  it('forbids a member to link a version with aliases ["production"]: no version, no alias, no event', async () => {
    const t = await model('link');
    expectOk(await setAlias(t, 'production', 'v0', ADMIN));
    await expectDenied(t.registry, 'FORBIDDEN', () => link(t, ['production'], MEMBER));
    // A harmless alias alongside does not smuggle it through, and is not applied either.
    await expectDenied(t.registry, 'FORBIDDEN', () => link(t, ['staging', 'production'], MEMBER));
    expect(await aliasMap(t)).toEqual({
      latest: 'v2',
      production: 'v0 (protected)',
    });
  });

  it('forbids a member to create a model by linking with aliases ["production"]: the model is not created', async () => {
    const t = { registry: await registry('link-new'), model: 'fresh' };
    await expectDenied(t.registry, 'FORBIDDEN', () => link(t, ['production'], MEMBER));
    expectCode(await s.gql(ALIASES, { r: t.registry, m: t.model }), 'NOT_FOUND');
  });

  it('forbids a member by group exactly like a member', async () => {
    const t = await model('group');
    await s.ok(GRANT, {
      i: { registry: t.registry, subject: 'group:ml', role: 'MEMBER' },
    });
    const gus = await as('gus', ['ml']);
    expectOk(await s.gql(SET, { i: { ...t, alias: 'staging', version: 'v0' } }, gus));
    await expectDenied(t.registry, 'FORBIDDEN', () =>
      s.gql(SET, { i: { ...t, alias: 'production', version: 'v0' } }, gus),
    );
    await expectDenied(t.registry, 'FORBIDDEN', () => s.gql(LINK, linkInput(t, ['production']), gus));
  });
});

describe("an admin's move of production", () => {
  it('lets a registry admin set and move production, recorded in aliasHistory with actor, from, to and reason', async () => {
    const t = await model('admin-move');
    expect(
      expectOk(
        await setAlias(t, 'production', 'v0', ADMIN, {
          reason: 'first release',
        }),
      ).setAlias.changed,
    ).toBe(true);
    expect(
      expectOk(
        await setAlias(t, 'production', 'v1', ADMIN, {
          reason: 'v1 beats v0 on recall',
        }),
      ).setAlias,
    ).toEqual({
      alias: {
        name: 'production',
        protected: true,
        version: { name: 'v1' },
        updatedBy: { id: ADMIN },
      },
      previousVersion: { name: 'v0' },
      changed: true,
    });
    const h = await s.ok(HISTORY, { r: t.registry, m: t.model, alias: 'production' }, await as(ADMIN));
    expect(h.model.aliasHistory.edges.map((e: { node: unknown }) => e.node)).toEqual([
      {
        alias: 'production',
        fromVersion: { name: 'v0' },
        toVersion: { name: 'v1' },
        actor: { id: ADMIN },
        reason: 'v1 beats v0 on recall',
      },
      {
        alias: 'production',
        fromVersion: null,
        toVersion: { name: 'v0' },
        actor: { id: ADMIN },
        reason: 'first release',
      },
    ]);
  });

  it('records the set and the move in auditEvents with before and after', async () => {
    const t = await model('admin-audit');
    expectOk(await setAlias(t, 'production', 'v0', ADMIN));
    expectOk(await setAlias(t, 'production', 'v2', ADMIN, { reason: 'promote' }));
    const audit = async (action: string) =>
      (await s.ok(AUDIT, { f: { registry: t.registry, action } }, await as(ADMIN))).auditEvents.edges.map(
        (e: { node: any }) => e.node,
      );

    // `latest` moves with every link and is audited too; the production move is the newest event.
    // A move is an alias.set with a `before` (the webhook event of the same name has a previousVersion).
    const production = (await audit('alias.set')).filter(
      (e: { after: { alias: string } }) => e.after.alias === 'production',
    );
    expect(production).toHaveLength(2);
    const moved = production.filter((e: { before: unknown }) => e.before !== null);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({
      action: 'alias.set',
      actor: { id: ADMIN },
      targetType: 'Alias',
      registry: { name: t.registry },
    });
    expect(moved[0].before).toMatchObject({
      alias: 'production',
      version: 'v0',
    });
    expect(moved[0].after).toMatchObject({
      alias: 'production',
      version: 'v2',
      reason: 'promote',
    });
    expect(moved[0].requestId).toMatch(/^test-\d+-\d+$/);

    const set = production.filter((e: { before: unknown }) => e.before === null);
    expect(set).toHaveLength(1);
    expect(set[0]).toMatchObject({
      action: 'alias.set',
      actor: { id: ADMIN },
      before: null,
    });
    expect(set[0].after).toMatchObject({ alias: 'production', version: 'v0' });
  });

  it('lets an admin remove production and link a version with aliases ["production"]', async () => {
    const t = await model('admin-link');
    expectOk(await setAlias(t, 'production', 'v0', ADMIN));
    expect(expectOk(await removeAlias(t, 'production', ADMIN)).removeAlias).toEqual({
      alias: 'production',
      previousVersion: { name: 'v0' },
    });
    expect(expectOk(await link(t, ['production'], ADMIN)).linkModelVersion.version).toEqual({
      name: 'v3',
      number: 3,
      aliases: ['latest', 'production'],
    });
    expect(await aliasMap(t)).toEqual({
      latest: 'v3',
      production: 'v3 (protected)',
    });
  });
});

describe('protection ignores case', () => {
  it.each(['Production', 'PRODUCTION', 'pRoDuCtIoN'])(
    'forbids a member to set %s by setAlias and linkModelVersion',
    async (alias) => {
      const t = await model(`case-${alias.toLowerCase()}`);
      await expectDenied(t.registry, 'FORBIDDEN', () => setAlias(t, alias, 'v0', MEMBER));
      await expectDenied(t.registry, 'FORBIDDEN', () => link(t, [alias], MEMBER));
      expect(await aliasMap(t)).toEqual({ latest: 'v2' });
    },
  );

  it('keeps production, Production and PRODUCTION distinct aliases once an admin sets them, all protected', async () => {
    const t = await model('case-distinct');
    expectOk(await setAlias(t, 'production', 'v0', ADMIN));
    expectOk(await setAlias(t, 'Production', 'v1', ADMIN));
    expectOk(await setAlias(t, 'PRODUCTION', 'v2', ADMIN));
    expect(await aliasMap(t)).toEqual({
      latest: 'v2',
      production: 'v0 (protected)',
      Production: 'v1 (protected)',
      PRODUCTION: 'v2 (protected)',
    });
    const resolve = async (ref: string) =>
      (
        await s.ok(
          `query($r: String!, $m: String!, $ref: String!) { modelVersion(registry: $r, model: $m, ref: $ref) { name } }`,
          { r: t.registry, m: t.model, ref },
        )
      ).modelVersion.name;
    expect([await resolve('production'), await resolve('Production'), await resolve('PRODUCTION')]).toEqual([
      'v0',
      'v1',
      'v2',
    ]);

    await expectDenied(t.registry, 'FORBIDDEN', () => setAlias(t, 'Production', 'v0', MEMBER));
    await expectDenied(t.registry, 'FORBIDDEN', () => removeAlias(t, 'PRODUCTION', MEMBER));
    // Removing one leaves the others alone.
    expectOk(await removeAlias(t, 'Production', ADMIN));
    expect(await aliasMap(t)).toEqual({
      latest: 'v2',
      production: 'v0 (protected)',
      PRODUCTION: 'v2 (protected)',
    });
  });
});

describe('custom protectedAliases', () => {
  it('protects champion once an admin adds it to protectedAliases', async () => {
    const t = await model('champion');
    expectOk(await setAlias(t, 'champion', 'v0', MEMBER));
    const r = expectOk(
      await s.gql(
        UPDATE_REGISTRY,
        {
          i: {
            registry: t.registry,
            protectedAliases: ['production', 'champion'],
          },
        },
        await as(ADMIN),
      ),
    );
    expect(r.updateRegistry.registry.protectedAliases).toEqual(['production', 'champion']);

    await expectDenied(t.registry, 'FORBIDDEN', () => setAlias(t, 'champion', 'v1', MEMBER));
    await expectDenied(t.registry, 'FORBIDDEN', () => removeAlias(t, 'champion', MEMBER));
    await expectDenied(t.registry, 'FORBIDDEN', () => link(t, ['Champion'], MEMBER));
    expect(await aliasMap(t)).toEqual({
      latest: 'v2',
      champion: 'v0 (protected)',
    });
    expectOk(await setAlias(t, 'champion', 'v1', ADMIN));
  });

  it('honours protectedAliases given at createRegistry', async () => {
    const t = await model('created-with', 2, ['champion']);
    expect((await s.ok(REGISTRY, { r: t.registry })).registry.protectedAliases).toEqual(['champion']);
    await expectDenied(t.registry, 'FORBIDDEN', () => setAlias(t, 'champion', 'v0', MEMBER));
    expect(expectOk(await setAlias(t, 'production', 'v0', MEMBER)).setAlias.alias).toMatchObject({
      name: 'production',
      protected: false,
    });
  });

  it('forbids a member to change protectedAliases, leaving them unchanged', async () => {
    const t = await model('member-list', 1);
    const member = await as(MEMBER);
    await expectDenied(t.registry, 'FORBIDDEN', () =>
      s.gql(UPDATE_REGISTRY, { i: { registry: t.registry, protectedAliases: [] } }, member),
    );
    await expectDenied(t.registry, 'FORBIDDEN', () =>
      s.gql(
        UPDATE_REGISTRY,
        {
          i: {
            registry: t.registry,
            protectedAliases: ['production', 'champion'],
          },
        },
        member,
      ),
    );
    expect((await s.ok(REGISTRY, { r: t.registry }, member)).registry.protectedAliases).toEqual(['production']);
    await expectDenied(t.registry, 'FORBIDDEN', () => setAlias(t, 'production', 'v0', MEMBER));
  });

  it('lets a member move production after an admin takes it off the list', async () => {
    const t = await model('unprotect');
    expectOk(await setAlias(t, 'production', 'v0', ADMIN));
    await expectDenied(t.registry, 'FORBIDDEN', () => setAlias(t, 'production', 'v1', MEMBER));
    expectOk(
      await s.gql(UPDATE_REGISTRY, { i: { registry: t.registry, protectedAliases: ['champion'] } }, await as(ADMIN)),
    );
    expect(expectOk(await setAlias(t, 'production', 'v1', MEMBER)).setAlias).toMatchObject({
      alias: { name: 'production', protected: false, version: { name: 'v1' } },
      previousVersion: { name: 'v0' },
    });
    expect(expectOk(await removeAlias(t, 'production', MEMBER)).removeAlias.alias).toBe('production');
    // And back on the list, it is protected again from the next request.
    expectOk(
      await s.gql(
        UPDATE_REGISTRY,
        {
          i: {
            registry: t.registry,
            protectedAliases: ['champion', 'production'],
          },
        },
        await as(ADMIN),
      ),
    );
    await expectDenied(t.registry, 'FORBIDDEN', () => setAlias(t, 'production', 'v2', MEMBER));
  });
});

describe('grants and revokes on the next request', () => {
  it('lets a member who is granted ADMIN move production on the very next request', async () => {
    const t = await model('promote');
    const newbie = await as('newbie');
    await s.ok(GRANT, {
      i: { registry: t.registry, subject: 'newbie', role: 'MEMBER' },
    });
    await expectDenied(t.registry, 'FORBIDDEN', () =>
      s.gql(SET, { i: { ...t, alias: 'production', version: 'v1' } }, newbie),
    );
    const g = expectOk(
      await s.gql(GRANT, { i: { registry: t.registry, subject: 'newbie', role: 'ADMIN' } }, await as(ADMIN)),
    );
    expect(g.grantRole).toEqual({
      binding: { subject: 'newbie', role: 'ADMIN' },
      previousRole: 'MEMBER',
    });
    expect(
      expectOk(await s.gql(SET, { i: { ...t, alias: 'production', version: 'v1' } }, newbie)).setAlias.alias,
    ).toMatchObject({
      name: 'production',
      version: { name: 'v1' },
      updatedBy: { id: 'newbie' },
    });
  });

  it('takes a demotion from ADMIN to MEMBER on the very next request', async () => {
    const t = await model('demote');
    await s.ok(GRANT, {
      i: { registry: t.registry, subject: 'dora', role: 'ADMIN' },
    });
    expectOk(await setAlias(t, 'production', 'v0', 'dora'));
    await s.ok(GRANT, {
      i: { registry: t.registry, subject: 'dora', role: 'MEMBER' },
    });
    await expectDenied(t.registry, 'FORBIDDEN', () => setAlias(t, 'production', 'v1', 'dora'));
  });

  it('answers NOT_FOUND on the restricted registry on the very next request after a revoke', async () => {
    const t = await model('revoke');
    await s.ok(GRANT, {
      i: { registry: t.registry, subject: 'rex', role: 'ADMIN' },
    });
    expectOk(await setAlias(t, 'production', 'v0', 'rex'));
    expect(
      expectOk(await s.gql(REVOKE, { i: { registry: t.registry, subject: 'rex' } }, await as(ADMIN))).revokeRole
        .binding,
    ).toEqual({ subject: 'rex', role: 'ADMIN' });
    const rex = await as('rex');
    expectCode(await s.gql(REGISTRY, { r: t.registry }, rex), 'NOT_FOUND');
    await expectDenied(t.registry, 'NOT_FOUND', () =>
      s.gql(SET, { i: { ...t, alias: 'production', version: 'v1' } }, rex),
    );
  });
});

describe('two instances sharing one database', () => {
  let ds2: DataSource;
  let b: App;

  beforeAll(async () => {
    ds2 = createDataSource(s.db.config);
    await ds2.initialize();
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      AUTH_JWKS_URL: s.idp.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_ADMINS: TEST_ADMIN,
      AUTH_JWKS_COOLDOWN_MS: '0',
      AUTH_POLICY_POLL_MS: '200',
    });
    b = await startApp(config, ds2, createLogger('error'));
  });
  afterAll(async () => {
    await b?.stop();
    if (ds2?.isInitialized) await ds2.destroy();
  });

  function onB(query: string, variables: Record<string, unknown>, h: Record<string, string>): Promise<GraphQLResult> {
    return postGraphQL(b.url, query, variables, h);
  }

  /** Asks instance B until `done` holds, for at most 5 s; returns the time it took. */
  async function untilOnB(
    ask: () => Promise<GraphQLResult>,
    done: (r: GraphQLResult) => boolean,
  ): Promise<{ ms: number; last: GraphQLResult }> {
    const start = Date.now();
    let last = await ask();
    while (!done(last) && Date.now() - start < 5000) {
      await new Promise((r) => setTimeout(r, 50));
      last = await ask();
    }
    return { ms: Date.now() - start, last };
  }

  it('honours on instance B, within 5 s, an ADMIN grant made through instance A', async () => {
    const t = await model('instances-grant');
    await s.ok(GRANT, {
      i: { registry: t.registry, subject: 'bea', role: 'MEMBER' },
    });
    const bea = await as('bea');
    const audit = () => onB(AUDIT, { f: { registry: t.registry } }, bea);
    // B knows bea as a member: the registry is there, its audit log and production are not hers.
    await untilOnB(
      () => onB(REGISTRY, { r: t.registry }, bea),
      (r) => !r.errors,
    );
    expect(codeOf(await audit())).toBe('FORBIDDEN');
    await expectDenied(t.registry, 'FORBIDDEN', () =>
      onB(SET, { i: { ...t, alias: 'production', version: 'v1' } }, bea),
    );

    expectOk(await s.gql(GRANT, { i: { registry: t.registry, subject: 'bea', role: 'ADMIN' } }, await as(ADMIN)));
    const { ms, last } = await untilOnB(audit, (r) => !r.errors);
    expect(last.errors).toBeUndefined();
    expect(ms).toBeLessThan(5000);
    expect(
      expectOk(await onB(SET, { i: { ...t, alias: 'production', version: 'v1' } }, bea)).setAlias.alias,
    ).toMatchObject({
      name: 'production',
      version: { name: 'v1' },
      updatedBy: { id: 'bea' },
    });
  });

  it('honours on instance B, within 5 s, a revoke made through instance A', async () => {
    const t = await model('instances-revoke');
    await s.ok(GRANT, {
      i: { registry: t.registry, subject: 'ben', role: 'ADMIN' },
    });
    const ben = await as('ben');
    const read = () => onB(REGISTRY, { r: t.registry }, ben);
    const seen = await untilOnB(read, (r) => !r.errors);
    expect(seen.last.errors).toBeUndefined();

    expectOk(await s.gql(REVOKE, { i: { registry: t.registry, subject: 'ben' } }, await as(ADMIN)));
    const { ms, last } = await untilOnB(read, (r) => codeOf(r) === 'NOT_FOUND');
    expect(codeOf(last)).toBe('NOT_FOUND');
    expect(ms).toBeLessThan(5000);
    await expectDenied(t.registry, 'NOT_FOUND', () =>
      onB(SET, { i: { ...t, alias: 'production', version: 'v1' } }, ben),
    );
  });
});
