import { DataSource } from 'typeorm';
import { Dialect } from './dialect';
import { mariadb, mysql } from './mysql';
import { sqlite } from './sqlite';

export { jsonKeyPath } from './dialect';
export type { Dialect, RowBound, SharedLock } from './dialect';

/** Every dialect, by the TypeORM driver type that selects it. A new database adds its line here. */
const BY_DRIVER: Record<string, Dialect> = {
  'better-sqlite3': sqlite,
  mysql,
  mariadb,
};

/** The dialect of a DataSource, read once from its driver type when the Database is built. */
export function dialectFor(ds: DataSource): Dialect {
  const dialect = BY_DRIVER[ds.options.type];
  if (!dialect) throw new Error(`No dialect for the ${ds.options.type} driver.`);
  return dialect;
}

/**
 * Whether a unique key refused the write, on whichever database raised it. Error codes do not
 * overlap between drivers, so callers without a Database (lineage edges) can ask every dialect.
 */
export function isUniqueViolation(err: unknown): boolean {
  return Object.values(BY_DRIVER).some((d) => d.isUniqueViolation(err));
}
