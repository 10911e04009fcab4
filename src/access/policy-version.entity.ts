import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row whose counter goes up, in the same transaction, with every change that alters access
 * (a grant, a revoke, a visibility change). Each instance polls it and reloads its policy when it
 * moves, so a change made on one instance reaches the others within the poll interval.
 */
@Entity('policy_version')
export class PolicyVersionEntity {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'integer' }) version!: number;
}
