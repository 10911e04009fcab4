import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { ID, TIMESTAMP } from '../db/columns';

export const NODE_KINDS = ['RUN', 'ARTIFACT', 'MODEL_VERSION'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];
export type EdgeKind = 'USED' | 'PRODUCED';

/**
 * One edge of the lineage graph: USED (artifact or version → run) or PRODUCED (run → artifact or
 * version). Each end carries its kind and registry, so a walk can stop at nodes the caller may
 * not read without joining three tables at every step.
 */
@Entity('lineage_edge')
@Index('uq_lineage_edge', ['fromId', 'toId', 'kind'], { unique: true })
@Index('ix_lineage_edge_to', ['toId'])
export class LineageEdgeEntity {
  @PrimaryColumn(ID) id!: string;
  @Column(ID) fromId!: string;
  @Column({ type: 'varchar', length: 16 }) fromKind!: NodeKind;
  @Column(ID) fromRegistryId!: string;
  @Column(ID) toId!: string;
  @Column({ type: 'varchar', length: 16 }) toKind!: NodeKind;
  @Column(ID) toRegistryId!: string;
  @Column({ type: 'varchar', length: 16 }) kind!: EdgeKind;
  @Column({ type: 'varchar', length: 255 }) createdBy!: string;
  @Column(TIMESTAMP) createdAt!: Date;
}
