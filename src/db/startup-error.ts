import { ConfigError, DatabaseConfig, decodedOrNull } from '../config';

/** A reason to stop at start-up that is already one line for the operator: printed as it is. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

interface ErrorLike {
  code?: string;
  errno?: number;
  path?: string;
  syscall?: string;
  message?: string;
}

// Node's file system errors that mean "this path cannot be created or opened by this user".
const FS_CODES = new Set([
  'EACCES',
  'EEXIST',
  'EPERM',
  'EROFS',
  'ENOTDIR',
  'EISDIR',
  'ENOENT',
  'ENOSPC',
  'ELOOP',
  'ENAMETOOLONG',
]);
const SQLITE_OPEN_CODES = new Set([
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_PERM',
  'SQLITE_NOTADB',
  'SQLITE_IOERR',
]);
const WRITABLE_PATH = 'Make DATA_DIR, or the file of DATABASE_URL=sqlite:<file>, a path this user can write.';

/**
 * The one line printed when the server (or `npm run migrate`) cannot start: what could not be
 * reached or opened, and what to change. It names host, port, user and database, never the
 * password. An error this does not recognise keeps its stack, which is what a bug report needs.
 */
export function startupErrorMessage(err: unknown, database?: DatabaseConfig): string {
  if (err instanceof ConfigError) return `Configuration error: ${err.message}`;
  if (err instanceof StartupError) return err.message;
  const e = (err ?? {}) as ErrorLike;
  const explained = (database?.kind === 'mysql' ? explainMysql(e, database.url) : null) ?? explainFile(e, database);
  if (explained) return explained;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

function explainMysql(e: ErrorLike, raw: string): string | null {
  const url = new URL(raw);
  const where = `${url.hostname}:${url.port || 3306}`;
  // config.ts refuses malformed escapes; shown as written if one got here anyway.
  const user = (decodedOrNull(url.username) ?? url.username) || '(none)';
  const name = decodedOrNull(url.pathname.slice(1)) ?? url.pathname.slice(1);
  switch (e.code) {
    case 'ECONNREFUSED':
      return (
        `Cannot reach the database: nothing accepts connections at ${where} (ECONNREFUSED). ` +
        'Start MariaDB/MySQL there, or fix the host and port in DATABASE_URL.'
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return (
        `Cannot reach the database: the host "${url.hostname}" was not found (${e.code}). ` +
        'Fix the host in DATABASE_URL.'
      );
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return (
        `Cannot reach the database at ${where} (${e.code}). ` +
        'Check the host and port in DATABASE_URL, and any firewall in between.'
      );
  }
  switch (e.errno) {
    case 1045:
    case 1698:
      return (
        `The database at ${where} refused the user "${user}" (access denied, error ${e.errno}). ` +
        'Check the user and password in DATABASE_URL; percent-encode special characters in them.'
      );
    case 1044:
      return (
        `The user "${user}" may not use the database "${name}" at ${where} (error 1044). ` +
        `GRANT ALL ON \`${name}\`.* to that user, or fix DATABASE_URL.`
      );
    case 1049:
      return (
        `The database "${name}" does not exist at ${where} (error 1049). ` +
        `Create it (CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci), ` +
        'or fix the name in DATABASE_URL.'
      );
  }
  return null;
}

/** SQLite's file, or local mode's key: a path the server could not create or open. */
function explainFile(e: ErrorLike, database?: DatabaseConfig): string | null {
  const sqliteFile = database?.kind === 'sqlite' ? database.file : null;
  if (e.code && SQLITE_OPEN_CODES.has(e.code) && sqliteFile) {
    if (e.code === 'SQLITE_NOTADB') {
      return (
        `${sqliteFile} is not a SQLite database (SQLITE_NOTADB). ` +
        'Point DATA_DIR or DATABASE_URL=sqlite:<file> somewhere else.'
      );
    }
    return `Cannot open the SQLite database ${sqliteFile} (${e.code}: ${e.message}). ${WRITABLE_PATH}`;
  }
  // A file where a directory should be: under it (ENOTDIR), or the directory's own name (mkdir's EEXIST).
  if (e.code === 'ENOTDIR' && e.path) {
    return `Cannot create or open ${e.path}: a part of its path is a file, not a directory (ENOTDIR). ${WRITABLE_PATH}`;
  }
  if (e.code === 'EEXIST' && e.syscall === 'mkdir' && e.path) {
    return `Cannot create the directory ${e.path}: it is a file, not a directory (EEXIST). ${WRITABLE_PATH}`;
  }
  if (e.code && FS_CODES.has(e.code) && e.path) {
    return `Cannot create or open ${e.path} (${e.code}). ${WRITABLE_PATH}`;
  }
  return null;
}
