import { EntityManager } from 'typeorm';
import { PolicyVersionEntity } from '../access/policy-version.entity';
import { Caller } from '../access/principal';
import { Database } from '../db/database';
import { changeTypeOf, EventType } from './catalogue';
import { recordAudit } from './audit-row';
import { Change } from './change';
import { queueEvent } from './outbox-rows';

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

  constructor(
    private readonly db: Database,
    private readonly onAccessChanged: () => Promise<void>,
  ) {}

  async record(em: EntityManager, caller: Caller, change: Change, at = new Date()): Promise<void> {
    const entry = changeTypeOf(change.type);
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
      const event = {
        ...change,
        type: change.type as EventType,
        registry: { id: registry.id, name: registry.name },
      };
      await queueEvent(em, this.db.dialect, caller, event, at);
    }
    if ((change.accessChanged ?? entry.access) && !this.bumped.has(em)) {
      this.bumped.add(em);
      // Other instances poll this version and reload their policy when it moves.
      await em.increment(PolicyVersionEntity, { id: 1 }, 'version', 1);
      this.db.afterCommit(em, this.onAccessChanged);
    }
  }
}
