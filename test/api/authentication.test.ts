import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { App, startApp } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/common/logger';
import { createTestDatabase, TestDatabase } from '../support/database';
import { AUDIENCE, ISSUER } from '../support/identity-provider';
import { codeOf, GraphQLResult, postGraphQL, startTestServer, TEST_ADMIN, TestServer } from '../support/server';

/**
 * Authentication over HTTP with real tokens: every way a bearer token can be missing, malformed,
 * expired, forged or meant for someone else ends in UNAUTHENTICATED (HTTP 401) with one message
 * that tells an attacker nothing, and changes nothing; key rotation works without a restart; an
 * unreachable JWKS fails closed; groups become `group:<name>` subjects; AUTH_ADMINS are global
 * admins; the configuration refuses unsafe settings; and local mode signs and accepts its own tokens.
 */

const INVALID = 'Invalid or expired token.';
const MISSING = 'Authentication required: send `Authorization: Bearer <token>`.';

const VIEWER = `{ viewer { subject groups globalAdmin roles { registry { name } role } } }`;
const CREATE_REGISTRY = `mutation($n: String!) { createRegistry(input: { name: $n }) { registry { name } } }`;
const CREATE_MODEL = `mutation($r: String!, $m: String!) { createModel(input: { registry: $r, name: $m }) { model { name } } }`;
const GRANT = `mutation($r: String!, $s: String!, $role: Role!) { grantRole(input: { registry: $r, subject: $s, role: $role }) { binding { subject role } } }`;

const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const decodePart = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let seq = 0;
const unique = (label: string) => `auth-${label}-${process.pid}-${++seq}`;

/** UNAUTHENTICATED, HTTP 401, one error, no data, and no extension beyond the code. */
function expectUnauthenticated(r: GraphQLResult, message = INVALID) {
  expect(r.status).toBe(401);
  expect(codeOf(r)).toBe('UNAUTHENTICATED');
  expect(r.errors).toHaveLength(1);
  expect(r.errors![0].message).toBe(message);
  expect(r.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
  expect(r.data ?? null).toBeNull();
}

async function count(ts: TestServer, sql: string, params: unknown[] = []) {
  return Number((await ts.db.ds.query(sql, params))[0].n);
}

describe('with a remote JWKS', () => {
  let s: TestServer;
  beforeAll(async () => (s = await startTestServer()));
  afterAll(() => s.stop());

  /** The newest published key of the test identity provider, read from its (private) key list. */
  function currentSigningKey() {
    const keys = (
      s.idp as unknown as {
        keys: {
          kid: string;
          alg: string;
          privateKey: Parameters<SignJWT['sign']>[0];
        }[];
      }
    ).keys;
    return keys[keys.length - 1];
  }

  /** Signs an arbitrary payload with a published key, bypassing the provider's claim defaults. */
  async function signRaw(payload: Record<string, unknown>) {
    const key = currentSigningKey();
    return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' }).sign(key.privateKey);
  }

  const validClaims = (sub = TEST_ADMIN) => {
    const now = Math.floor(Date.now() / 1000);
    return { sub, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300 };
  };

  async function hs256WithPublicKey(secret: Uint8Array) {
    const jwk = s.idp.publicJwk();
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: jwk.kid, typ: 'at+jwt' })
      .setSubject(TEST_ADMIN)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
  }

  /**
   * Each case is an Authorization header (or none) that claims to be the global admin, sent with
   * createRegistry: a hole would show as a created registry.
   */
  const rejected: [string, () => Promise<string | undefined>, string?][] = [
    ['rejects a request with no Authorization header', async () => undefined, MISSING],
    ['rejects a bearer token that is not a JWT', async () => 'Bearer garbage'],
    ['rejects a bearer token of three garbage segments', async () => 'Bearer abc.def.ghi'],
    ['rejects Basic authentication', async () => 'Basic xyz'],
    ['rejects a token without the Bearer scheme', () => s.token(TEST_ADMIN)],
    [
      'rejects a token that expired beyond the clock tolerance',
      async () => `Bearer ${await s.token(TEST_ADMIN, { expiresIn: -120 })}`,
    ],
    ['rejects a token that is not yet valid', async () => `Bearer ${await s.token(TEST_ADMIN, { notBefore: 300 })}`],
    ['rejects a token with no exp at all', async () => `Bearer ${await s.token(TEST_ADMIN, { noExp: true })}`],
    [
      'rejects a token issued in the future beyond the clock tolerance',
      async () => `Bearer ${await signRaw({ ...validClaims(), iat: validClaims().iat + 120 })}`,
    ],
    [
      'rejects a token from another issuer',
      async () => `Bearer ${await s.token(TEST_ADMIN, { issuer: 'https://evil.test/' })}`,
    ],
    [
      'rejects a token for another audience',
      async () => `Bearer ${await s.token(TEST_ADMIN, { audience: 'another-api' })}`,
    ],
    [
      'rejects a token signed by a key that is not in the JWKS (unknown kid)',
      async () => `Bearer ${await s.token(TEST_ADMIN, { kid: await s.idp.forgerKid() })}`,
    ],
    [
      'rejects an unsecured token (alg: none)',
      async () => `Bearer ${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(validClaims())}.`,
    ],
    [
      'rejects an unsecured token (alg: none) that names a published kid',
      async () =>
        `Bearer ${b64url({ alg: 'none', typ: 'at+jwt', kid: s.idp.publicJwk().kid })}.${b64url(validClaims())}.`,
    ],
    [
      'rejects an unsecured token (alg: none) that carries a signature anyway',
      async () => {
        const real = (await s.token(TEST_ADMIN)).split('.')[2];
        return `Bearer ${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(validClaims())}.${real}`;
      },
    ],
    [
      'rejects HS256 signed with the JSON text of the public key',
      async () => `Bearer ${await hs256WithPublicKey(new TextEncoder().encode(JSON.stringify(s.idp.publicJwk())))}`,
    ],
    [
      'rejects HS256 signed with the public key x coordinate',
      async () => `Bearer ${await hs256WithPublicKey(Buffer.from(s.idp.publicJwk().x!, 'base64url'))}`,
    ],
    [
      'rejects HS256 signed with the public key in PEM form',
      async () => {
        const pem = createPublicKey({
          key: s.idp.publicJwk() as import('node:crypto').JsonWebKey,
          format: 'jwk',
        }).export({ type: 'spki', format: 'pem' });
        return `Bearer ${await hs256WithPublicKey(new TextEncoder().encode(pem as string))}`;
      },
    ],
    [
      'rejects a tampered payload (a viewer token rewritten to the admin subject, signature kept)',
      async () => {
        const [header, payload, signature] = (await s.token('mallory')).split('.');
        const claims = decodePart(payload);
        expect(claims.sub).toBe('mallory');
        return `Bearer ${header}.${b64url({ ...claims, sub: TEST_ADMIN })}.${signature}`;
      },
    ],
    ['rejects a token without sub', async () => `Bearer ${await signRaw({ ...validClaims(), sub: undefined })}`],
    ['rejects a token whose subject poses as a group', async () => `Bearer ${await s.token('group:admins')}`],
  ];

  it.each(rejected)('%s', async (_name, header, message = INVALID) => {
    const name = unique('denied');
    const auditBefore = await count(s, 'SELECT COUNT(*) AS n FROM audit_event');
    const auth = await header();
    const r = await s.gql(CREATE_REGISTRY, { n: name }, { authorization: auth ?? '' });
    expectUnauthenticated(r, message);
    expect(await count(s, 'SELECT COUNT(*) AS n FROM registry WHERE name = ?', [name])).toBe(0);
    expect(await count(s, 'SELECT COUNT(*) AS n FROM audit_event')).toBe(auditBefore);
  });

  it('rejects an invalid token on a query too, with the same message', async () => {
    expectUnauthenticated(await s.gql(VIEWER, {}, bearer(await s.token('alice', { expiresIn: -120 }))));
    expectUnauthenticated(await s.gql(VIEWER, {}, bearer(await s.token('alice', { audience: 'another-api' }))));
    expectUnauthenticated(await s.gql(VIEWER, {}, { authorization: '' }), MISSING);
  });

  it('accepts a token that expired within the clock tolerance (10 s ago)', async () => {
    const r = await s.gql(VIEWER, {}, await s.as('alice', { expiresIn: -10 }));
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data.viewer.subject).toBe('alice');
  });

  it('accepts a token issued within the clock tolerance in the future (10 s ahead)', async () => {
    const r = await s.gql(VIEWER, {}, bearer(await signRaw({ ...validClaims('alice'), iat: validClaims().iat + 10 })));
    expect(r.errors).toBeUndefined();
    expect(r.data.viewer.subject).toBe('alice');
  });

  it('refuses a token once it expires, although it was accepted (and remembered) before', async () => {
    const strict = await startTestServer({ AUTH_CLOCK_TOLERANCE_SECONDS: '0' });
    try {
      const headers = await strict.as('alice', { expiresIn: 2 });
      expect((await strict.gql(VIEWER, {}, headers)).data.viewer.subject).toBe('alice');
      expect((await strict.gql(VIEWER, {}, headers)).data.viewer.subject).toBe('alice');
      await new Promise((r) => setTimeout(r, 3100));
      expectUnauthenticated(await strict.gql(VIEWER, {}, headers));
    } finally {
      await strict.stop();
    }
  });

  it('accepts a valid token (control for the cases above)', async () => {
    const r = await s.gql(CREATE_REGISTRY, { n: unique('control') });
    expect(r.errors).toBeUndefined();
    expect(r.status).toBe(200);
  });

  describe('key rotation', () => {
    it('accepts a token signed by a newly published key without a restart, and old-key tokens still work', async () => {
      const oldKid = s.idp.publicJwk().kid!;
      const oldToken = await s.token('alice');
      expect((await s.gql(VIEWER, {}, bearer(oldToken))).data.viewer.subject).toBe('alice');

      const fetchesBefore = s.idp.fetches;
      const newKid = await s.idp.addKey();
      const newToken = await s.token('bob');
      expect(decodePart(newToken.split('.')[0]).kid).toBe(newKid);

      const r = await s.gql(VIEWER, {}, bearer(newToken));
      expect(r.status).toBe(200);
      expect(r.errors).toBeUndefined();
      expect(r.data.viewer.subject).toBe('bob');
      // The unknown kid made the server fetch the key set again.
      expect(s.idp.fetches).toBeGreaterThan(fetchesBefore);

      // The old key is still published: tokens signed earlier, and new ones signed with it, work.
      expect((await s.gql(VIEWER, {}, bearer(oldToken))).data.viewer.subject).toBe('alice');
      const r2 = await s.gql(VIEWER, {}, await s.as('carol', { kid: oldKid }));
      expect(r2.errors).toBeUndefined();
      expect(r2.data.viewer.subject).toBe('carol');
    });

    it('accepts a rotated-in RS256 key (in the default allow-list)', async () => {
      const kid = await s.idp.addKey('RS256');
      const token = await s.token('dave');
      expect(decodePart(token.split('.')[0])).toMatchObject({
        alg: 'RS256',
        kid,
      });
      const r = await s.gql(VIEWER, {}, bearer(token));
      expect(r.errors).toBeUndefined();
      expect(r.data.viewer.subject).toBe('dave');
    });
  });

  describe('groups claim', () => {
    async function registryWithGroupMember(group: string) {
      const name = unique('groups');
      await s.ok(CREATE_REGISTRY, { n: name });
      await s.ok(GRANT, { r: name, s: `group:${group}`, role: 'MEMBER' });
      return name;
    }

    it('gives a caller whose token has groups [ml] the MEMBER rights of group:ml, and viewer reports them', async () => {
      const registry = await registryWithGroupMember('ml');
      const ml = await s.as('alice', { groups: ['ml'] });

      const created = await s.gql(CREATE_MODEL, { r: registry, m: 'by-group' }, ml);
      expect(created.errors).toBeUndefined();
      expect(created.data.createModel.model.name).toBe('by-group');

      // MEMBER, not ADMIN: granting roles is refused and changes nothing.
      const bindingsBefore = await count(
        s,
        'SELECT COUNT(*) AS n FROM role_binding b JOIN registry r ON r.id = b.registry_id WHERE r.name = ?',
        [registry],
      );
      const grant = await s.gql(GRANT, { r: registry, s: 'alice', role: 'ADMIN' }, ml);
      expect(codeOf(grant)).toBe('FORBIDDEN');
      expect(
        await count(
          s,
          'SELECT COUNT(*) AS n FROM role_binding b JOIN registry r ON r.id = b.registry_id WHERE r.name = ?',
          [registry],
        ),
      ).toBe(bindingsBefore);

      const v = (await s.ok(VIEWER, {}, ml)).viewer;
      expect(v.subject).toBe('alice');
      expect(v.groups).toEqual(['ml']);
      expect(v.globalAdmin).toBe(false);
      expect(v.roles).toContainEqual({
        registry: { name: registry },
        role: 'MEMBER',
      });
    });

    it('gives the same caller without the group no access to a restricted registry', async () => {
      const registry = await registryWithGroupMember('ml');
      const r = await s.gql(CREATE_MODEL, { r: registry, m: 'no-group' }, await s.as('alice'));
      expect(codeOf(r)).toBe('NOT_FOUND');
      expect(
        await count(
          s,
          'SELECT COUNT(*) AS n FROM registered_model m JOIN registry r ON r.id = m.registry_id WHERE r.name = ?',
          [registry],
        ),
      ).toBe(0);
      const v = (await s.ok(VIEWER, {}, await s.as('alice'))).viewer;
      expect(v.groups).toEqual([]);
      expect(v.roles.map((x: { registry: { name: string } }) => x.registry.name)).not.toContain(registry);
    });

    it('reads a groups claim given as a space-separated string', async () => {
      const registry = await registryWithGroupMember('ml');
      const headers = await s.as('erin', { claims: { groups: 'data ml' } });
      const v = (await s.ok(VIEWER, {}, headers)).viewer;
      expect([...v.groups].sort()).toEqual(['data', 'ml']);
      expect(v.roles).toContainEqual({
        registry: { name: registry },
        role: 'MEMBER',
      });
      const created = await s.gql(CREATE_MODEL, { r: registry, m: 'by-string-group' }, headers);
      expect(created.errors).toBeUndefined();
    });

    it('reads groups from a custom claim (AUTH_GROUPS_CLAIM=roles) and ignores the default one', async () => {
      const c = await startTestServer({ AUTH_GROUPS_CLAIM: 'roles' });
      try {
        const registry = unique('claim');
        await c.ok(CREATE_REGISTRY, { n: registry });
        await c.ok(GRANT, { r: registry, s: 'group:ml', role: 'MEMBER' });

        const withRoles = await c.as('alice', { claims: { roles: ['ml'] } });
        const v = (await c.ok(VIEWER, {}, withRoles)).viewer;
        expect(v.groups).toEqual(['ml']);
        expect(v.roles).toEqual([{ registry: { name: registry }, role: 'MEMBER' }]);
        const created = await c.gql(CREATE_MODEL, { r: registry, m: 'by-roles-claim' }, withRoles);
        expect(created.errors).toBeUndefined();

        // `groups` is not the configured claim here: it grants nothing.
        const withGroups = await c.as('bob', { groups: ['ml'] });
        expect((await c.ok(VIEWER, {}, withGroups)).viewer).toMatchObject({
          groups: [],
          roles: [],
        });
        const denied = await c.gql(CREATE_MODEL, { r: registry, m: 'by-groups-claim' }, withGroups);
        expect(codeOf(denied)).toBe('NOT_FOUND');
        expect(await count(c, 'SELECT COUNT(*) AS n FROM registered_model WHERE name = ?', ['by-groups-claim'])).toBe(
          0,
        );
      } finally {
        await c.stop();
      }
    });
  });

  describe('AUTH_ADMINS', () => {
    it('makes the listed subject a global admin', async () => {
      const v = (await s.ok(VIEWER)).viewer;
      expect(v.subject).toBe(TEST_ADMIN);
      expect(v.globalAdmin).toBe(true);
    });

    it('makes everyone in a group listed as group:<name> a global admin, and says so in viewer', async () => {
      const g = await startTestServer({
        AUTH_ADMINS: `${TEST_ADMIN},group:platform`,
      });
      try {
        const headers = await g.as('pat', { groups: ['platform'] });
        expect((await g.ok(VIEWER, {}, headers)).viewer.globalAdmin).toBe(true);
        expect((await g.gql(CREATE_REGISTRY, { n: unique('by-group-admin') }, headers)).errors).toBeUndefined();
        expect((await g.ok(VIEWER, {}, await g.as('pat', { groups: ['platform-x'] }))).viewer.globalAdmin).toBe(false);
      } finally {
        await g.stop();
      }
    });

    it('does not make other subjects global admins, nor a group named like an admin', async () => {
      expect((await s.ok(VIEWER, {}, await s.as('alice'))).viewer.globalAdmin).toBe(false);
      expect((await s.ok(VIEWER, {}, await s.as('Local-Admin'))).viewer.globalAdmin).toBe(false);
      expect((await s.ok(VIEWER, {}, await s.as('alice', { groups: [TEST_ADMIN] }))).viewer.globalAdmin).toBe(false);
      const name = unique('not-admin');
      const r = await s.gql(CREATE_REGISTRY, { n: name }, await s.as('alice', { groups: [TEST_ADMIN] }));
      expect(codeOf(r)).toBe('FORBIDDEN');
      expect(await count(s, 'SELECT COUNT(*) AS n FROM registry WHERE name = ?', [name])).toBe(0);
    });
  });
});

describe('when the JWKS endpoint is down', () => {
  let d: TestServer;
  beforeAll(async () => (d = await startTestServer()));
  afterAll(async () => {
    d.idp.up = true;
    await d.stop();
  });

  it('fails closed for a key the server has not seen, and recovers when the endpoint is back', async () => {
    // The server has cached the first key set.
    expect((await d.ok(VIEWER)).viewer.subject).toBe(TEST_ADMIN);

    await d.idp.addKey();
    const token = await d.token(TEST_ADMIN);
    d.idp.up = false;
    try {
      const name = unique('down');
      const fetchesBefore = d.idp.fetches;
      const r = await d.gql(CREATE_REGISTRY, { n: name }, bearer(token));
      expectUnauthenticated(r);
      expect(d.idp.fetches).toBeGreaterThan(fetchesBefore);
      expect(await count(d, 'SELECT COUNT(*) AS n FROM registry WHERE name = ?', [name])).toBe(0);
      expect(await count(d, 'SELECT COUNT(*) AS n FROM audit_event')).toBe(0);
    } finally {
      d.idp.up = true;
    }

    const r = await d.gql(VIEWER, {}, bearer(token));
    expect(r.errors).toBeUndefined();
    expect(r.data.viewer.subject).toBe(TEST_ADMIN);
  });
});

describe('configuration', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: os.tmpdir() };
  const remote = {
    ...base,
    AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
    AUTH_ISSUER: 'https://idp.example/',
    AUTH_AUDIENCE: 'model-registry',
  };

  it('accepts a complete JWKS configuration with the default algorithms RS256 and ES256', () => {
    const config = loadConfig(remote);
    expect(config.auth).toMatchObject({
      mode: 'jwks',
      issuer: 'https://idp.example/',
      audience: 'model-registry',
      algorithms: ['RS256', 'ES256'],
    });
  });

  it('refuses AUTH_JWKS_URL without AUTH_ISSUER', () => {
    const { AUTH_ISSUER: _omit, ...env } = remote;
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/^AUTH_ISSUER /);
  });

  it('refuses AUTH_JWKS_URL without AUTH_AUDIENCE', () => {
    const { AUTH_AUDIENCE: _omit, ...env } = remote;
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/^AUTH_AUDIENCE /);
  });

  it.each(['HS256', 'none', 'RS256,HS256', 'ES256,none'])('refuses AUTH_ALGORITHMS=%s', (algorithms) => {
    expect(() => loadConfig({ ...remote, AUTH_ALGORITHMS: algorithms })).toThrow(ConfigError);
    expect(() => loadConfig({ ...remote, AUTH_ALGORITHMS: algorithms })).toThrow(/^AUTH_ALGORITHMS /);
  });

  it.each(['@authenticated', 'alice,role:ADMIN', 'group:'])(
    'refuses AUTH_ADMINS=%s (names the policy keeps for itself)',
    (admins) => {
      expect(() => loadConfig({ ...remote, AUTH_ADMINS: admins })).toThrow(ConfigError);
      expect(() => loadConfig({ ...remote, AUTH_ADMINS: admins })).toThrow(/^AUTH_ADMINS /);
    },
  );

  it('refuses local mode (no AUTH_JWKS_URL) when NODE_ENV=production', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/^AUTH_JWKS_URL /);
  });
});

describe('local mode (no AUTH_JWKS_URL)', () => {
  const ROOT = path.resolve(__dirname, '..', '..');
  const dirs: string[] = [];
  let dataDir: string;
  let db: TestDatabase;
  let app: App | undefined;
  let logs: string[] = [];

  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-local-'));
    dirs.push(dir);
    return dir;
  };

  async function start() {
    logs = [];
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
    });
    app = await startApp(
      config,
      db.ds,
      createLogger('warn', (line) => logs.push(line)),
    );
  }

  /** `npm run -s token -- <args>` in the project root, for the key in `dir`. */
  function mint(dir: string, ...args: string[]) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      DATA_DIR: dir,
    };
    for (const k of Object.keys(env)) if (k.startsWith('AUTH_')) delete env[k];
    return execFileSync('npm', ['run', '-s', 'token', '--', ...args], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    }).trim();
  }

  function gql(query: string, variables: Record<string, unknown>, token: string | undefined): Promise<GraphQLResult> {
    return postGraphQL(app!.url, query, variables, token ? { authorization: `Bearer ${token}` } : {});
  }

  const keyFile = () => path.join(dataDir, 'local-signing-key.json');
  let adminToken: string;

  beforeAll(async () => {
    dataDir = tempDir();
    db = await createTestDatabase();
    await start();
  });
  afterAll(async () => {
    await app?.stop();
    await db.drop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates its signing key in DATA_DIR/local-signing-key.json, readable by the owner only, and says it runs in local mode', () => {
    expect(fs.existsSync(keyFile())).toBe(true);
    expect(fs.statSync(keyFile()).mode & 0o777).toBe(0o600);
    const key = JSON.parse(fs.readFileSync(keyFile(), 'utf8'));
    expect(key.publicJwk).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
    });
    expect(key.publicJwk.d).toBeUndefined();
    const notice = logs.map((l) => JSON.parse(l)).find((l) => /local mode/i.test(l.msg));
    expect(notice).toMatchObject({ level: 'warn', keyCreated: true });
  });

  it('accepts a token minted by `npm run token -- admin`, and admin is a global admin', async () => {
    adminToken = mint(dataDir, 'admin');
    expect(adminToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const r = await gql(VIEWER, {}, adminToken);
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data.viewer).toMatchObject({
      subject: 'admin',
      globalAdmin: true,
      groups: [],
    });
    const created = await gql(CREATE_REGISTRY, { n: unique('local') }, adminToken);
    expect(created.errors).toBeUndefined();
  });

  it('puts --groups a,b in the token, and another subject is not a global admin', async () => {
    const token = mint(dataDir, 'carol', '--groups', 'a,b');
    const r = await gql(VIEWER, {}, token);
    expect(r.errors).toBeUndefined();
    expect(r.data.viewer).toMatchObject({
      subject: 'carol',
      groups: ['a', 'b'],
      globalAdmin: false,
    });
  });

  it('still requires a token', async () => {
    expectUnauthenticated(await gql(VIEWER, {}, undefined), MISSING);
  });

  it("refuses a token minted with another DATA_DIR's key", async () => {
    const other = tempDir();
    const forged = mint(other, 'admin');
    expect(fs.existsSync(path.join(other, 'local-signing-key.json'))).toBe(true);
    const name = unique('other-key');
    const r = await gql(CREATE_REGISTRY, { n: name }, forged);
    expectUnauthenticated(r);
    expect(Number((await db.ds.query('SELECT COUNT(*) AS n FROM registry WHERE name = ?', [name]))[0].n)).toBe(0);
  });

  it('reuses the same key after a restart, so minted tokens stay valid', async () => {
    const before = fs.readFileSync(keyFile(), 'utf8');
    await app!.stop();
    app = undefined;
    await start();
    expect(fs.readFileSync(keyFile(), 'utf8')).toBe(before);
    expect(logs.map((l) => JSON.parse(l)).find((l) => /local mode/i.test(l.msg))).toMatchObject({ keyCreated: false });
    const r = await gql(VIEWER, {}, adminToken);
    expect(r.errors).toBeUndefined();
    expect(r.data.viewer).toMatchObject({
      subject: 'admin',
      globalAdmin: true,
    });
  });
});
