import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID, TIMESTAMP } from '../db/columns';
import { ModelEntity } from '../models/model.entity';
import { VersionEntity } from '../versions/version.entity';

/**
 * Append-only history of an alias: one row per set, move or removal, written in the same
 * transaction as the change. `fromVersionId` null means the alias was new; `toVersionId` null
 * means it was removed. Ids are UUIDv7, so `id` order is time order.
 */
@Entity('alias_event')
@Index('ix_alias_event_model', ['modelId', 'id'])
@Index('ix_alias_event_model_alias', ['modelId', 'alias', 'id'])
export class AliasEventEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) modelId!: string;
  @ManyToOne(() => ModelEntity, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'model_id' })
  model?: ModelEntity;

  @Column({ type: 'varchar', length: 64 }) alias!: string;

  @Column({ ...ID, nullable: true }) fromVersionId!: string | null;
  @ManyToOne(() => VersionEntity, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'from_version_id' })
  fromVersion?: VersionEntity;

  @Column({ ...ID, nullable: true }) toVersionId!: string | null;
  @ManyToOne(() => VersionEntity, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'to_version_id' })
  toVersion?: VersionEntity;

  @Column({ type: 'varchar', length: 255 }) actor!: string;
  @Column(TIMESTAMP) at!: Date;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) requestId!: string | null;
}
