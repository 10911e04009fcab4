import { DataSource, EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Dialect, dialectOf } from './data-source';

/** Thrown inside a transaction to have it rolled back and run again from the start. */
export class RetryTransaction extends Error {
  constructor(reason: string) {
    super(`transaction must be retried: ${reason}`);
  }
}

const MAX_ATTEMPTS = 8;
// MySQL/MariaDB: deadlock found; lock wait timeout. Both are safe to retry from the start.
const RETRYABLE_ERRNOS = new Set([1213, 1205]);

function isRetryable(err: unknown): boolean {
  if (err instanceof RetryTransaction) return true;
  const errno =
    (err as { errno?: number; driverError?: { errno?: number } })?.driverError?.errno ??
    (err as { errno?: number })?.errno;
  return errno !== undefined && RETRYABLE_ERRNOS.has(errno);
}

/** MySQL's 1062 and SQLite's SQLITE_CONSTRAINT_UNIQUE: a unique key refused the write. */
export function isUniqueViolation(err: unknown): boolean {
  const e =
    (err as { driverError?: { errno?: number; code?: string } })?.driverError ??
    (err as { errno?: number; code?: string });
  return (
    e?.errno === 1062 ||
    e?.code === 'ER_DUP_ENTRY' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * The one way services write: every mutation runs in exactly one transaction, so its change, its
 * alias event and its audit event commit together or not at all.
 *
 * SQLite (better-sqlite3) has a single connection, and TypeORM would turn a second concurrent
 * transaction on it into a savepoint of the first. Transactions are therefore queued here, one at
 * a time, which also makes them serializable. On MySQL/MariaDB each transaction takes its own
 * pooled connection at READ COMMITTED, and row locks (`lockForUpdate`, and the model lock in
 * ModelService.findForUpdate) order writers; deadlocks
 * and explicit `RetryTransaction`s are retried from the start.
 */
export class Database {
  readonly dialect: Dialect;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly ds: DataSource) {
    this.dialect = dialectOf(ds);
  }

  get manager(): EntityManager {
    return this.ds.manager;
  }

  async transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(fn);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }

  /**
   * Runs statements that are each atomic by themselves (a compare-and-set UPDATE) without holding
   * a transaction open across awaits. SQLite: queued with this instance's transactions, each
   * statement committing on its own, so no write lock is held while the event loop turns (another
   * connection in the same process would otherwise block it waiting for that lock). MySQL and
   * MariaDB: an ordinary transaction, where row locks do the work.
   */
  async exclusive<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === 'mysql') return this.transaction(fn);
    const run = this.queue.then(() => fn(this.ds.manager));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private runOnce<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === 'mysql') return this.ds.transaction('READ COMMITTED', fn);
    const run = this.queue.then(() => this.ds.transaction(fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Locks rows for the rest of the transaction (SELECT … FOR UPDATE). A no-op on SQLite, whose
   * transactions are already serialized by the queue above.
   */
  async lockForUpdate<E extends ObjectLiteral>(
    em: EntityManager,
    entity: EntityTarget<E>,
    id: string,
  ): Promise<E | null> {
    return this.forUpdate(em.getRepository(entity).createQueryBuilder('t').where('t.id = :id', { id })).getOne();
  }

  /** Adds FOR UPDATE to a query on MySQL/MariaDB; SQLite's queued transactions need no lock. */
  forUpdate<Q extends SelectQueryBuilder<ObjectLiteral>>(qb: Q): Q {
    if (this.dialect === 'mysql') qb.setLock('pessimistic_write');
    return qb;
  }
}
