import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID, TIMESTAMP } from '../db/columns';
import { ModelEntity } from '../models/model.entity';
import { VersionEntity } from '../versions/version.entity';

/** A named pointer to one version of a model. The unique key holds "one version per alias". */
@Entity('model_alias')
@Index('uq_alias_model_name', ['modelId', 'name'], { unique: true })
@Index('ix_alias_version', ['versionId'])
export class AliasEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) modelId!: string;
  @ManyToOne(() => ModelEntity, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'model_id' })
  model?: ModelEntity;

  @Column({ type: 'varchar', length: 64 }) name!: string;

  @Column(ID) versionId!: string;
  @ManyToOne(() => VersionEntity, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({ name: 'version_id' })
  version?: VersionEntity;

  @Column({ type: 'varchar', length: 255 }) updatedBy!: string;
  @Column(TIMESTAMP) updatedAt!: Date;
}
