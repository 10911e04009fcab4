import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID, JSON_DOC, TIMESTAMP } from '../db/columns';

export const VISIBILITIES = ['RESTRICTED', 'ORGANIZATION'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

@Entity('registry')
export class RegistryEntity {
  @PrimaryColumn(ID) id!: string;

  @Index('uq_registry_name', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'text', nullable: true }) description!: string | null;

  /** RESTRICTED: only members see it. ORGANIZATION: every authenticated user is at least a viewer. */
  @Column({ type: 'varchar', length: 16 }) visibility!: Visibility;

  /** Alias names only registry admins may set, move or remove. */
  @Column(JSON_DOC) protectedAliases!: string[];

  /** Approvals a change request for a protected alias needs before it applies (issue #16). */
  @Column({ type: 'integer', default: 1 }) requiredApprovals!: number;

  @Column({ type: 'varchar', length: 255 }) createdBy!: string;
  @Column(TIMESTAMP) createdAt!: Date;
  @Column(TIMESTAMP) updatedAt!: Date;
}
