import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID, TIMESTAMP } from '../db/columns';
import { RegistryEntity } from '../registry/registry.entity';

/**
 * Who uploaded which blob into which registry. Lets the uploader read a blob before a version
 * links it, and tells the orphan collector how recently a blob was wanted: `createdAt` is the
 * latest upload, so uploading again restarts BLOB_ORPHAN_TTL_HOURS.
 */
@Entity('blob_upload')
@Index('uq_blob_upload', ['registryId', 'digest', 'uploadedBy'], {
  unique: true,
})
@Index('ix_blob_upload_digest', ['digest'])
export class BlobUploadEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) registryId!: string;
  @ManyToOne(() => RegistryEntity, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({ name: 'registry_id' })
  registry?: RegistryEntity;

  /** `sha256:<hex>`, as versions spell digests. */
  @Column({ type: 'varchar', length: 71 }) digest!: string;
  @Column({ type: 'varchar', length: 255 }) uploadedBy!: string;
  @Column(TIMESTAMP) createdAt!: Date;
}
