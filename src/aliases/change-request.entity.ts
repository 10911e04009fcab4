import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID, JSON_DOC, TIMESTAMP } from '../db/columns';
import { ModelEntity } from '../models/model.entity';
import { RegistryEntity } from '../registry/registry.entity';

/**
 * Stored states. EXPIRED is not stored: a PENDING request past `expiresAt` is expired, whoever
 * looks, so no background job has to run for requests to lapse on time.
 */
export const STORED_REQUEST_STATES = ['PENDING', 'APPLIED', 'REJECTED', 'CANCELLED', 'STALE'] as const;
export type StoredRequestState = (typeof STORED_REQUEST_STATES)[number];
export const REQUEST_STATES = [...STORED_REQUEST_STATES, 'EXPIRED'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/**
 * A request to point a protected alias at a version, made by a member and applied when enough
 * admins approve. It records where the alias pointed when it was made: approval applies the
 * change only if the alias still points there (compare-and-swap), else the request is STALE.
 * Version ids carry no foreign key, so a request stays readable after its versions are deleted.
 */
@Entity('alias_change_request')
@Index('ix_change_request_registry', ['registryId', 'state', 'id'])
@Index('ix_change_request_model', ['modelId', 'state', 'id'])
export class AliasChangeRequestEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) registryId!: string;
  @ManyToOne(() => RegistryEntity, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({ name: 'registry_id' })
  registry?: RegistryEntity;

  @Column(ID) modelId!: string;
  @ManyToOne(() => ModelEntity, { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' })
  @JoinColumn({ name: 'model_id' })
  model?: ModelEntity;

  @Column({ type: 'varchar', length: 64 }) alias!: string;
  @Column(ID) versionId!: string;
  @Column({ type: 'integer' }) versionNumber!: number;
  /** Where the alias pointed when the request was made; null when it did not exist. */
  @Column({ ...ID, nullable: true }) expectedVersionId!: string | null;
  @Column({ type: 'integer', nullable: true }) expectedVersionNumber!: number | null;

  @Column({ type: 'varchar', length: 16 }) state!: StoredRequestState;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'varchar', length: 255 }) requestedBy!: string;
  @Column(TIMESTAMP) requestedAt!: Date;
  @Column(TIMESTAMP) expiresAt!: Date;
  /** Who applied, rejected or cancelled it (or whose approval found it stale). */
  @Column({ type: 'varchar', length: 255, nullable: true }) decidedBy!: string | null;
  @Column({ ...TIMESTAMP, nullable: true }) decidedAt!: Date | null;
  @Column({ type: 'text', nullable: true }) comment!: string | null;
}

/** One admin's approval of a change request; an admin approves a request once. */
@Entity('alias_change_approval')
@Index('uq_change_approval_request_approver', ['changeRequestId', 'approver'], {
  unique: true,
})
export class AliasChangeApprovalEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) changeRequestId!: string;
  @ManyToOne(() => AliasChangeRequestEntity, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({ name: 'change_request_id' })
  changeRequest?: AliasChangeRequestEntity;

  @Column({ type: 'varchar', length: 255 }) approver!: string;
  /**
   * The groups the approver's token carried then, so whether they still may approve can be checked
   * again without their token (null for approvals made before this was kept: checked by subject).
   */
  @Column({ ...JSON_DOC, nullable: true }) approverGroups!: string[] | null;
  @Column({ type: 'text', nullable: true }) comment!: string | null;
  @Column(TIMESTAMP) at!: Date;
}
