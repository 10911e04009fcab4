import { EntityManager, In } from 'typeorm';
import { uuidv7 } from '../common/uuid';
import { Database } from '../db/database';
import { WebhookDeliveryEntity } from '../webhooks/delivery.entity';
import { WebhookEntity } from '../webhooks/webhook.entity';

/** Finished deliveries are deleted this many at a time, one short statement each. */
export const DELETE_BATCH = 500;

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
 *
 * A row of a webhook that is switched off is parked: PENDING with nextAttemptAt NULL, so it is
 * never due and the claim needs no join to the webhook table (see `pause` and `resume`).
 */
export class Outbox {
  constructor(private readonly db: Database) {}

  /**
   * Ids of due PENDING rows, oldest due first. One range of ix_delivery_due (status,
   * next_attempt_at, then the primary key InnoDB appends), read in index order and stopped at the
   * LIMIT, so FOR UPDATE SKIP LOCKED locks only the rows returned. A condition on another table
   * here (as an earlier `webhook_id IN (SELECT … active)` was) makes MariaDB read and sort the
   * whole due backlog and lock every row of it, so concurrent dispatchers got nothing.
   */
  dueIds(em: EntityManager, now: Date, limit: number, lock: boolean): Promise<{ id: string }[]> {
    const qb = em
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .select('d.id', 'id')
      .where('d.status = :pending AND d.nextAttemptAt <= :now', {
        pending: 'PENDING',
        now: this.db.dialect.timestamp(now),
      })
      .orderBy('d.nextAttemptAt', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .limit(limit);
    if (lock) this.db.dialect.skipLocked(qb);
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
      const due = (await this.dueIds(em, now, limit, true)).map((r) => r.id);
      if (due.length === 0) return [];
      await em
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({ claimToken: token, nextAttemptAt: leaseUntil })
        .where('id IN (:...due) AND status = :pending AND next_attempt_at <= :now', {
          due,
          pending: 'PENDING',
          now: this.db.dialect.timestamp(now),
        })
        .execute();
      return due;
    });
    if (ids.length === 0) return [];
    const deliveries = await this.db.manager.findBy(WebhookDeliveryEntity, {
      id: In(ids),
      claimToken: token,
    });
    const webhooks = new Map((await this.webhooks(deliveries.map((d) => d.webhookId))).map((w) => [w.id, w]));
    const off = deliveries.filter((d) => !webhooks.get(d.webhookId)?.active);
    if (off.length > 0) for (const w of await this.parkInactive(off, token)) webhooks.set(w.id, w);
    // A webhook deleted meanwhile took its deliveries with it: nothing to send.
    return deliveries
      .filter((d) => webhooks.get(d.webhookId)?.active)
      .map((d) => ({ delivery: d, webhook: webhooks.get(d.webhookId)! }));
  }

  /**
   * Claimed rows whose webhook was off: a retry recorded just after it was switched off, or a
   * lease that ran out. They are parked rather than sent. The webhooks are locked first (shared),
   * in the order updateWebhook locks them, so a switch-on running now either commits first (its
   * webhook comes back active and the rows are sent) or waits and then resumes the parked rows.
   * Returns the webhooks as they are now.
   */
  private parkInactive(rows: WebhookDeliveryEntity[], token: string): Promise<WebhookEntity[]> {
    return this.db.transaction(async (em) => {
      const ids = [...new Set(rows.map((r) => r.webhookId))];
      const webhooks = await em.find(WebhookEntity, {
        where: { id: In(ids) },
        ...this.db.dialect.sharedLock,
      });
      const active = new Set(webhooks.filter((w) => w.active).map((w) => w.id));
      const park = rows.filter((r) => !active.has(r.webhookId)).map((r) => r.id);
      if (park.length > 0) {
        await em
          .createQueryBuilder()
          .update(WebhookDeliveryEntity)
          .set({ nextAttemptAt: null, claimToken: null })
          .where('id IN (:...park) AND claim_token = :token', { park, token })
          .execute();
      }
      return webhooks;
    });
  }

  /**
   * A webhook switched off: its waiting deliveries are parked (never due). Rows claimed by an
   * attempt in flight keep their lease; if that attempt ends in a retry, the claim after it parks
   * the row. In the caller's transaction, with the webhook locked.
   */
  async pause(em: EntityManager, webhookId: string): Promise<void> {
    await em
      .createQueryBuilder()
      .update(WebhookDeliveryEntity)
      .set({ nextAttemptAt: null })
      .where('webhook_id = :webhookId AND status = :pending AND claim_token IS NULL', { webhookId, pending: 'PENDING' })
      .execute();
  }

  /** A webhook switched on: its parked deliveries are due now. In the caller's transaction, with the webhook locked. */
  async resume(em: EntityManager, webhookId: string, now: Date): Promise<void> {
    await em
      .createQueryBuilder()
      .update(WebhookDeliveryEntity)
      .set({ nextAttemptAt: now })
      .where('webhook_id = :webhookId AND status = :pending AND next_attempt_at IS NULL', {
        webhookId,
        pending: 'PENDING',
      })
      .execute();
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
        .where('id = :id AND claim_token = :token', {
          id: delivery.id,
          token: delivery.claimToken,
        })
        .execute(),
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * Deletes up to `limit` deliveries that finished before `before` (ix_delivery_completed).
   * Returns how many, so the caller knows whether to go on.
   */
  pruneFinished(before: Date, limit: number): Promise<number> {
    return this.deleteFinished('d.completedAt < :before', { before: this.db.dialect.timestamp(before) }, limit);
  }

  /** Deletes up to `limit` finished deliveries of one webhook (ix_delivery_webhook_status). */
  deleteHistory(webhookId: string, limit: number): Promise<number> {
    return this.deleteFinished('d.webhookId = :webhookId', { webhookId }, limit);
  }

  /**
   * One batch: the ids, then a DELETE by primary key. Two plain statements that read the same on
   * SQLite and MariaDB (neither `DELETE … LIMIT` nor a LIMIT in an IN subquery is portable), each
   * holding its locks only for a moment. Finished rows never change, so nothing can slip in
   * between.
   */
  private deleteFinished(where: string, params: Record<string, unknown>, limit: number): Promise<number> {
    return this.db.exclusive(async (em) => {
      const rows: { id: string }[] = await em
        .getRepository(WebhookDeliveryEntity)
        .createQueryBuilder('d')
        .select('d.id', 'id')
        .where(`d.status IN (:...finished) AND ${where}`, {
          finished: ['SUCCEEDED', 'FAILED'],
          ...params,
        })
        .limit(limit)
        .getRawMany();
      if (rows.length > 0)
        await em.delete(WebhookDeliveryEntity, {
          id: In(rows.map((r) => r.id)),
        });
      return rows.length;
    });
  }

  /** Deliveries waiting to be sent (the outbox depth), across all webhooks. */
  depth(): Promise<number> {
    return this.db.manager.countBy(WebhookDeliveryEntity, {
      status: 'PENDING',
    });
  }
}
