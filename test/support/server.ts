import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, BackgroundWorker, startApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger, Logger } from '../../src/common/logger';
import { createDataSource } from '../../src/db/data-source';
import { createTestDatabase, TestDatabase } from './database';
import { AUDIENCE, IdentityProvider, TokenOptions } from './identity-provider';

/** Requests without an explicit token act as this subject, a global admin (AUTH_ADMINS). */
export const TEST_ADMIN = 'local-admin';

export interface GraphQLResult<T = any> {
  status: number;
  data?: T;
  errors?: {
    message: string;
    extensions?: { code?: string; [k: string]: unknown };
    path?: unknown[];
  }[];
  /** SQL statements the server ran for this request. */
  sqlStatements: number;
}

export interface TestServer {
  app: App;
  db: TestDatabase;
  idp: IdentityProvider;
  url: string;
  /** DATA_DIR of this server (a fresh temporary directory unless the env names one): model files live under it. */
  dataDir: string;
  /** A bearer token for a subject, signed by the test identity provider. */
  token(subject: string, opts?: TokenOptions): Promise<string>;
  /** Headers that authenticate as a subject: `s.gql(q, vars, await s.as('alice'))`. */
  as(subject: string, opts?: TokenOptions): Promise<Record<string, string>>;
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
  /** Like gql, but fails the test on any error, returning data. */
  ok<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<T>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Receives the server's log (default: errors only, discarded). */
  logger?: Logger;
  workers?: BackgroundWorker[];
  /**
   * The identity provider's issuer is its own http://127.0.0.1 URL instead of ISSUER, so that a
   * browser can reach its discovery document (OIDC sign-in in the console's end-to-end tests).
   */
  selfIssuedIdp?: boolean;
}

/**
 * The real server on a random port on 127.0.0.1, over a fresh database, verifying tokens from a
 * test identity provider's JWKS, spoken to over HTTP. Requests carry a token for TEST_ADMIN
 * unless their headers set `authorization` (an empty string sends none).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  opts: TestServerOptions = {},
): Promise<TestServer> {
  const db = await createTestDatabase();
  const idp = await IdentityProvider.start({ selfIssued: opts.selfIssuedIdp });
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'registry-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    AUTH_JWKS_URL: idp.url,
    AUTH_ISSUER: idp.issuer,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_ADMINS: TEST_ADMIN,
    AUTH_JWKS_COOLDOWN_MS: '0',
    ...executorFromEnv(),
    ...env,
  });
  const adminToken = await idp.token(TEST_ADMIN, { expiresIn: 3600 });
  const counts = new Map<string, number>();
  const app = await startApp(config, db.ds, opts.logger ?? createLogger('error'), {
    onGraphQLResponse: (scope) => counts.set(scope.requestId, scope.sqlStatements),
    workers: opts.workers,
  });
  let seq = 0;
  const gql = async <T>(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResult<T>> => {
    const requestId = `test-${process.pid}-${++seq}`;
    const auth = 'authorization' in headers ? headers.authorization : `Bearer ${adminToken}`;
    const { authorization: _ignored, ...rest } = headers;
    const res = await fetch(app.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...(auth ? { authorization: auth } : {}),
        ...rest,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as {
      data?: T;
      errors?: GraphQLResult['errors'];
    };
    const sqlStatements = counts.get(requestId) ?? -1;
    counts.delete(requestId);
    return {
      status: res.status,
      data: body.data,
      errors: body.errors,
      sqlStatements,
    };
  };
  return {
    app,
    db,
    idp,
    url: app.url,
    dataDir,
    gql,
    token: (subject, opts) => idp.token(subject, opts),
    as: async (subject, opts) => ({
      authorization: `Bearer ${await idp.token(subject, opts)}`,
    }),
    async ok<T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
      const r = await gql<T>(query, variables, headers);
      if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
      return r.data as T;
    },
    async stop() {
      await app.stop();
      await idp.stop();
      await db.drop();
      if (!env.DATA_DIR) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The first error's extensions.code, or undefined. */
export const codeOf = (r: GraphQLResult) => r.errors?.[0]?.extensions?.code;

/** One GraphQL request over HTTP, as a client sends it; `sqlStatements` is unknown (-1) outside the test server. */
export async function postGraphQL<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> | undefined,
  headers: Record<string, string>,
): Promise<GraphQLResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: GraphQLResult['errors'] };
  return { status: res.status, data: body.data, errors: body.errors, sqlStatements: -1 };
}

export const digestOf = (seed: string | number) => `sha256:${createHash('sha256').update(String(seed)).digest('hex')}`;

export interface Instance {
  app: App;
  /** GraphQL against this instance, as TEST_ADMIN unless headers say otherwise. */
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
  stop(): Promise<void>;
}

/**
 * Another server on the test server's database, with its own connection(s) and settings, as a
 * second instance behind a load balancer (or the same server restarted) would be.
 */
export async function startInstance(
  s: TestServer,
  env: Record<string, string> = {},
  logger = createLogger('error'),
): Promise<Instance> {
  const ds = createDataSource(s.db.config);
  await ds.initialize();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    AUTH_JWKS_URL: s.idp.url,
    AUTH_ISSUER: s.idp.issuer,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_ADMINS: TEST_ADMIN,
    AUTH_JWKS_COOLDOWN_MS: '0',
    ...executorFromEnv(),
    ...env,
  });
  const app = await startApp(config, ds, logger);
  const adminToken = await s.token(TEST_ADMIN, { expiresIn: 3600 });
  return {
    app,
    gql<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      return postGraphQL<T>(app.url, query, variables, { authorization: `Bearer ${adminToken}`, ...headers });
    },
    async stop() {
      await app.stop();
      if (ds.isInitialized) await ds.destroy();
    },
  };
}

/**
 * GRAPHQL_JIT_AFTER and GRAPHQL_JIT_MIN_FIELDS from the test run's own environment: with both 0
 * every query of the suite runs through graphql-jit (src/graphql/jit.ts), with -1 through
 * graphql-js alone. Unset, the servers keep the defaults, as in production.
 */
function executorFromEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['GRAPHQL_JIT_AFTER', 'GRAPHQL_JIT_MIN_FIELDS'])
    if (process.env[name] !== undefined) out[name] = process.env[name]!;
  return out;
}
