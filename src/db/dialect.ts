import { DataSource } from 'typeorm';
import { Dialect } from './data-source';

/**
 * The few SQL spellings that differ between SQLite and MySQL/MariaDB, in one place. Everything
 * else goes through TypeORM's query builder, which quotes and parameterises for both.
 */

/** A timestamp as a query parameter. TypeORM stores SQLite datetimes as UTC text, 'YYYY-MM-DD HH:MM:SS.mmm'. */
export function toDbTimestamp(dialect: Dialect, d: Date): Date | string {
  return dialect === 'sqlite' ? d.toISOString().replace('T', ' ').replace('Z', '') : d;
}

/** A number read from a JSON object column by key, or NULL. `keyParam` is a bound JSON path. */
export function jsonNumber(dialect: Dialect, column: string, pathParam: string): string {
  return dialect === 'sqlite'
    ? `CAST(json_extract(${column}, :${pathParam}) AS REAL)`
    : `CAST(JSON_VALUE(${column}, :${pathParam}) AS DOUBLE)`;
}

/** The JSON path of an object key, quoted so that dots and dashes in metric names are literal. */
export function jsonKeyPath(key: string): string {
  return `$."${key.replace(/["\\]/g, '')}"`;
}

/** True when the JSON array in `column` contains the string bound to `param`. */
export function jsonArrayContains(dialect: Dialect, column: string, param: string): string {
  return dialect === 'sqlite'
    ? `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value = :${param})`
    : `JSON_CONTAINS(${column}, JSON_QUOTE(:${param}))`;
}

/**
 * How to bound one SELECT's run time: MariaDB takes a `SET STATEMENT max_statement_time=<s> FOR`
 * prefix, MySQL 8 a `MAX_EXECUTION_TIME(<ms>)` hint after the top-level SELECT keyword. SQLite
 * (better-sqlite3) has no statement timeout and runs on the event loop, so there only the query's
 * own bounds (depth, LIMIT) hold. `ms` of 0 means no bound.
 * https://mariadb.com/kb/en/aborting-statements/ · https://dev.mysql.com/doc/refman/8.0/en/optimizer-hints.html#optimizer-hints-execution-time
 */
export function statementTimeout(ds: DataSource, ms: number): { prefix: string; selectHint: string } {
  if (ms <= 0) return { prefix: '', selectHint: '' };
  if (ds.options.type === 'mariadb')
    return { prefix: `SET STATEMENT max_statement_time=${ms / 1000} FOR `, selectHint: '' };
  if (ds.options.type === 'mysql') return { prefix: '', selectHint: `/*+ MAX_EXECUTION_TIME(${Math.ceil(ms)}) */` };
  return { prefix: '', selectHint: '' };
}

/** MariaDB's ER_STATEMENT_TIMEOUT (1969) and MySQL's ER_QUERY_TIMEOUT (3024). */
export function isStatementTimeout(err: unknown): boolean {
  const errno = (err as { driverError?: { errno?: number } })?.driverError?.errno ?? (err as { errno?: number })?.errno;
  return errno === 1969 || errno === 3024;
}
