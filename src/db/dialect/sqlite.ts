import { Dialect, driverError } from './dialect';

/**
 * SQLite through better-sqlite3: one connection, on the event loop. Transactions are serialized
 * by the Database's queue, so there are no row locks to take, and no statement timeout: only a
 * query's own bounds (depth, LIMIT) hold.
 */
export const sqlite: Dialect = {
  name: 'sqlite',
  serializesTransactions: true,
  isolation: undefined,
  forUpdate: (qb) => qb,
  sharedLock: {},
  skipLocked: (qb) => qb,
  // TypeORM stores SQLite datetimes as UTC text, 'YYYY-MM-DD HH:MM:SS.mmm'.
  timestamp: (d) => d.toISOString().replace('T', ' ').replace('Z', ''),
  jsonNumber: (column, pathParam) => `CAST(json_extract(${column}, :${pathParam}) AS REAL)`,
  jsonArrayContains: (column, param) => `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value = :${param})`,
  // A LIMIT inside the CTE stops the whole recursion (https://sqlite.org/lang_with.html,
  // "Controlling Depth Of Recursion").
  recursionBound: 'whole',
  statementTimeout: () => ({ prefix: '', selectHint: '' }),
  isStatementTimeout: () => false,
  isUniqueViolation: (err) => {
    const code = driverError(err)?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  },
  // One writer at a time: no deadlocks to retry.
  isRetryable: () => false,
};
