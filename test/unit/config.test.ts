import path from 'node:path';
import { ConfigError, loadConfig, LOCAL_AUDIENCE, LOCAL_ISSUER, parseDatabaseUrl } from '../../src/config';

// Configuration is parsed once at start-up; a bad value stops the server with a message that names
// the variable and the form it should take. These check the parser alone, without starting anything.

const JWKS = {
  AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
  AUTH_ISSUER: 'https://idp.example.com/',
  AUTH_AUDIENCE: 'model-registry',
};

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('configuration defaults', () => {
  const config = loadConfig({});

  it('start a development server on loopback with an embedded database in ./data', () => {
    expect(config).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 4000,
      migrateOnStart: true,
      logLevel: 'info',
    });
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.database).toEqual({
      kind: 'sqlite',
      file: path.resolve('data', 'registry.sqlite'),
    });
  });

  it('sign tokens locally, with admin as the global admin, when no identity provider is set', () => {
    expect(config.auth).toMatchObject({
      mode: 'local',
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      admins: ['admin'],
      algorithms: ['ES256'],
    });
  });

  it('hold the documented limits', () => {
    expect(config.graphql).toEqual({
      introspection: true,
      maxDepth: 12,
      maxCost: 20_000,
      maxAliases: 30,
      maxDocumentBytes: 100 * 1024,
      maxDocumentLines: 5000,
      maxTokens: 5000,
      maxOperations: 20,
      maxFragments: 50,
      maxSelections: 5000,
      maxFieldPairs: 5000,
      jitAfter: 2,
      jitMinFields: 8,
      jitMaxCompiled: 100,
    });
    expect(config.lineage).toEqual({
      maxDepth: 20,
      maxNodes: 1000,
      statementTimeoutMs: 5000,
    });
    expect(config.webhooks).toMatchObject({
      allowPrivateNetworks: false,
      maxAttempts: 12,
      backoffBaseMs: 10_000,
      backoffMaxMs: 3_600_000,
    });
  });

  it('turn introspection off in production, and do not migrate a shared database on start', () => {
    const prod = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'mariadb://u:p@db:3306/registry',
      ...JWKS,
    });
    expect(prod.graphql.introspection).toBe(false);
    expect(prod.migrateOnStart).toBe(false);
    expect(prod.exposeErrors).toBe(false);
  });
});

describe('configuration values', () => {
  it('read booleans in the usual spellings', () => {
    for (const yes of ['1', 'true', 'YES', 'on'])
      expect(loadConfig({ METRICS_ENABLED: yes }).metrics.enabled).toBe(true);
    for (const no of ['0', 'false', 'No', 'off'])
      expect(loadConfig({ METRICS_ENABLED: no }).metrics.enabled).toBe(false);
  });

  it('treat an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '', AUTH_ADMINS: ' ' })).toMatchObject({
      port: 4000,
      logLevel: 'info',
      auth: { admins: ['admin'] },
    });
  });

  it('read comma-separated lists, trimming each entry', () => {
    const config = loadConfig({
      ...JWKS,
      AUTH_ADMINS: ' alice , group:ml-admins,,',
      AUTH_ALGORITHMS: 'ES256, EdDSA',
    });
    expect(config.auth).toMatchObject({
      mode: 'jwks',
      admins: ['alice', 'group:ml-admins'],
      algorithms: ['ES256', 'EdDSA'],
    });
  });

  it('read database URLs', () => {
    expect(parseDatabaseUrl('sqlite:/var/lib/registry.db', '/data')).toEqual({
      kind: 'sqlite',
      file: '/var/lib/registry.db',
    });
    expect(parseDatabaseUrl('sqlite://rel/registry.db', '/data')).toEqual({
      kind: 'sqlite',
      file: 'rel/registry.db',
    });
    expect(parseDatabaseUrl('mysql://u:p@db:3306/registry', '/data')).toEqual({
      kind: 'mysql',
      url: 'mysql://u:p@db:3306/registry',
      flavor: 'mysql',
    });
    expect(parseDatabaseUrl('mariadb://db/registry', '/data')).toMatchObject({
      kind: 'mysql',
      flavor: 'mariadb',
    });
  });

  it('keep the headers timeout within the request timeout by default', () => {
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000' }).http).toEqual({
      requestTimeoutMs: 5000,
      headersTimeoutMs: 5000,
      keepAliveTimeoutMs: 5000,
    });
  });
});

describe('a bad configuration value', () => {
  // Every bounded number, with a value just outside its range.
  const numbers: [string, string, string][] = [
    ['PORT', '65536', 'a whole number from 0 to 65535'],
    ['MAX_BODY_BYTES', '1023', 'a whole number from 1024 to 67108864'],
    ['AUTH_CLOCK_TOLERANCE_SECONDS', '301', 'a whole number from 0 to 300'],
    ['AUTH_POLICY_POLL_MS', '99', 'a whole number from 100 to 60000'],
    ['LINEAGE_MAX_DEPTH', '0', 'a whole number from 1 to 100'],
    ['LINEAGE_MAX_NODES', '9', 'a whole number from 10 to 100000'],
    ['LINEAGE_STATEMENT_TIMEOUT_MS', '-1', 'a whole number from 0 to 600000'],
    ['GRAPHQL_MAX_DEPTH', '1', 'a whole number from 2 to 100'],
    ['GRAPHQL_MAX_COST', '9', 'a whole number from 10 to 10000000'],
    ['GRAPHQL_MAX_ALIASES', '10001', 'a whole number from 0 to 10000'],
    ['GRAPHQL_MAX_DOCUMENT_BYTES', '1000', 'a whole number from 1024 to 16777216'],
    ['GRAPHQL_MAX_TOKENS', '99', 'a whole number from 100 to 1000000'],
    ['HTTP_REQUEST_TIMEOUT_MS', '999', 'a whole number from 1000 to 3600000'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', '600001', 'a whole number from 1000 to 600000'],
    ['SHUTDOWN_TIMEOUT_MS', '600001', 'a whole number from 0 to 600000'],
    ['WEBHOOK_MAX_ATTEMPTS', '51', 'a whole number from 1 to 50'],
    ['WEBHOOK_TIMEOUT_MS', '99', 'a whole number from 100 to 120000'],
    ['WEBHOOK_POLL_MS', '9', 'a whole number from 10 to 60000'],
    ['WEBHOOK_BACKOFF_BASE_MS', '0', 'a whole number from 1 to 3600000'],
    ['WEBHOOK_BACKOFF_MAX_MS', '86400001', 'a whole number from 1 to 86400000'],
    ['WEBHOOK_CONCURRENCY', '101', 'a whole number from 1 to 100'],
    ['WEBHOOK_DELIVERY_RETENTION_DAYS', '3651', 'a whole number from 1 to 3650'],
  ];

  it.each(numbers)('%s=%s names the variable and its range', (name, value, expected) => {
    expect(configError({ [name]: value })).toBe(`${name} should be ${expected}; got "${value}"`);
  });

  it('refuses numbers that are not whole, with the variable named', () => {
    for (const value of ['1.5', 'ten', '1e3x', '0x1g'])
      expect(configError({ PORT: value })).toMatch(/^PORT should be a whole number/);
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(
      configError({
        HTTP_REQUEST_TIMEOUT_MS: '5000',
        HTTP_HEADERS_TIMEOUT_MS: '6000',
      }),
    ).toBe('HTTP_HEADERS_TIMEOUT_MS should be a whole number from 1000 to 5000; got "6000"');
  });

  it('refuses a jwks cooldown under a second outside tests', () => {
    expect(configError({ ...JWKS, AUTH_JWKS_COOLDOWN_MS: '0' })).toMatch(
      /^AUTH_JWKS_COOLDOWN_MS should be a whole number from 1000 /,
    );
    expect(loadConfig({ ...JWKS, NODE_ENV: 'test', AUTH_JWKS_COOLDOWN_MS: '0' }).auth).toMatchObject({
      jwksCooldownMs: 0,
    });
  });

  it('refuses a maximum backoff below the base', () => {
    expect(
      configError({
        WEBHOOK_BACKOFF_BASE_MS: '5000',
        WEBHOOK_BACKOFF_MAX_MS: '4000',
      }),
    ).toBe('WEBHOOK_BACKOFF_MAX_MS should be at least WEBHOOK_BACKOFF_BASE_MS (5000); got "4000"');
  });

  it.each([
    ['NODE_ENV', 'staging', 'one of development, production, test'],
    ['LOG_LEVEL', 'verbose', 'one of debug, info, warn, error'],
    ['GRAPHQL_INTROSPECTION', 'maybe', 'true or false'],
    ['MIGRATE_ON_START', '2', 'true or false'],
    ['METRICS_ENABLED', 'y', 'true or false'],
    ['WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'sometimes', 'true or false'],
    ['EXPOSE_ERRORS', 'please', 'true or false'],
  ])('%s=%s names the variable and what it may be', (name, value, expected) => {
    expect(configError({ [name]: value })).toBe(`${name} should be ${expected}; got "${value}"`);
  });

  it('refuses a short metrics token without echoing it', () => {
    const message = configError({ METRICS_TOKEN: 'short-secret' });
    expect(message).toBe('METRICS_TOKEN should be at least 16 characters; got "(hidden)"');
    expect(message).not.toContain('short-secret');
  });

  it('refuses a database URL it cannot use, without echoing its credentials', () => {
    const unparsable = configError({
      DATABASE_URL: 'mysql://root:hunter2@db:port/x',
    });
    expect(unparsable).toMatch(/^DATABASE_URL should be mysql:\/\/user:password@host:3306\/database/);
    expect(unparsable).not.toContain('hunter2');
    expect(configError({ DATABASE_URL: 'postgres://u:hunter2@db/registry' })).toBe(
      'DATABASE_URL should be a mysql://, mariadb:// or sqlite: URL; got "postgres://…"',
    );
    const noDatabase = configError({
      DATABASE_URL: 'mysql://u:hunter2@db:3306/',
    });
    expect(noDatabase).toBe(
      'DATABASE_URL should be a URL that names the database (…:3306/registry); got "mysql://db:3306"',
    );
    expect(configError({ DATABASE_URL: 'sqlite:' })).toBe('DATABASE_URL should be sqlite:<file path>; got "sqlite:"');
    // A malformed percent-escape would be a URIError in the driver: named here, the password unshown.
    for (const [url, part] of [
      ['mariadb://root:p%ZZs3cr3t@127.0.0.1:3306/db', 'password'],
      ['mariadb://root:s3cr3t%@127.0.0.1:3306/db', 'password'],
      ['mariadb://r%ZZoot:s3cr3t@127.0.0.1:3306/db', 'user'],
      ['mariadb://root:s3cr3t@127.0.0.1:3306/d%ZZb', 'database name'],
    ]) {
      const message = configError({ DATABASE_URL: url });
      expect(message).toContain(`a URL whose ${part} is percent-encoded, but it contains a malformed percent-escape`);
      expect(message).toContain('(encode % as %25)');
      expect(message).not.toContain('s3cr3t');
    }
    expect(parseDatabaseUrl('mariadb://root:p%25s3cr3t@127.0.0.1:3306/db', '/data')).toMatchObject({ kind: 'mysql' });
  });

  it('refuses local (self-signed) tokens in production', () => {
    expect(configError({ NODE_ENV: 'production' })).toMatch(
      /^AUTH_JWKS_URL should be your identity provider's JWKS URL: local mode .* refused when NODE_ENV=production; got nothing$/,
    );
  });

  it('refuses a JWKS URL over plain http except on loopback', () => {
    expect(configError({ ...JWKS, AUTH_JWKS_URL: 'http://idp.example.com/jwks' })).toMatch(
      /^AUTH_JWKS_URL should be an https:\/\/ URL/,
    );
    expect(configError({ ...JWKS, AUTH_JWKS_URL: 'not a url' })).toMatch(/^AUTH_JWKS_URL should be/);
    expect(loadConfig({ ...JWKS, AUTH_JWKS_URL: 'http://127.0.0.1:9000/jwks' }).auth.mode).toBe('jwks');
  });

  it('requires the issuer and audience with a JWKS URL', () => {
    expect(configError({ ...JWKS, AUTH_ISSUER: '' })).toMatch(
      /^AUTH_ISSUER should be set to your identity provider's issuer/,
    );
    expect(configError({ ...JWKS, AUTH_AUDIENCE: '' })).toMatch(/^AUTH_AUDIENCE should be set to this API's audience/);
  });

  it('refuses symmetric algorithms and none', () => {
    for (const alg of ['HS256', 'none', 'RS256,HS512']) {
      expect(configError({ ...JWKS, AUTH_ALGORITHMS: alg })).toMatch(
        new RegExp(`^AUTH_ALGORITHMS should be a comma-separated list of RS256, .*; got "${alg}"$`),
      );
    }
  });

  it("refuses admin entries that name the policy's own subjects", () => {
    for (const entry of ['role:admin', '@authenticated', 'group:']) {
      expect(configError({ AUTH_ADMINS: `alice,${entry}` })).toBe(
        `AUTH_ADMINS should be token subjects or group:<name>, comma-separated; got "${entry}"`,
      );
    }
  });
});

describe('governance and token settings', () => {
  it('default to one-day tokens of type at+jwt only, 14-day requests and 30-day deletion', () => {
    const config = loadConfig({});
    expect(config.auth).toMatchObject({
      maxTokenLifetimeSeconds: 86_400,
      tokenTypes: ['at+jwt'],
      authorizedParties: [],
    });
    expect(config.governance).toEqual({
      aliasRequestTtlDays: 14,
      versionDeleteAfterDays: 30,
    });
  });

  it('read token types case-insensitively and without application/', () => {
    expect(loadConfig({ AUTH_TOKEN_TYPES: 'Application/AT+JWT' }).auth.tokenTypes).toEqual(['at+jwt']);
    expect(loadConfig({ AUTH_TOKEN_TYPES: 'at+jwt,JWT,absent' }).auth.tokenTypes).toEqual(['at+jwt', 'jwt', 'absent']);
  });

  it('refuse a token type with spaces or symbols, a lifetime under a minute and a zero TTL', () => {
    expect(configError({ AUTH_TOKEN_TYPES: 'at+jwt,a b' })).toMatch(/^AUTH_TOKEN_TYPES should be/);
    expect(configError({ AUTH_MAX_TOKEN_LIFETIME: '59' })).toMatch(/^AUTH_MAX_TOKEN_LIFETIME should be a whole number/);
    expect(configError({ ALIAS_REQUEST_TTL_DAYS: '0' })).toMatch(/^ALIAS_REQUEST_TTL_DAYS should be a whole number/);
  });
});

describe('STORAGE_URL', () => {
  it.each([
    ['file://data/blobs', /STORAGE_URL should be file:\/\/\/absolute\/dir/],
    ['file:relative', /STORAGE_URL should be file:\/\/\/absolute\/dir/],
    ['s3://AKIAEXAMPLE:secret@bucket/p', /STORAGE_URL should be s3:\/\/bucket\/prefix with no credentials/],
  ])('refuses %s with a configuration error naming STORAGE_URL', (url, message) => {
    let thrown: unknown;
    try {
      loadConfig({ STORAGE_URL: url });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('secret');
  });

  it('decodes the prefix of an s3:// URL, and takes file:/// and file://localhost/ URLs', () => {
    const s3 = loadConfig({ STORAGE_URL: 's3://bucket/a%20b/c' }).storage.location;
    expect(s3).toMatchObject({ kind: 's3', bucket: 'bucket', prefix: 'a b/c' });
    expect(loadConfig({ STORAGE_URL: 'file:///srv/blobs' }).storage.location).toEqual({
      kind: 'local',
      dir: '/srv/blobs',
    });
    expect(loadConfig({ STORAGE_URL: 'file://localhost/srv/blobs' }).storage.location).toEqual({
      kind: 'local',
      dir: '/srv/blobs',
    });
  });

  it('takes BLOB_IDLE_TIMEOUT_MS from 1 s to 1 h, 60 s by default', () => {
    expect(loadConfig({}).storage.idleTimeoutMs).toBe(60_000);
    // The GraphQL deadline keeps its default: the idle timeout replaces it for blob transfers only.
    expect(loadConfig({}).http.requestTimeoutMs).toBe(30_000);
    expect(loadConfig({ BLOB_IDLE_TIMEOUT_MS: '5000' }).storage.idleTimeoutMs).toBe(5000);
    expect(() => loadConfig({ BLOB_IDLE_TIMEOUT_MS: '10' })).toThrow(/BLOB_IDLE_TIMEOUT_MS/);
  });
});

describe('the web console', () => {
  it('serves web/dist with local sign-in by default, and CONSOLE_DIR when set', () => {
    expect(loadConfig({}).console).toEqual({ dir: null, oidc: null });
    expect(loadConfig({ CONSOLE_DIR: 'build/console' }).console.dir).toBe(path.resolve('build/console'));
  });

  it('signs in with OIDC when AUTH_OIDC_CLIENT_ID is set with an identity provider, scope openid by default', () => {
    expect(loadConfig({ ...JWKS, AUTH_OIDC_CLIENT_ID: 'registry-console' }).console.oidc).toEqual({
      clientId: 'registry-console',
      scope: 'openid',
    });
    expect(
      loadConfig({ ...JWKS, AUTH_OIDC_CLIENT_ID: 'c', AUTH_OIDC_SCOPE: 'openid profile groups' }).console.oidc,
    ).toEqual({ clientId: 'c', scope: 'openid profile groups' });
  });

  it('refuses OIDC without an identity provider, a client id with spaces, and a malformed scope', () => {
    expect(configError({ AUTH_OIDC_CLIENT_ID: 'registry-console' })).toMatch(/AUTH_OIDC_CLIENT_ID.*AUTH_JWKS_URL/);
    expect(configError({ ...JWKS, AUTH_OIDC_CLIENT_ID: 'a b' })).toMatch(/AUTH_OIDC_CLIENT_ID/);
    expect(configError({ ...JWKS, AUTH_OIDC_CLIENT_ID: 'c', AUTH_OIDC_SCOPE: 'openid  profile' })).toMatch(
      /AUTH_OIDC_SCOPE/,
    );
    expect(configError({ ...JWKS, AUTH_OIDC_CLIENT_ID: 'c', AUTH_OIDC_SCOPE: 'open"id' })).toMatch(/AUTH_OIDC_SCOPE/);
  });
});
