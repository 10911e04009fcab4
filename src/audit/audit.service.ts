import { EntityManager } from 'typeorm';
import { JsonObject } from '../db/columns';
import { Caller } from '../access/principal';
import { uuidv7 } from '../common/uuid';
import { AuditEventEntity } from './audit-event.entity';

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
 * change does. There is deliberately no update or delete here.
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
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: caller.requestId,
  });
}
