import { EntityManager } from 'typeorm';
import { PolicyVersionEntity } from '../access/policy-version.entity';
import { Caller } from '../access/principal';
import { Database } from '../db/database';
import { changeTypeOf, EventType } from './catalogue';
import { recordAudit } from './audit-row';
import { Change } from './change';
import { queueEvent } from './outbox-rows';
import { buildPayload, CommittedEvent, EventPayload } from './payload';
import { uuidv7 } from '../common/uuid';

/** Hears of delivered changes once their transaction has committed, in commit order (src/live). */
export type CommitListener = (events: CommittedEvent[]) => void;

/**
 * The seam every mutation writes its change through. In the caller's transaction it appends the
 * audit row and, for a delivered type, one outbox row per webhook that wants it; for a change to
 * access it raises the policy version, and once the transaction commits it reloads this
 * instance's policy (other instances see the version move when they poll). All of it commits
 * with the change or not at all.
 */
export class ChangeLog {
  /** Transactions that raised the policy version already: once per transaction is enough. */
  private readonly bumped = new WeakSet<EntityManager>();
  /** Events of each open transaction, handed to `onCommitted` once it commits. */
  private readonly committing = new WeakMap<EntityManager, CommittedEvent[]>();
  /** Models each open transaction changed (their rows as the change named them), whose revision it raises just before it commits. */
  private readonly changedModels = new WeakMap<EntityManager, Map<string, { revision: number }[]>>();

  constructor(
    private readonly db: Database,
    private readonly onAccessChanged: () => Promise<void>,
    private readonly onCommitted?: CommitListener,
  ) {}

  async record(em: EntityManager, caller: Caller, change: Change, at = new Date()): Promise<void> {
    const entry = changeTypeOf(change.type);
    if (change.model) this.raiseRevision(em, change.model);
    await recordAudit(
      em,
      caller,
      {
        action: change.type,
        registryId: change.registry.id,
        modelId: change.model?.id ?? null,
        targetType: entry.target,
        targetId: change.targetId,
        before: change.before ?? null,
        after: change.after ?? null,
      },
      at,
    );
    if (entry.delivered && change.notify !== false) {
      const { registry } = change;
      if (registry.name === undefined) throw new Error(`a ${change.type} change needs its registry's name`);
      const event = { ...change, type: change.type as EventType, registry: { id: registry.id, name: registry.name } };
      // One id and one payload for the webhooks and the subscriptions, built only if someone wants it.
      let payload: EventPayload | undefined;
      const freeze = () => (payload ??= buildPayload(`evt_${uuidv7()}`, event, caller, at));
      await queueEvent(em, this.db.dialect, event, freeze, at);
      if (this.onCommitted) this.publishOnCommit(em, { registryId: registry.id, payload: freeze() });
    }
    if ((change.accessChanged ?? entry.access) && !this.bumped.has(em)) {
      this.bumped.add(em);
      // Other instances poll this version and reload their policy when it moves.
      await em.increment(PolicyVersionEntity, { id: 1 }, 'version', 1);
      this.db.afterCommit(em, this.onAccessChanged);
    }
  }

  /**
   * Every change to a model, its versions or its aliases names the model, so this is the one place
   * a model's revision moves: once per transaction, in the same transaction as the change, as its
   * last statement (ids in order, so two writers lock them in the same order). A reader that sees
   * the new revision therefore sees the change, on this instance or any other on the database, and
   * the model cache (src/models/model-cache.ts) keys what it holds by it.
   */
  private raiseRevision(em: EntityManager, model: { id: string; revision: number }): void {
    let models = this.changedModels.get(em);
    if (!models) {
      const batch = (models = new Map<string, { revision: number }[]>());
      this.changedModels.set(em, batch);
      this.db.beforeCommit(em, async () => {
        const ids = [...batch.keys()].sort();
        const list = ids.map(() => '?').join(', ');
        await em.query(`UPDATE registered_model SET revision = revision + 1 WHERE id IN (${list})`, ids);
        // The rows the mutation answers with carry the revision it committed, so what its payload
        // reads through the cache (model { aliases versions }) is never an entry from before it.
        const rows: { id: string; revision: number | string }[] = await em.query(
          `SELECT id, revision FROM registered_model WHERE id IN (${list})`,
          ids,
        );
        for (const row of rows) for (const m of batch.get(row.id) ?? []) m.revision = Number(row.revision);
      });
    }
    const rows = models.get(model.id);
    if (rows) rows.push(model);
    else models.set(model.id, [model]);
  }

  /**
   * Queues the event for after the commit: never sent from a transaction that rolls back. The
   * hook is registered before the policy reload's and hands the events over synchronously, so
   * they leave this process in the same turn of the event loop as the commit: another writer of
   * the same model, waiting on its lock, cannot commit and publish first.
   */
  private publishOnCommit(em: EntityManager, event: CommittedEvent): void {
    let events = this.committing.get(em);
    if (!events) {
      const batch: CommittedEvent[] = (events = []);
      this.committing.set(em, batch);
      // The listener never throws (it queues and returns); should it, the change has committed
      // all the same, and the mutation must not report a failure.
      this.db.afterCommit(em, async () => {
        try {
          this.onCommitted!(batch);
        } catch {
          /* see above */
        }
      });
    }
    events.push(event);
  }
}
