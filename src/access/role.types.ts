import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Registry } from '../registry/registry.types';
import { User } from '../viewer/user.types';
import { Role } from './role-binding.entity';

registerEnumType(Role, {
  name: 'Role',
  valuesConfig: {
    RESTRICTED_VIEWER: {
      description: 'Reads the metadata (models, versions, aliases, history, lineage) but cannot download model files.',
    },
    VIEWER: {
      description: 'Reads the registry: models, versions, aliases, history, lineage, and downloads model files.',
    },
    MEMBER: {
      description: 'Also creates and edits models, links versions, moves unprotected aliases.',
    },
    ADMIN: {
      description: 'Also moves protected aliases, grants roles, manages webhooks, reads the audit log.',
    },
  },
});

@ObjectType({ description: "A subject's role in a registry." })
export class RoleBinding {
  @Field({ description: 'A token subject, or `group:<name>` for everyone in that group.' }) subject!: string;
  @Field(() => Role) role!: Role;
  @Field(() => Registry) registry!: object;
  @Field(() => User) grantedBy!: User;
  @Field() grantedAt!: Date;
}

@InputType()
export class GrantRoleInput {
  @Field() registry!: string;
  @Field({ description: 'A token subject (`sub`), or `group:<name>`.' }) subject!: string;
  @Field(() => Role, { description: 'Replaces any role the subject already holds here.' }) role!: Role;
}

@InputType()
export class RevokeRoleInput {
  @Field() registry!: string;
  @Field() subject!: string;
}

@ObjectType()
export class GrantRolePayload {
  @Field(() => RoleBinding) binding!: object;
  @Field(() => Role, { nullable: true, description: 'The role this replaced, if any.' })
  previousRole!: Role | null;
}

@ObjectType()
export class RevokeRolePayload {
  @Field(() => RoleBinding, { description: 'The binding that was removed.' })
  binding!: object;
}

@ObjectType()
export class RegistryRole {
  @Field(() => Registry) registry!: object;
  @Field(() => Role) role!: Role;
}
