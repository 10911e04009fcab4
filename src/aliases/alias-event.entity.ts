import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID, TIMESTAMP } from '../db/columns';
import { ModelEntity } from '../models/model.entity';

/**
 * Append-only history of an alias: one row per set, move or removal, written in the same
 * transaction as the change. `fromVersionId` null means the alias was new; `toVersionId` null
 * means it was removed. History is ordered by (`at`, `id`); point-in-time questions seek on
 * (model, alias, at). Version ids carry no foreign key: a deleted version's events stay, and the
 * numbers say which version it was.
 */
@Entity('alias_event')
@Index('ix_alias_event_model_at', ['modelId', 'at', 'id'])
@Index('ix_alias_event_model_alias_at', ['modelId', 'alias', 'at', 'id'])
export class AliasEventEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) modelId!: string;
  @ManyToOne(() => ModelEntity, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'model_id' })
  model?: ModelEntity;

  @Column({ type: 'varchar', length: 64 }) alias!: string;

  @Column({ ...ID, nullable: true }) fromVersionId!: string | null;
  @Column({ type: 'integer', nullable: true }) fromVersionNumber!: number | null;
  @Column({ ...ID, nullable: true }) toVersionId!: string | null;
  @Column({ type: 'integer', nullable: true }) toVersionNumber!: number | null;

  @Column({ type: 'varchar', length: 255 }) actor!: string;
  @Column(TIMESTAMP) at!: Date;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) requestId!: string | null;
}
