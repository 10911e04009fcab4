import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID, JSON_DOC, TIMESTAMP } from '../db/columns';
import { RegistryEntity } from '../registry/registry.entity';

@Entity('registered_model')
@Index('uq_model_registry_name', ['registryId', 'name'], { unique: true })
@Index('ix_model_registry_created', ['registryId', 'createdAt', 'id'])
@Index('ix_model_registry_updated', ['registryId', 'updatedAt', 'id'])
export class ModelEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) registryId!: string;
  @ManyToOne(() => RegistryEntity, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({ name: 'registry_id' })
  registry?: RegistryEntity;

  @Column({ type: 'varchar', length: 128 }) name!: string;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column(JSON_DOC) tags!: string[];

  /**
   * The number the next linked version gets. Advanced under the model's row lock in the linking
   * transaction, so numbers stay gapless under concurrent links; uq_version_model_number backs it.
   */
  @Column({ type: 'integer' }) nextVersionNumber!: number;

  @Column({ type: 'varchar', length: 255 }) createdBy!: string;
  @Column(TIMESTAMP) createdAt!: Date;
  @Column(TIMESTAMP) updatedAt!: Date;
  @Column({ ...TIMESTAMP, nullable: true }) archivedAt!: Date | null;

  /**
   * Raised by every transaction that changes the model, its versions or its aliases, just before it
   * commits (ChangeLog); the model cache keys what it holds by it (src/models/model-cache.ts).
   */
  @Column({ type: 'integer', default: 0 }) revision!: number;
}
