import { EntityManager, In } from 'typeorm';
import { uuidv7 } from '../common/uuid';
import { Database } from '../db/database';
import { toDbTimestamp } from '../db/dialect';
import { WebhookDeliveryEntity } from './delivery.entity';
import { WebhookEntity } from './webhook.entity';

/** How an attempt ended, as recorded on its delivery row. */
export interface Outcome {
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  responseCode: number | null;
  error: string | null;
  attemptedAt: Date;
  /** When PENDING: the next attempt. */
  nextAttemptAt: Date | null;
}

/** A claimed delivery: the row, and the claim under which its outcome is recorded. */
export interface Claimed {
  delivery: WebhookDeliveryEntity;
  webhook: WebhookEntity;
}

/**
 * The outbox's SQL: claiming due rows, recording outcomes, counting what waits. A claim leases a
 * row by moving its nextAttemptAt past the attempt's longest possible duration and stamping a
 * claim token; a dispatcher that dies mid-attempt leaves the row to be claimed again when the
 * lease ends (at-least-once), and an outcome is written only under the token that claimed it.
 */
export class Outbox {
  constructor(private readonly db: Database) {}

  /** Ids of due PENDING rows whose webhook is active, oldest due first. */
  private dueIds(em: EntityManager, now: Date, limit: number, lock: boolean): Promise<{ id: string }[]> {
    const qb = em
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .select('d.id', 'id')
      .where('d.status = :pending AND d.nextAttemptAt <= :now', { pending: 'PENDING', now: toDbTimestamp(this.db.dialect, now) })
      // A subquery, not a join: the lock below then covers delivery rows only, never the webhook.
      .andWhere('d.webhookId IN (SELECT w.id FROM webhook w WHERE w.active = 1)')
      .orderBy('d.nextAttemptAt', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .limit(limit);
    if (lock) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
    return qb.getRawMany();
  }

  /**
   * Claims up to `limit` due deliveries for `leaseMs`. MySQL/MariaDB: SELECT … FOR UPDATE SKIP
   * LOCKED in a short transaction, so concurrent dispatchers each take different rows without
   * waiting for one another. SQLite has one writer at a time: an UPDATE that re-checks the row is
   * still due and unclaimed is the compare-and-set. Either way each row goes to one claimant.
   */
  async claimDue(limit: number, leaseMs: number): Promise<Claimed[]> {
    const now = new Date();
    // A plain read first: an idle outbox costs one indexed SELECT per poll and takes no lock.
    if ((await this.dueIds(this.db.manager, now, limit, false)).length === 0) return [];
    const token = uuidv7();
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const ids = await this.db.exclusive(async (em) => {
      const due = (await this.dueIds(em, now, limit, this.db.dialect === 'mysql')).map((r) => r.id);
      if (due.length === 0) return [];
      await em
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({ claimToken: token, nextAttemptAt: leaseUntil })
        .where('id IN (:...due) AND status = :pending AND next_attempt_at <= :now', { due, pending: 'PENDING', now: toDbTimestamp(this.db.dialect, now) })
        .execute();
      return due;
    });
    if (ids.length === 0) return [];
    const deliveries = await this.db.manager.findBy(WebhookDeliveryEntity, { id: In(ids), claimToken: token });
    const webhooks = new Map((await this.webhooks(deliveries.map((d) => d.webhookId))).map((w) => [w.id, w]));
    return deliveries.filter((d) => webhooks.has(d.webhookId)).map((d) => ({ delivery: d, webhook: webhooks.get(d.webhookId)! }));
  }

  private webhooks(ids: string[]): Promise<WebhookEntity[]> {
    return ids.length ? this.db.manager.findBy(WebhookEntity, { id: In([...new Set(ids)]) }) : Promise.resolve([]);
  }

  /** Records an attempt's outcome, if the row is still held under this claim. */
  async record(delivery: WebhookDeliveryEntity, outcome: Outcome): Promise<boolean> {
    const done = outcome.status !== 'PENDING';
    const result = await this.db.exclusive((em) =>
      em
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({
          status: outcome.status,
          attempts: () => 'attempts + 1',
          lastResponseCode: outcome.responseCode,
          lastError: outcome.error,
          lastAttemptAt: outcome.attemptedAt,
          nextAttemptAt: done ? null : outcome.nextAttemptAt,
          completedAt: done ? outcome.attemptedAt : null,
          claimToken: null,
        })
        .where('id = :id AND claim_token = :token', { id: delivery.id, token: delivery.claimToken })
        .execute(),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Deliveries waiting to be sent (the outbox depth), across all webhooks. */
  depth(): Promise<number> {
    return this.db.manager.countBy(WebhookDeliveryEntity, { status: 'PENDING' });
  }
}
