import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID } from '../db/columns';
import { VersionEntity } from '../versions/version.entity';

/**
 * A blob that a version's files use (one row per distinct digest per version). Written with the
 * version, never changed: it answers "may this registry serve this blob" and "is this blob still
 * needed" with an index instead of a scan of every version's file list.
 */
@Entity('version_blob')
@Index('ix_version_blob_digest', ['digest'])
export class VersionBlobEntity {
  @PrimaryColumn(ID) versionId!: string;
  @ManyToOne(() => VersionEntity, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({ name: 'version_id' })
  version?: VersionEntity;

  @PrimaryColumn({ type: 'varchar', length: 71 }) digest!: string;
}
