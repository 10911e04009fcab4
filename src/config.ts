import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every setting the server reads from its environment, parsed and validated once at start-up.
 * A bad value stops the server with a message that names the variable and the expected form.
 */
export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  /** `sqlite` (embedded, in dataDir) or `mysql` (MySQL 8 / MariaDB 10.6+ through DATABASE_URL). */
  database: DatabaseConfig;
  migrateOnStart: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Largest accepted request body. */
  maxBodyBytes: number;
  /** Development only: show internal error messages to clients instead of masking them. */
  exposeErrors: boolean;
  auth: AuthConfig;
  lineage: { maxDepth: number; maxNodes: number; statementTimeoutMs: number };
  graphql: GraphQLConfig;
  http: HttpTimeouts;
  /** How long a shutdown waits for in-flight requests and background work before cutting them. */
  shutdownTimeoutMs: number;
  metrics: { enabled: boolean; token: string | null };
  webhooks: WebhookConfig;
  storage: StorageConfig;
  governance: GovernanceConfig;
  live: LiveConfig;
  console: ConsoleConfig;
  /** The in-process model cache (src/models/model-cache.ts); 0 entries turns it off. */
  modelCache: { maxEntries: number; maxBytes: number };
}

/** The web console (docs/console.md). */
export interface ConsoleConfig {
  /** CONSOLE_DIR: the built console; null: this package's web/dist. */
  dir: string | null;
  /**
   * Sign-in through the identity provider (Authorization Code + PKCE) when AUTH_OIDC_CLIENT_ID is
   * set; null: users paste a token or open a `login --web` link.
   */
  oidc: { clientId: string; scope: string } | null;
}

/** GraphQL subscriptions over WebSocket (docs/live.md): the event bus and the limits of a connection. */
export interface LiveConfig {
  /** Redis for fanning events out across replicas; null: in process (one server). */
  redisUrl: string | null;
  /** The Redis pub/sub channel; replicas of one deployment share it, other deployments pick their own. */
  redisChannel: string;
  maxSubscriptionsPerConnection: number;
  /** Per subject (token `sub`), across its connections to one server. */
  maxSubscriptionsPerSubject: number;
  /** A connection with no subscription for this long is closed. */
  idleTimeoutMs: number;
  /** Time from the WebSocket opening to `connection_init` (with the token). */
  authTimeoutMs: number;
  /** Largest message a client may send (a `subscribe` carries the document). */
  maxMessageBytes: number;
  /** Open WebSocket connections this server accepts; past it an upgrade is answered 503. */
  maxConnections: number;
}

/** Where blobs live: STORAGE_URL (docs/files.md). Types of src/storage, declared here so config needs no import. */
export type StorageLocation = { kind: 'local'; dir: string } | S3Location;

/** An s3:// STORAGE_URL with the AWS_* variables that go with it (docs/files.md). */
export interface S3Location {
  kind: 's3';
  bucket: string;
  prefix: string;
  /** AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL: an S3-compatible service (MinIO, R2, …); AWS itself when null. */
  endpoint: string | null;
  region: string;
  /** AWS_S3_FORCE_PATH_STYLE: `endpoint/bucket/key` instead of `bucket.endpoint/key` (most S3-compatible servers). */
  forcePathStyle: boolean;
  /**
   * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN); null: the SDK's default
   * chain (roles, profiles).
   */
  credentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  } | null;
}

/** Model files (docs/files.md): where blobs live and how big they may be. */
export interface StorageConfig {
  location: StorageLocation;
  maxBlobBytes: number;
  /** Blobs uploaded but never linked are removed after this many hours. */
  orphanTtlHours: number;
  /** S3 only: GET answers a redirect to a short-lived presigned URL instead of streaming the bytes. */
  presignedDownloads: boolean;
  /** An upload or download that moves no byte for this long is abandoned (they have no total deadline). */
  idleTimeoutMs: number;
}

/** Change requests and deletion (docs/governance.md). */
export interface GovernanceConfig {
  /** A PENDING alias change request expires this many days after it was made. */
  aliasRequestTtlDays: number;
  /** An archived version may be deleted once it has been archived this many days. */
  versionDeleteAfterDays: number;
}

/** What one GraphQL request may ask for (docs/limits.md), and what it may learn about the schema. */
export interface GraphQLConfig {
  /** Introspection, and "Did you mean …" suggestions in errors. Off in production unless asked for. */
  introspection: boolean;
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDocumentBytes: number;
  /** Line breaks in the document: graphql-js finds each error's line by scanning them. */
  maxDocumentLines: number;
  maxTokens: number;
  /** Bounds checked before graphql-js validates a document (limits/document-bounds.ts). */
  maxOperations: number;
  maxFragments: number;
  maxSelections: number;
  maxFieldPairs: number;
  /**
   * graphql-jit for queries asked often (graphql/jit.ts): compiled after this many executions of
   * one document (-1: never), when it selects at least jitMinFields fields.
   */
  jitAfter: number;
  jitMinFields: number;
  /** Most query documents holding a compiled function at once. */
  jitMaxCompiled: number;
}

export interface HttpTimeouts {
  /** Time to receive a whole request, headers and body (slow clients are cut off). */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
}

/** Webhook delivery: how hard to try, how fast to poll the outbox, and where receivers may live. */
export interface WebhookConfig {
  /** Deliver to loopback, private and link-local addresses (never to cloud metadata endpoints). */
  allowPrivateNetworks: boolean;
  /** Attempts per delivery, the first included, before it is FAILED. */
  maxAttempts: number;
  /** Whole-request timeout of one attempt: connect, send, response. */
  timeoutMs: number;
  /** How often an instance looks for due deliveries. */
  pollMs: number;
  /** Retry n waits about backoffBaseMs * 2^(n-1) (with jitter), at most backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Deliveries one instance sends at once. */
  concurrency: number;
  /** Finished (SUCCEEDED or FAILED) deliveries are deleted this many days after they finished. */
  retentionDays: number;
}

export type AuthConfig = (RemoteAuthConfig | LocalAuthConfig) & {
  /** Token claim whose values become `group:<name>` subjects. */
  groupsClaim: string;
  /** Subjects that are admin of every registry and may create registries. */
  admins: string[];
  clockToleranceSeconds: number;
  /** How often an instance checks the database for role changes made by other instances. */
  policyPollMs: number;
  /** Longest accepted token lifetime in seconds: exp − iat, or exp − now without iat. */
  maxTokenLifetimeSeconds: number;
  /**
   * Accepted `typ` header values, lower-cased without `application/`; `absent` accepts a token
   * without one. RFC 9068 access tokens say `at+jwt`.
   */
  tokenTypes: string[];
  /** When not empty, the token's `azp` (authorized party) must be one of these. */
  authorizedParties: string[];
};

export interface RemoteAuthConfig {
  mode: 'jwks';
  jwksUrl: string;
  issuer: string;
  audience: string;
  algorithms: string[];
  /** Minimum time between JWKS refetches for unknown key ids. */
  jwksCooldownMs: number;
}

/** No identity provider: the server signs its own tokens with a key kept in DATA_DIR. */
export interface LocalAuthConfig {
  mode: 'local';
  keyFile: string;
  issuer: string;
  audience: string;
  algorithms: string[];
}

export const LOCAL_ISSUER = 'model-registry-local';
export const LOCAL_AUDIENCE = 'model-registry';
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function list(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * AUTH_ADMINS: token subjects, or `group:<name>` for everyone in a group. Names the policy keeps
 * for itself (`role:…`, `@authenticated`) are refused: listing one would make its holders, or
 * every caller, an admin of everything.
 */
function admins(env: Env, fallback: string[]): string[] {
  const entries = list(env, 'AUTH_ADMINS', fallback);
  const bad = entries.find((e) => /^(role:|@)/i.test(e) || /^group:$/i.test(e));
  if (bad) throw new ConfigError('AUTH_ADMINS', 'token subjects or group:<name>, comma-separated', bad);
  return entries;
}

/**
 * AUTH_TOKEN_TYPES: the `typ` headers accepted. The default takes only RFC 9068 access tokens
 * (`at+jwt`), so an ID token signed by the same provider cannot pass as an access token; operators
 * whose provider writes `JWT` or no `typ` opt in with `at+jwt,JWT,absent`.
 */
function tokenTypes(env: Env): string[] {
  const types = list(env, 'AUTH_TOKEN_TYPES', ['at+jwt']).map(normalizeTokenType);
  const bad = types.find((t) => !/^[a-z0-9.+-]{1,64}$/.test(t));
  if (bad) throw new ConfigError('AUTH_TOKEN_TYPES', 'comma-separated typ values (at+jwt, JWT) or absent', bad);
  return types;
}

/** RFC 7515 §4.1.9: `typ` compares case-insensitively and may leave out `application/`. */
export function normalizeTokenType(typ: string): string {
  return typ.toLowerCase().replace(/^application\//, '');
}

function required(env: Env, name: string, why: string): string {
  const raw = env[name];
  if (!raw) throw new ConfigError(name, `set ${why}`, raw);
  return raw;
}

function parseAuth(env: Env, nodeEnv: string, dataDir: string): AuthConfig {
  const common = {
    groupsClaim: env.AUTH_GROUPS_CLAIM || 'groups',
    clockToleranceSeconds: integer(env, 'AUTH_CLOCK_TOLERANCE_SECONDS', 30, 0, 300),
    policyPollMs: integer(env, 'AUTH_POLICY_POLL_MS', 2000, 100, 60_000),
    maxTokenLifetimeSeconds: integer(env, 'AUTH_MAX_TOKEN_LIFETIME', 86_400, 60, 31_536_000),
    tokenTypes: tokenTypes(env),
    authorizedParties: list(env, 'AUTH_AUTHORIZED_PARTIES', []),
  };
  const jwksUrl = env.AUTH_JWKS_URL;
  if (!jwksUrl) {
    if (nodeEnv === 'production') {
      throw new ConfigError(
        'AUTH_JWKS_URL',
        "your identity provider's JWKS URL: local mode (self-signed tokens) is refused when NODE_ENV=production",
        jwksUrl,
      );
    }
    return {
      ...common,
      mode: 'local',
      keyFile: path.join(dataDir, 'local-signing-key.json'),
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      algorithms: ['ES256'],
      // Local mode is for trying the server: the subject `admin` is a global admin unless told otherwise.
      admins: admins(env, ['admin']),
    };
  }
  try {
    const u = new URL(jwksUrl);
    // Keys fetched over plain http could be swapped by anyone on the path; only loopback may use it.
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) throw new Error();
  } catch {
    throw new ConfigError('AUTH_JWKS_URL', 'an https:// URL of a JSON Web Key Set (http:// only on loopback)', jwksUrl);
  }
  const algorithms = list(env, 'AUTH_ALGORITHMS', ['RS256', 'ES256']);
  for (const a of algorithms) {
    // Symmetric algorithms and `none` cannot be verified against a public key set.
    if (!ALGORITHMS.includes(a))
      throw new ConfigError(
        'AUTH_ALGORITHMS',
        `a comma-separated list of ${ALGORITHMS.join(', ')}`,
        env.AUTH_ALGORITHMS,
      );
  }
  return {
    ...common,
    mode: 'jwks',
    jwksUrl,
    issuer: required(
      env,
      'AUTH_ISSUER',
      "to your identity provider's issuer (the tokens' `iss`) when AUTH_JWKS_URL is set",
    ),
    audience: required(env, 'AUTH_AUDIENCE', "to this API's audience (the tokens' `aud`) when AUTH_JWKS_URL is set"),
    algorithms,
    // At least a second outside tests: each unknown kid may trigger a fetch, and tokens are attacker input.
    jwksCooldownMs: integer(env, 'AUTH_JWKS_COOLDOWN_MS', 30_000, nodeEnv === 'test' ? 0 : 1000, 3_600_000),
    admins: admins(env, []),
  };
}

export type DatabaseConfig =
  { kind: 'sqlite'; file: string } | { kind: 'mysql'; url: string; flavor: 'mysql' | 'mariadb' };

export class ConfigError extends Error {
  constructor(variable: string, expected: string, got: string | undefined) {
    super(`${variable} should be ${expected}; got ${got === undefined ? 'nothing' : JSON.stringify(got)}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, `one of ${allowed.join(', ')}`, raw);
  return raw as T;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(name, `a whole number from ${min} to ${max}`, raw);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, 'true or false', raw);
}

/** A URL component percent-decoded, or null when one of its escapes is malformed (`%ZZ`, a lone `%`). */
export function decodedOrNull(component: string): string | null {
  try {
    return decodeURIComponent(component);
  } catch {
    return null;
  }
}

/** DATABASE_URL as it may be shown: no user, password or query string. */
export function redactDatabaseUrl(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:(?:\/\/)?).*@/i, '$1***@').replace(/\?.*$/, '?…');
}

export function parseDatabaseUrl(raw: string | undefined, dataDir: string): DatabaseConfig {
  if (raw === undefined || raw === '') return { kind: 'sqlite', file: path.join(dataDir, 'registry.sqlite') };
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) throw new ConfigError('DATABASE_URL', 'sqlite:<file path>', raw);
    return { kind: 'sqlite', file };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    const expected = 'mysql://user:password@host:3306/database, mariadb://… or sqlite:<file>';
    throw new ConfigError('DATABASE_URL', expected, redactDatabaseUrl(raw));
  }
  if (!url.hostname) {
    const expected = 'a URL with a host (mariadb://user:password@host:3306/database)';
    throw new ConfigError('DATABASE_URL', expected, redactDatabaseUrl(raw));
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new ConfigError('DATABASE_URL', 'a mysql://, mariadb:// or sqlite: URL', `${url.protocol}//…`);
  }
  if (!url.pathname || url.pathname === '/')
    throw new ConfigError(
      'DATABASE_URL',
      'a URL that names the database (…:3306/registry)',
      `${url.protocol}//${url.host}`,
    );
  // The driver decodes these itself and would throw a bare URIError (a stack, no variable named).
  for (const [part, value] of [
    ['user', url.username],
    ['password', url.password],
    ['database name', url.pathname.slice(1)],
  ]) {
    if (decodedOrNull(value) === null) {
      const expected = `a URL whose ${part} is percent-encoded, but it contains a malformed percent-escape (encode % as %25)`;
      throw new ConfigError('DATABASE_URL', expected, redactDatabaseUrl(raw));
    }
  }
  return { kind: 'mysql', url: raw, flavor: url.protocol === 'mariadb:' ? 'mariadb' : 'mysql' };
}

function parseGraphQL(env: Env, nodeEnv: string): GraphQLConfig {
  return {
    introspection: bool(env, 'GRAPHQL_INTROSPECTION', nodeEnv !== 'production'),
    maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 12, 2, 100),
    maxCost: integer(env, 'GRAPHQL_MAX_COST', 20_000, 10, 10_000_000),
    maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 30, 0, 10_000),
    maxDocumentBytes: integer(env, 'GRAPHQL_MAX_DOCUMENT_BYTES', 100 * 1024, 1024, 16 * 1024 * 1024),
    maxDocumentLines: integer(env, 'GRAPHQL_MAX_DOCUMENT_LINES', 5000, 1, 1_000_000),
    maxTokens: integer(env, 'GRAPHQL_MAX_TOKENS', 5000, 100, 1_000_000),
    maxOperations: integer(env, 'GRAPHQL_MAX_OPERATIONS', 20, 1, 100_000),
    maxFragments: integer(env, 'GRAPHQL_MAX_FRAGMENTS', 50, 0, 100_000),
    maxSelections: integer(env, 'GRAPHQL_MAX_SELECTIONS', 5000, 1, 10_000_000),
    maxFieldPairs: integer(env, 'GRAPHQL_MAX_FIELD_PAIRS', 5000, 0, 1_000_000_000),
    jitAfter: integer(env, 'GRAPHQL_JIT_AFTER', 2, -1, 1_000_000),
    jitMinFields: integer(env, 'GRAPHQL_JIT_MIN_FIELDS', 8, 0, 1_000_000),
    jitMaxCompiled: integer(env, 'GRAPHQL_JIT_MAX_COMPILED', 100, 1, 100_000),
  };
}

function parseHttpTimeouts(env: Env): HttpTimeouts {
  const requestTimeoutMs = integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000);
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeoutMs = integer(
    env,
    'HTTP_HEADERS_TIMEOUT_MS',
    Math.min(10_000, requestTimeoutMs),
    1000,
    requestTimeoutMs,
  );
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 1000, 600_000),
  };
}

function parseWebhooks(env: Env): WebhookConfig {
  const backoffBaseMs = integer(env, 'WEBHOOK_BACKOFF_BASE_MS', 10_000, 1, 3_600_000);
  const backoffMaxMs = integer(env, 'WEBHOOK_BACKOFF_MAX_MS', 3_600_000, 1, 86_400_000);
  if (backoffMaxMs < backoffBaseMs)
    throw new ConfigError(
      'WEBHOOK_BACKOFF_MAX_MS',
      `at least WEBHOOK_BACKOFF_BASE_MS (${backoffBaseMs})`,
      env.WEBHOOK_BACKOFF_MAX_MS,
    );
  return {
    allowPrivateNetworks: bool(env, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
    maxAttempts: integer(env, 'WEBHOOK_MAX_ATTEMPTS', 12, 1, 50),
    timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    pollMs: integer(env, 'WEBHOOK_POLL_MS', 1000, 10, 60_000),
    backoffBaseMs,
    backoffMaxMs,
    concurrency: integer(env, 'WEBHOOK_CONCURRENCY', 8, 1, 100),
    retentionDays: integer(env, 'WEBHOOK_DELIVERY_RETENTION_DAYS', 30, 1, 3650),
  };
}

function parseStorageLocation(env: Env, dataDir: string): StorageLocation {
  const raw = env.STORAGE_URL;
  if (raw === undefined || raw === '') return { kind: 'local', dir: path.join(dataDir, 'blobs') };
  const expected = 'file:///absolute/dir or s3://bucket/optional/prefix';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('STORAGE_URL', expected, raw);
  }
  if (url.protocol === 'file:') {
    // `file:relative` and `file://data/blobs` parse, as `/relative` and a file on host `data`: refuse both.
    if (!/^file:\/\/(localhost)?\//i.test(raw)) throw new ConfigError('STORAGE_URL', expected, raw);
    try {
      return { kind: 'local', dir: fileURLToPath(url) };
    } catch {
      throw new ConfigError('STORAGE_URL', expected, raw);
    }
  }
  if (url.protocol === 's3:' && (url.username || url.password)) {
    // The URL is logged and shown in errors: a secret in it would leak.
    const noSecrets = 's3://bucket/prefix with no credentials in it (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)';
    throw new ConfigError('STORAGE_URL', noSecrets, 's3://(credentials hidden)@…');
  }
  if (url.protocol === 's3:' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(url.hostname) && !url.search) {
    let prefix: string;
    try {
      prefix = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
    } catch {
      throw new ConfigError('STORAGE_URL', expected, raw);
    }
    const endpointVar = env.AWS_ENDPOINT_URL_S3 ? 'AWS_ENDPOINT_URL_S3' : 'AWS_ENDPOINT_URL';
    const endpoint = env[endpointVar] || null;
    if (endpoint !== null && !/^https?:\/\/[^/]+/.test(endpoint)) {
      throw new ConfigError(endpointVar, 'an http:// or https:// URL of an S3-compatible service', endpoint);
    }
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId !== !secretAccessKey) {
      const missing = accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID';
      const expected = 'set together with the other, or neither (the default AWS credential chain)';
      throw new ConfigError(missing, expected, '(hidden)');
    }
    const sessionToken = env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {};
    return {
      kind: 's3',
      bucket: url.hostname,
      prefix,
      endpoint,
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
      forcePathStyle: bool(env, 'AWS_S3_FORCE_PATH_STYLE', false),
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, ...sessionToken } : null,
    };
  }
  throw new ConfigError('STORAGE_URL', expected, raw);
}

function parseStorage(env: Env, dataDir: string): StorageConfig {
  const location = parseStorageLocation(env, dataDir);
  const presignedDownloads = bool(env, 'STORAGE_PRESIGNED_DOWNLOADS', false);
  if (presignedDownloads && location.kind !== 's3') {
    const expected = 'false unless STORAGE_URL is an s3:// URL';
    throw new ConfigError('STORAGE_PRESIGNED_DOWNLOADS', expected, env.STORAGE_PRESIGNED_DOWNLOADS);
  }
  return {
    location,
    maxBlobBytes: integer(env, 'MAX_BLOB_BYTES', 50 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    orphanTtlHours: integer(env, 'BLOB_ORPHAN_TTL_HOURS', 24, 1, 24 * 3650),
    presignedDownloads,
    idleTimeoutMs: integer(env, 'BLOB_IDLE_TIMEOUT_MS', 60_000, 1000, 3_600_000),
  };
}

function parseLive(env: Env): LiveConfig {
  const redisUrl = env.REDIS_URL || null;
  if (redisUrl !== null && !/^rediss?:\/\/[^/]/.test(redisUrl))
    throw new ConfigError(
      'REDIS_URL',
      'a redis:// or rediss:// URL (redis://host:6379/0)',
      redactDatabaseUrl(redisUrl),
    );
  const redisChannel = env.REDIS_CHANNEL || 'model-registry:events';
  if (!/^[\x21-\x7e]{1,200}$/.test(redisChannel))
    throw new ConfigError('REDIS_CHANNEL', 'up to 200 printable ASCII characters, no spaces', redisChannel);
  return {
    redisUrl,
    redisChannel,
    maxSubscriptionsPerConnection: integer(env, 'LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION', 20, 1, 10_000),
    maxSubscriptionsPerSubject: integer(env, 'LIVE_MAX_SUBSCRIPTIONS_PER_SUBJECT', 100, 1, 1_000_000),
    idleTimeoutMs: integer(env, 'LIVE_IDLE_TIMEOUT_MS', 60_000, 1000, 86_400_000),
    authTimeoutMs: integer(env, 'LIVE_AUTH_TIMEOUT_MS', 5000, 100, 60_000),
    maxMessageBytes: integer(env, 'LIVE_MAX_MESSAGE_BYTES', 128 * 1024, 1024, 16 * 1024 * 1024),
    maxConnections: integer(env, 'LIVE_MAX_CONNECTIONS', 10_000, 1, 1_000_000),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const database = parseDatabaseUrl(env.DATABASE_URL, dataDir);
  const metricsToken = env.METRICS_TOKEN || null;
  // A scrape token is compared as a shared secret; a short one could be guessed.
  if (metricsToken !== null && metricsToken.length < 16)
    throw new ConfigError('METRICS_TOKEN', 'at least 16 characters', '(hidden)');
  return {
    env: nodeEnv,
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    dataDir,
    database,
    // The embedded database belongs to this process, so migrating it on start is safe. A shared
    // MySQL is migrated by an operator (`npm run migrate`) unless they opt in.
    migrateOnStart: bool(env, 'MIGRATE_ON_START', database.kind === 'sqlite'),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['debug', 'info', 'warn', 'error'] as const,
      nodeEnv === 'test' ? 'warn' : 'info',
    ),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    exposeErrors: nodeEnv === 'development' && bool(env, 'EXPOSE_ERRORS', false),
    auth: parseAuth(env, nodeEnv, dataDir),
    lineage: {
      maxDepth: integer(env, 'LINEAGE_MAX_DEPTH', 20, 1, 100),
      maxNodes: integer(env, 'LINEAGE_MAX_NODES', 1000, 10, 100_000),
      // MySQL/MariaDB only (SQLite has no statement timeout; there depth and node caps bound a walk). 0: none.
      statementTimeoutMs: integer(env, 'LINEAGE_STATEMENT_TIMEOUT_MS', 5000, 0, 600_000),
    },
    graphql: parseGraphQL(env, nodeEnv),
    http: parseHttpTimeouts(env),
    // Above WEBHOOK_TIMEOUT_MS's default (10 s), so a webhook send that has started can finish.
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 15_000, 0, 600_000),
    metrics: {
      enabled: bool(env, 'METRICS_ENABLED', true),
      token: metricsToken,
    },
    webhooks: parseWebhooks(env),
    storage: parseStorage(env, dataDir),
    governance: {
      aliasRequestTtlDays: integer(env, 'ALIAS_REQUEST_TTL_DAYS', 14, 1, 365),
      versionDeleteAfterDays: integer(env, 'VERSION_DELETE_AFTER_DAYS', 30, 0, 3650),
    },
    live: parseLive(env),
    console: parseConsole(env),
    modelCache: {
      maxEntries: integer(env, 'MODEL_CACHE_ENTRIES', 20_000, 0, 1_000_000),
      maxBytes: integer(env, 'MODEL_CACHE_BYTES', 64 * 1024 * 1024, 0, 16 * 1024 * 1024 * 1024),
    },
  };
}

function parseConsole(env: Env): ConsoleConfig {
  const dir = env.CONSOLE_DIR ? path.resolve(env.CONSOLE_DIR) : null;
  const clientId = env.AUTH_OIDC_CLIENT_ID || null;
  if (clientId === null) return { dir, oidc: null };
  // The console signs in against AUTH_ISSUER's discovery document and the server checks the tokens
  // it gets against AUTH_JWKS_URL: without them, OIDC sign-in has no issuer to talk to.
  if (!env.AUTH_JWKS_URL)
    throw new ConfigError(
      'AUTH_OIDC_CLIENT_ID',
      'set only with AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE',
      clientId,
    );
  if (!/^[\x21-\x7e]{1,200}$/.test(clientId))
    throw new ConfigError('AUTH_OIDC_CLIENT_ID', 'a client id of 1 to 200 printable characters', clientId);
  const scope = env.AUTH_OIDC_SCOPE || 'openid';
  if (!/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scope) || scope.length > 500)
    throw new ConfigError('AUTH_OIDC_SCOPE', 'space-separated scope names (RFC 6749 section 3.3)', scope);
  return { dir, oidc: { clientId, scope } };
}
