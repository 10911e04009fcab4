import { JsonObject } from '../db/columns';
import { ChangeType } from './catalogue';
import { EventFields } from './payload';

/**
 * A change, described once by the mutation that made it. The seam (ChangeLog.record) turns it
 * into the audit row and, for a delivered type, the outbox rows of the webhooks that want it.
 */
export interface Change extends Omit<EventFields, 'registry'> {
  type: ChangeType;
  /** The registry it happened in. Its name is needed only for delivered types. */
  registry: { id: string; name?: string };
  /** The audit row's target (for Alias and RoleBinding: its model or registry). */
  targetId: string;
  before?: JsonObject | null;
  after?: JsonObject | null;
  /** False when nothing a receiver would see changed (an update to the same values): audited, not sent. */
  notify?: boolean;
  /** Whether this change altered access; defaults to the catalogue's `access`. */
  accessChanged?: boolean;
}
