import path from 'node:path';

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
}

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'mysql'; url: string; flavor: 'mysql' | 'mariadb' };

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
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(name, `a whole number from ${min} to ${max}`, raw);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, 'true or false', raw);
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
    throw new ConfigError('DATABASE_URL', 'mysql://user:password@host:3306/database, mariadb://… or sqlite:<file>', raw.replace(/\/\/[^@]*@/, '//***@'));
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new ConfigError('DATABASE_URL', 'a mysql://, mariadb:// or sqlite: URL', `${url.protocol}//…`);
  }
  if (!url.pathname || url.pathname === '/') throw new ConfigError('DATABASE_URL', 'a URL that names the database (…:3306/registry)', `${url.protocol}//${url.host}`);
  return { kind: 'mysql', url: raw, flavor: url.protocol === 'mariadb:' ? 'mariadb' : 'mysql' };
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const database = parseDatabaseUrl(env.DATABASE_URL, dataDir);
  return {
    env: nodeEnv,
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    dataDir,
    database,
    // The embedded database belongs to this process, so migrating it on start is safe. A shared
    // MySQL is migrated by an operator (`npm run migrate`) unless they opt in.
    migrateOnStart: bool(env, 'MIGRATE_ON_START', database.kind === 'sqlite'),
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, nodeEnv === 'test' ? 'warn' : 'info'),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    exposeErrors: nodeEnv === 'development' && bool(env, 'EXPOSE_ERRORS', false),
  };
}
