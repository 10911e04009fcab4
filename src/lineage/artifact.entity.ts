import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BIGINT, ID, JSON_DOC, JsonObject, TIMESTAMP } from '../db/columns';
import { RegistryEntity } from '../registry/registry.entity';

/**
 * A dataset, code snapshot or other file set a run used or produced. Content-addressed: the
 * same (registry, type, name, digest) logged twice is the same artifact.
 */
@Entity('artifact')
@Index('uq_artifact_content', ['registryId', 'type', 'name', 'digest'], {
  unique: true,
})
@Index('ix_artifact_digest', ['digest'])
export class ArtifactEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) registryId!: string;
  @ManyToOne(() => RegistryEntity, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({ name: 'registry_id' })
  registry?: RegistryEntity;

  @Column({ type: 'varchar', length: 64 }) type!: string;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  @Column({ type: 'varchar', length: 71 }) digest!: string;
  @Column({ type: 'varchar', length: 2048 }) uri!: string;
  @Column({ ...BIGINT, nullable: true }) sizeBytes!: number | null;
  @Column(JSON_DOC) metadata!: JsonObject;
  @Column({ type: 'varchar', length: 255 }) createdBy!: string;
  @Column(TIMESTAMP) createdAt!: Date;
}
