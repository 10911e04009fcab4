import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { enumOf } from '../common/enum-of';
import { ID, TIMESTAMP } from '../db/columns';
import { RegistryEntity } from '../registry/registry.entity';

export const ROLES = ['RESTRICTED_VIEWER', 'VIEWER', 'MEMBER', 'ADMIN'] as const;
/** A role in a registry; also the GraphQL enum `Role` (registered in role.types.ts). */
export const Role = enumOf(ROLES);
export type Role = (typeof ROLES)[number];

/** A subject's role in one registry. Subjects are token subjects or `group:<name>`. */
@Entity('role_binding')
@Index('uq_role_binding_registry_subject', ['registryId', 'subject'], {
  unique: true,
})
@Index('ix_role_binding_subject', ['subject'])
export class RoleBindingEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) registryId!: string;
  @ManyToOne(() => RegistryEntity, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({ name: 'registry_id' })
  registry?: RegistryEntity;

  @Column({ type: 'varchar', length: 255 }) subject!: string;
  @Column({ type: 'varchar', length: 32 }) role!: Role;
  @Column({ type: 'varchar', length: 255 }) grantedBy!: string;
  @Column(TIMESTAMP) grantedAt!: Date;
}
