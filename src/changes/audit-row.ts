import { EntityManager } from 'typeorm';
import { JsonObject } from '../db/columns';
import { Caller } from '../access/principal';
import { uuidv7 } from '../common/uuid';
import { storableJson } from '../db/json-depth';
import { AuditEventEntity } from '../audit/audit-event.entity';

export interface AuditEntry {
  action: string;
  registryId: string | null;
  modelId?: string | null;
  targetType: string;
  targetId: string;
  before?: JsonObject | null;
  after?: JsonObject | null;
}

/**
 * Appends one audit event inside the caller's transaction, so the event exists exactly when the
 * change does. There is deliberately no update or delete here. Snapshots are cut to a depth every
 * database stores, so no stored value can make the audit row of a later change unwritable.
 */
export async function recordAudit(
  em: EntityManager,
  caller: Caller,
  entry: AuditEntry,
  at = new Date(),
): Promise<void> {
  await em.insert(AuditEventEntity, {
    id: uuidv7(),
    at,
    actor: caller.principal.subject,
    action: entry.action,
    registryId: entry.registryId,
    modelId: entry.modelId ?? null,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: storableJson(entry.before ?? null),
    after: storableJson(entry.after ?? null),
    requestId: caller.requestId,
  });
}
