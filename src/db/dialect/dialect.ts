import { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * How a dialect lets a recursive walk's work be bounded: the whole recursion stops at a LIMIT
 * inside the CTE (SQLite), each step of the recursion takes its own parenthesized LIMIT (MariaDB),
 * or neither, and only the statement timeout holds (MySQL).
 */
export type RowBound = 'whole' | 'per-step' | 'none';

/** Find options that take a shared row lock, or none where the dialect has no row locks. */
export type SharedLock = { lock?: { mode: 'pessimistic_read' } };

/**
 * Every difference between the databases the registry runs on, in one interface. The Database
 * chooses one implementation when it is built (dialectFor, from the DataSource's driver) and
 * everything else asks it; no file outside src/db branches on the database (test/dialect-rule).
 * Everything not here goes through TypeORM's query builder, which quotes and parameterises for
 * every driver. A new database is one more implementation of this, plus its migrations.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'mysql' | 'mariadb';

  /**
   * True when the database is one connection (better-sqlite3): the Database queues transactions
   * one at a time, which makes them serializable, and row locks are not needed. Otherwise each
   * transaction takes a pooled connection at `isolation`, and row locks order writers.
   */
  readonly serializesTransactions: boolean;
  readonly isolation: IsolationLevel | undefined;

  /** Adds SELECT … FOR UPDATE where the dialect has row locks. */
  forUpdate<Q extends SelectQueryBuilder<ObjectLiteral>>(qb: Q): Q;
  /** Find options for a shared lock (LOCK IN SHARE MODE / FOR SHARE) where the dialect has row locks. */
  readonly sharedLock: SharedLock;
  /**
   * Makes a claim query take its rows with FOR UPDATE SKIP LOCKED, so concurrent claimants each
   * get different rows without waiting. Unchanged where transactions are serialized.
   */
  skipLocked<Q extends SelectQueryBuilder<ObjectLiteral>>(qb: Q): Q;

  /** A timestamp as a query parameter. */
  timestamp(d: Date): Date | string;
  /** A number read from a JSON object column by key, or NULL; `pathParam` is a bound JSON path (jsonKeyPath). */
  jsonNumber(column: string, pathParam: string): string;
  /** True when the JSON array in `column` contains the string bound to `param`. */
  jsonArrayContains(column: string, param: string): string;

  /** How the lineage walk bounds its recursion (see RowBound). */
  readonly recursionBound: RowBound;
  /**
   * How to bound one SELECT's run time to `ms` (0: no bound): a prefix before the statement, or
   * a hint after its top-level SELECT keyword. Empty where the database has no statement timeout.
   */
  statementTimeout(ms: number): { prefix: string; selectHint: string };

  /** The statement ran past its statementTimeout. */
  isStatementTimeout(err: unknown): boolean;
  /** A unique key refused the write. */
  isUniqueViolation(err: unknown): boolean;
  /** The transaction failed in a way that is safe to run again from the start (deadlock, lock wait timeout). */
  isRetryable(err: unknown): boolean;
}

/** The driver's error behind a TypeORM QueryFailedError, or the error itself. */
export function driverError(err: unknown): { errno?: number; code?: string } | undefined {
  type DriverError = { errno?: number; code?: string };
  return (err as { driverError?: DriverError })?.driverError ?? (err as DriverError);
}

/**
 * The JSON path of an object key, quoted so that dots and dashes in metric names are literal.
 * The same on every dialect.
 */
export function jsonKeyPath(key: string): string {
  return `$."${key.replace(/["\\]/g, '')}"`;
}
