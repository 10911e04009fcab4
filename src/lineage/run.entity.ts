import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { enumOf } from '../common/enum-of';
import { ID, JSON_DOC, JsonObject, TIMESTAMP } from '../db/columns';
import { RegistryEntity } from '../registry/registry.entity';

export const RUN_STATUSES = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'] as const;
/** A run's status; also the GraphQL enum `RunStatus` (registered in lineage.types.ts). */
export const RunStatus = enumOf(RUN_STATUSES);
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A training or evaluation run, as the training system (W&B, MLflow, Kubeflow, …) knows it. */
@Entity('run')
@Index('uq_run_registry_external', ['registryId', 'externalId'], {
  unique: true,
})
@Index('ix_run_registry_created', ['registryId', 'createdAt', 'id'])
export class RunEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) registryId!: string;
  @ManyToOne(() => RegistryEntity, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({ name: 'registry_id' })
  registry?: RegistryEntity;

  @Column({ type: 'varchar', length: 255 }) name!: string;
  /** The training system's id for the run; creating a run with a known one returns that run. */
  @Column({ type: 'varchar', length: 255, nullable: true }) externalId!: string | null;
  @Column(JSON_DOC) config!: JsonObject;
  @Column(JSON_DOC) metrics!: JsonObject;
  @Column({ type: 'varchar', length: 16 }) status!: RunStatus;
  @Column(TIMESTAMP) startedAt!: Date;
  @Column({ ...TIMESTAMP, nullable: true }) finishedAt!: Date | null;
  @Column({ type: 'varchar', length: 255 }) createdBy!: string;
  @Column(TIMESTAMP) createdAt!: Date;
  @Column(TIMESTAMP) updatedAt!: Date;
}
