import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID, JSON_DOC, JsonObject, TIMESTAMP } from '../db/columns';

/**
 * Append-only record of every change: who did what, to what, when, with the value before and
 * after. No code path updates or deletes a row. Ids are UUIDv7, so `id` order is time order.
 */
@Entity('audit_event')
@Index('ix_audit_registry', ['registryId', 'id'])
@Index('ix_audit_actor', ['actor', 'id'])
@Index('ix_audit_model', ['modelId', 'id'])
@Index('ix_audit_target', ['targetId', 'id'])
@Index('ix_audit_action', ['action', 'id'])
export class AuditEventEntity {
  @PrimaryColumn(ID) id!: string;
  @Column(TIMESTAMP) at!: Date;
  @Column({ type: 'varchar', length: 255 }) actor!: string;
  /** The change type (src/changes/catalogue.ts): `registry.created`, `model.updated`, `alias.set`, … */
  @Column({ type: 'varchar', length: 64 }) action!: string;
  @Column({ ...ID, nullable: true }) registryId!: string | null;
  /** Set when the target belongs to a model, so a model's whole history is one indexed lookup. */
  @Column({ ...ID, nullable: true }) modelId!: string | null;
  @Column({ type: 'varchar', length: 32 }) targetType!: string;
  @Column(ID) targetId!: string;
  @Column({ ...JSON_DOC, nullable: true }) before!: JsonObject | null;
  @Column({ ...JSON_DOC, nullable: true }) after!: JsonObject | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) requestId!: string | null;
}
