import { DataSource, EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Dialect, dialectFor } from './dialect';

/** Thrown inside a transaction to have it rolled back and run again from the start. */
export class RetryTransaction extends Error {
  constructor(reason: string) {
    super(`transaction must be retried: ${reason}`);
  }
}

const MAX_ATTEMPTS = 8;

export { isUniqueViolation } from './dialect';

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
  /** Attempts rolled back to run again (deadlocks, lock timeouts, RetryTransaction) since start. */
  retries = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * SQLite: whether a transaction is open on the one connection, and a count that moves whenever
   * one opens or ends (see cleanReadStamp).
   */
  private sqliteTransactionOpen = false;
  private sqliteTransactionEdges = 0;
  /** Work to run once a transaction has committed, by its manager (see afterCommit). */
  private readonly commitHooks = new WeakMap<EntityManager, (() => Promise<void>)[]>();
  /** Last statements of a transaction, by its manager (see beforeCommit). */
  private readonly lastHooks = new WeakMap<EntityManager, (() => Promise<void>)[]>();

  constructor(readonly ds: DataSource) {
    this.dialect = dialectFor(ds);
  }

  get manager(): EntityManager {
    return this.ds.manager;
  }

  async transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      // Hooks of an attempt that rolled back are dropped with it.
      const hooks: (() => Promise<void>)[] = [];
      let result: T;
      try {
        result = await this.runOnce(async (em) => {
          const last: (() => Promise<void>)[] = [];
          this.commitHooks.set(em, hooks);
          this.lastHooks.set(em, last);
          const value = await fn(em);
          for (const hook of last) await hook();
          return value;
        });
      } catch (err) {
        const retryable = err instanceof RetryTransaction || this.dialect.isRetryable(err);
        if (attempt >= MAX_ATTEMPTS || !retryable) throw err;
        this.retries += 1;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
        continue;
      }
      for (const hook of hooks) await hook();
      return result;
    }
  }

  /**
   * Runs `hook` after the transaction `em` belongs to commits (not at all if it rolls back), before
   * `transaction` returns: the policy reload after a change to access uses it.
   */
  afterCommit(em: EntityManager, hook: () => Promise<void>): void {
    const hooks = this.commitHooks.get(em);
    if (!hooks) throw new Error('afterCommit needs a manager of Database.transaction');
    if (!hooks.includes(hook)) hooks.push(hook);
  }

  /**
   * Runs `hook` inside the transaction `em` belongs to, after its work and just before it commits:
   * the raise of model revisions (ChangeLog) uses it, so that lock is the last one a writer takes
   * and held for the shortest time.
   */
  beforeCommit(em: EntityManager, hook: () => Promise<void>): void {
    const hooks = this.lastHooks.get(em);
    if (!hooks) throw new Error('beforeCommit needs a manager of Database.transaction');
    if (!hooks.includes(hook)) hooks.push(hook);
  }

  /**
   * Runs statements that are each atomic by themselves (a compare-and-set UPDATE) without holding
   * a transaction open across awaits. SQLite: queued with this instance's transactions, each
   * statement committing on its own, so no write lock is held while the event loop turns (another
   * connection in the same process would otherwise block it waiting for that lock). MySQL and
   * MariaDB: an ordinary transaction, where row locks do the work.
   */
  async exclusive<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.dialect.serializesTransactions) return this.transaction(fn);
    const run = this.queue.then(() => fn(this.ds.manager));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A stamp for reads about to be kept beyond the request (the model cache), or null when they
   * must not be: on SQLite every statement runs on the one connection, so a read made while a
   * transaction is open sees its uncommitted rows, which a rollback would leave in a cache as
   * current. Such a read is kept only if the stamp taken before it is still the stamp after it
   * (no transaction opened or ended in between). MySQL and MariaDB reads see only committed rows.
   */
  cleanReadStamp(): number | null {
    if (!this.dialect.serializesTransactions) return 0;
    return this.sqliteTransactionOpen ? null : this.sqliteTransactionEdges;
  }

  private runOnce<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.dialect.serializesTransactions) return this.ds.transaction(this.dialect.isolation!, fn);
    const run = this.queue.then(async () => {
      this.sqliteTransactionOpen = true;
      this.sqliteTransactionEdges += 1;
      try {
        return await this.ds.transaction(fn);
      } finally {
        this.sqliteTransactionOpen = false;
        this.sqliteTransactionEdges += 1;
      }
    });
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
    return this.dialect.forUpdate(qb);
  }
}
