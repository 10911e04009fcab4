import { Dialect, driverError } from './dialect';

// Deadlock found; lock wait timeout. Both are safe to retry from the start.
const RETRYABLE_ERRNOS = new Set([1213, 1205]);
// MariaDB's ER_STATEMENT_TIMEOUT (1969) and MySQL's ER_QUERY_TIMEOUT (3024).
const TIMEOUT_ERRNOS = new Set([1969, 3024]);

/**
 * MySQL 8 and MariaDB (10.11+) through mysql2: a pool of connections, transactions at READ
 * COMMITTED, row locks ordering writers. The two differ in the few values below: how a statement
 * timeout is spelled and how a recursive walk can be bounded.
 */
function mysqlFamily(name: 'mysql' | 'mariadb'): Dialect {
  return {
    name,
    serializesTransactions: false,
    isolation: 'READ COMMITTED',
    forUpdate: (qb) => qb.setLock('pessimistic_write'),
    sharedLock: { lock: { mode: 'pessimistic_read' } },
    skipLocked: (qb) => qb.setLock('pessimistic_write').setOnLocked('skip_locked'),
    timestamp: (d) => d,
    jsonNumber: (column, pathParam) => `CAST(JSON_VALUE(${column}, :${pathParam}) AS DOUBLE)`,
    jsonArrayContains: (column, param) => `JSON_CONTAINS(${column}, JSON_QUOTE(:${param}))`,
    // MariaDB refuses a LIMIT on the whole recursion but takes one on each parenthesized step;
    // MySQL takes neither, and is left to its statement timeout.
    recursionBound: name === 'mariadb' ? 'per-step' : 'none',
    // MariaDB: a `SET STATEMENT max_statement_time=<s> FOR` prefix; MySQL 8: a
    // `MAX_EXECUTION_TIME(<ms>)` hint after the top-level SELECT keyword.
    // https://mariadb.com/kb/en/aborting-statements/
    // https://dev.mysql.com/doc/refman/8.0/en/optimizer-hints.html#optimizer-hints-execution-time
    statementTimeout: (ms) => {
      if (ms <= 0) return { prefix: '', selectHint: '' };
      return name === 'mariadb'
        ? {
            prefix: `SET STATEMENT max_statement_time=${ms / 1000} FOR `,
            selectHint: '',
          }
        : {
            prefix: '',
            selectHint: `/*+ MAX_EXECUTION_TIME(${Math.ceil(ms)}) */`,
          };
    },
    isStatementTimeout: (err) => TIMEOUT_ERRNOS.has(driverError(err)?.errno ?? -1),
    isUniqueViolation: (err) => {
      const e = driverError(err);
      return e?.errno === 1062 || e?.code === 'ER_DUP_ENTRY';
    },
    isRetryable: (err) => RETRYABLE_ERRNOS.has(driverError(err)?.errno ?? -1),
  };
}

export const mysql = mysqlFamily('mysql');
export const mariadb = mysqlFamily('mariadb');
