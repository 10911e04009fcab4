import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BIGINT, ID, JSON_DOC, JsonObject, TIMESTAMP } from '../db/columns';
import { ModelEntity } from '../models/model.entity';

export interface ArtifactFileRecord {
  path: string;
  digest: string | null;
  sizeBytes: number | null;
}

@Entity('model_version')
@Index('uq_version_model_number', ['modelId', 'number'], { unique: true })
@Index('uq_version_model_idempotency', ['modelId', 'idempotencyKey'], {
  unique: true,
})
@Index('ix_version_model_created', ['modelId', 'createdAt', 'id'])
@Index('ix_version_digest', ['artifactDigest'])
export class VersionEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) modelId!: string;
  @ManyToOne(() => ModelEntity, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'model_id' })
  model?: ModelEntity;

  @Column({ type: 'integer' }) number!: number;

  // The artifact is immutable once linked: no service method writes these columns after insert.
  @Column({ type: 'varchar', length: 2048 }) artifactUri!: string;
  @Column({ type: 'varchar', length: 71 }) artifactDigest!: string;
  @Column(BIGINT) artifactSizeBytes!: number;
  @Column(JSON_DOC) artifactFiles!: ArtifactFileRecord[];

  @Column(JSON_DOC) metadata!: JsonObject;
  @Column(JSON_DOC) metrics!: Record<string, number>;
  @Column(JSON_DOC) tags!: string[];
  @Column({ type: 'text', nullable: true }) description!: string | null;

  /** Client-chosen key that makes retried links safe: the same key returns the same version. */
  @Column({ type: 'varchar', length: 128, nullable: true }) idempotencyKey!: string | null;

  @Column({ type: 'varchar', length: 255 }) createdBy!: string;
  @Column(TIMESTAMP) createdAt!: Date;
  @Column(TIMESTAMP) updatedAt!: Date;
  @Column({ ...TIMESTAMP, nullable: true }) archivedAt!: Date | null;

  /** Downloads of this version's files through the server (docs/files.md); one UPDATE per download. */
  @Column({ type: 'integer', default: 0 }) downloadCount!: number;
}
