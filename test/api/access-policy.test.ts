import { startApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/common/logger';
import { createDataSource } from '../../src/db/data-source';
import { AUDIENCE, ISSUER } from '../support/identity-provider';
import { codeOf, digestOf, startTestServer, TestServer } from '../support/server';

// The headline rule (issue #3): only registry admins set, move or remove a protected alias, and
// every such change is answerable later. Also: role changes apply on the next request, on this
// instance and, within the poll interval, on another instance sharing the database.

const SET = `mutation($i: SetAliasInput!) { setAlias(input: $i) { alias { name version { name } } previousVersion { name } } }`;
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { name } } }`;
const GRANT = `mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { subject role } } }`;
const REVOKE = `mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { binding { subject } } }`;

describe('protected aliases and role changes', () => {
  let s: TestServer;
  let member: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    member = await s.as('mia');
  });
  afterAll(() => s.stop());

  let n = 0;
  async function fixture(): Promise<string> {
    const reg = `pa-${++n}`;
    await s.ok(`mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, {
      i: { name: reg },
    });
    for (let v = 0; v < 2; v++) {
      await s.ok(LINK, {
        i: {
          registry: reg,
          model: 'm',
          artifact: {
            uri: `s3://m/${v}`,
            digest: digestOf(`${reg}-${v}`),
            sizeBytes: 1,
          },
        },
      });
    }
    await s.ok(SET, {
      i: { registry: reg, model: 'm', alias: 'production', version: 'v0' },
    });
    await s.ok(GRANT, { i: { registry: reg, subject: 'mia', role: 'MEMBER' } });
    return reg;
  }
  const set = (reg: string, alias: string, version: string, headers?: Record<string, string>) =>
    s.gql(SET, { i: { registry: reg, model: 'm', alias, version, reason: 'test' } }, headers);

  it('lets a member move staging but not production, by any route', async () => {
    const reg = await fixture();
    expect((await set(reg, 'staging', 'v1', member)).errors).toBeUndefined();
    expect(codeOf(await set(reg, 'production', 'v1', member))).toBe('FORBIDDEN');
    expect(
      codeOf(
        await s.gql(
          `mutation { removeAlias(input: {registry: "${reg}", model: "m", alias: "production"}) { alias } }`,
          undefined,
          member,
        ),
      ),
    ).toBe('FORBIDDEN');
    const link = await s.gql(
      LINK,
      {
        i: {
          registry: reg,
          model: 'm',
          aliases: ['production'],
          artifact: {
            uri: 's3://m/x',
            digest: digestOf(`${reg}-x`),
            sizeBytes: 1,
          },
        },
      },
      member,
    );
    expect(codeOf(link)).toBe('FORBIDDEN');
    const model = (
      await s.ok(
        `{ model(registry: "${reg}", name: "m") { versions { totalCount } version(ref: "production") { name } } }`,
      )
    ).model;
    expect(model).toEqual({
      versions: { totalCount: 2 },
      version: { name: 'v0' },
    });
  });

  it("records an admin's move of production in aliasHistory and in the audit log", async () => {
    const reg = await fixture();
    const r = await s.gql(
      SET,
      {
        i: {
          registry: reg,
          model: 'm',
          alias: 'production',
          version: 'v1',
          reason: 'approved in review 42',
        },
      },
      { 'x-request-id': 'promote-42' },
    );
    expect(r.data.setAlias).toEqual({
      alias: { name: 'production', version: { name: 'v1' } },
      previousVersion: { name: 'v0' },
    });
    const history = (
      await s.ok(
        `{ model(registry: "${reg}", name: "m") { aliasHistory(alias: "production", first: 1) { edges { node { fromVersion { name } toVersion { name } actor { id } reason } } } } }`,
      )
    ).model.aliasHistory.edges;
    expect(history[0].node).toEqual({
      fromVersion: { name: 'v0' },
      toVersion: { name: 'v1' },
      actor: { id: 'local-admin' },
      reason: 'approved in review 42',
    });
    const audit = (
      await s.ok(
        `{ auditEvents(filter: {registry: "${reg}", action: "alias.set"}, first: 1) { edges { node { actor { id } before after requestId } } } }`,
      )
    ).auditEvents.edges;
    expect(audit[0].node).toMatchObject({
      actor: { id: 'local-admin' },
      before: { alias: 'production', version: 'v0' },
      after: { alias: 'production', version: 'v1' },
      requestId: 'promote-42',
    });
  });

  it('protects the alias whatever its case', async () => {
    const reg = await fixture();
    for (const alias of ['Production', 'PRODUCTION'])
      expect(codeOf(await set(reg, alias, 'v1', member))).toBe('FORBIDDEN');
    // An admin may create the look-alike; it is a different alias, and still protected.
    expect((await set(reg, 'Production', 'v1')).errors).toBeUndefined();
    const aliases = (
      await s.ok(`{ model(registry: "${reg}", name: "m") { aliases { name protected version { name } } } }`)
    ).model.aliases;
    expect(aliases).toEqual(
      expect.arrayContaining([
        { name: 'Production', protected: true, version: { name: 'v1' } },
        { name: 'production', protected: true, version: { name: 'v0' } },
      ]),
    );
  });

  it('follows the registry list of protected aliases, which only admins change', async () => {
    const reg = await fixture();
    const update = (aliases: string[], headers?: Record<string, string>) =>
      s.gql(
        `mutation($i: UpdateRegistryInput!) { updateRegistry(input: $i) { registry { protectedAliases } } }`,
        { i: { registry: reg, protectedAliases: aliases } },
        headers,
      );
    expect(codeOf(await update(['staging'], member))).toBe('FORBIDDEN');
    expect((await update(['production', 'champion'])).data.updateRegistry.registry.protectedAliases).toEqual([
      'production',
      'champion',
    ]);
    expect(codeOf(await set(reg, 'champion', 'v1', member))).toBe('FORBIDDEN');
    expect((await update(['champion'])).errors).toBeUndefined();
    expect((await set(reg, 'production', 'v1', member)).errors).toBeUndefined();
  });

  it('applies a grant and a revoke on the very next request', async () => {
    const reg = await fixture();
    await s.ok(GRANT, { i: { registry: reg, subject: 'mia', role: 'ADMIN' } });
    expect((await set(reg, 'production', 'v1', member)).errors).toBeUndefined();
    await s.ok(REVOKE, { i: { registry: reg, subject: 'mia' } });
    expect(codeOf(await s.gql(`{ registry(name: "${reg}") { name } }`, undefined, member))).toBe('NOT_FOUND');
  });

  it('applies a grant and a revoke made on one instance on another sharing the database', async () => {
    const reg = await fixture();
    const ds = createDataSource(s.db.config);
    await ds.initialize();
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      AUTH_JWKS_URL: s.idp.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_ADMINS: 'local-admin',
      AUTH_JWKS_COOLDOWN_MS: '0',
      AUTH_POLICY_POLL_MS: '200',
    });
    const other = await startApp(config, ds, createLogger('error'));
    const onOther = async (query: string) => {
      const res = await fetch(other.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(await s.as('otto')),
        },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as {
        data?: unknown;
        errors?: { extensions: { code: string } }[];
      };
    };
    const readBy = async () =>
      (await onOther(`{ registry(name: "${reg}") { name } }`)).errors?.[0]?.extensions.code ?? 'OK';
    const eventually = async (want: string) => {
      const deadline = Date.now() + 5000;
      let got = await readBy();
      while (got !== want && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        got = await readBy();
      }
      return got;
    };
    try {
      expect(await readBy()).toBe('NOT_FOUND');
      await s.ok(GRANT, {
        i: { registry: reg, subject: 'otto', role: 'VIEWER' },
      });
      expect(await eventually('OK')).toBe('OK');
      await s.ok(REVOKE, { i: { registry: reg, subject: 'otto' } });
      expect(await eventually('NOT_FOUND')).toBe('NOT_FOUND');
    } finally {
      await other.stop();
      await ds.destroy();
    }
  });

  it.each(['ADMIN', 'GLOBAL_ADMIN', 'MEMBER', 'VIEWER', 'role:ADMIN', 'Role:Admin', '@authenticated', 'group:admins'])(
    'gives a token whose subject is named like a role or a policy name (%s) nothing',
    async (sub) => {
      const reg = await fixture();
      const as = await s.as(sub);
      const r = await s.gql(`{ registry(name: "${reg}") { name } }`, undefined, as);
      // Either the token is refused outright, or it is an outsider: never a role holder.
      expect(['UNAUTHENTICATED', 'NOT_FOUND']).toContain(codeOf(r));
      expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain(
        codeOf(await s.gql(`mutation { createRegistry(input: {name: "x-${n}"}) { registry { id } } }`, undefined, as)),
      );
      expect(['UNAUTHENTICATED', 'NOT_FOUND']).toContain(codeOf(await set(reg, 'production', 'v1', as)));
    },
  );

  it('refuses to grant a role to a subject named like a role or a policy name', async () => {
    const reg = await fixture();
    for (const subject of ['role:ADMIN', '@authenticated']) {
      expect(codeOf(await s.gql(GRANT, { i: { registry: reg, subject, role: 'VIEWER' } }))).toBe('BAD_USER_INPUT');
    }
  });

  it('lets only admins rename a model that holds a protected alias, since deploys resolve it by name', async () => {
    const reg = await fixture();
    const rename = (model: string, name: string, headers?: Record<string, string>) =>
      s.gql(
        `mutation($i: UpdateModelInput!) { updateModel(input: $i) { model { name } } }`,
        { i: { registry: reg, model, name } },
        headers,
      );
    expect(codeOf(await rename('m', 'moved', member))).toBe('FORBIDDEN');
    expect(
      (await s.ok(`{ modelVersion(registry: "${reg}", model: "m", ref: "production") { name } }`)).modelVersion,
    ).toEqual({ name: 'v0' });
    // A member may still edit it otherwise, and rename models without protected aliases.
    expect(
      (
        await s.gql(
          `mutation { updateModel(input: {registry: "${reg}", model: "m", description: "d"}) { model { name } } }`,
          undefined,
          member,
        )
      ).errors,
    ).toBeUndefined();
    await s.ok(LINK, {
      i: {
        registry: reg,
        model: 'scratch',
        artifact: { uri: 's3://s', digest: digestOf(`${reg}-s`), sizeBytes: 1 },
      },
    });
    expect((await rename('scratch', 'scratch-2', member)).data.updateModel.model.name).toBe('scratch-2');
    expect((await rename('m', 'moved')).data.updateModel.model.name).toBe('moved');
  });

  it('lets only admins archive a model that holds a protected alias, which would freeze it, and says why', async () => {
    const reg = await fixture();
    const ARCHIVE = `mutation($i: ArchiveModelInput!) { archiveModel(input: $i) { model { name archived } } }`;
    const archive = (model: string, headers?: Record<string, string>) =>
      s.gql(ARCHIVE, { i: { registry: reg, model } }, headers);
    const inRegistry = 'JOIN registry r ON r.id = x.registry_id WHERE r.name = ?';
    const state = async () => {
      const models = `SELECT x.archived_at, x.updated_at FROM registered_model x ${inRegistry} ORDER BY x.name`;
      const rows = await s.db.ds.query(models, [reg]);
      const audit = await s.db.ds.query(`SELECT COUNT(*) AS n FROM audit_event x ${inRegistry}`, [reg]);
      return { rows, audit: Number(audit[0].n) };
    };
    const refusal = (verb: string) =>
      `Model "${reg}/m" holds the protected alias "production": only admins of this registry may ${verb} it.`;
    const artifact = (seed: string) => ({
      uri: `s3://m/${seed}`,
      digest: digestOf(`${reg}-${seed}`),
      sizeBytes: 1,
    });

    const before = await state();
    const denied = await archive('m', member);
    expect(codeOf(denied)).toBe('FORBIDDEN');
    expect(denied.errors![0].message).toBe(refusal('archive'));
    expect(await state()).toEqual(before);
    // Still open for links, by a member too.
    await s.ok(LINK, {
      i: { registry: reg, model: 'm', artifact: artifact('after') },
    });
    // Rename says the same, with its own verb.
    const RENAME = `mutation($i: UpdateModelInput!) { updateModel(input: $i) { model { name } } }`;
    const renamed = await s.gql(RENAME, { i: { registry: reg, model: 'm', name: 'moved' } }, member);
    expect(renamed.errors![0].message).toBe(refusal('rename'));
    // A member archives a model without protected aliases; an admin archives the one with production.
    await s.ok(LINK, {
      i: {
        registry: reg,
        model: 'scratch',
        aliases: ['staging'],
        artifact: artifact('s'),
      },
    });
    expect((await archive('scratch', member)).data.archiveModel.model).toEqual({
      name: 'scratch',
      archived: true,
    });
    expect((await archive('m')).data.archiveModel.model).toEqual({
      name: 'm',
      archived: true,
    });
  });

  it('leaves a member no way to move production by archiving the version it points at', async () => {
    const reg = await fixture();
    const ARCHIVE = `mutation($i: ArchiveModelVersionInput!) { archiveModelVersion(input: $i) { version { name } } }`;
    expect(codeOf(await s.gql(ARCHIVE, { i: { registry: reg, model: 'm', version: 'v0' } }, member))).toBe('CONFLICT');
    const READ = `{ model(registry: "${reg}", name: "m") { version(ref: "production") { name archived } } }`;
    const model = (await s.ok(READ)).model;
    expect(model).toEqual({ version: { name: 'v0', archived: false } });
  });
});
