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
