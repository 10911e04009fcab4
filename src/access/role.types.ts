import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Registry } from '../registry/registry.types';
import { User } from '../viewer/user.types';

export enum RoleName {
  RESTRICTED_VIEWER = 'RESTRICTED_VIEWER',
  VIEWER = 'VIEWER',
  MEMBER = 'MEMBER',
  ADMIN = 'ADMIN',
}
registerEnumType(RoleName, {
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
  @Field({
    description: 'A token subject, or `group:<name>` for everyone in that group.',
  })
  subject!: string;
  @Field(() => RoleName) role!: RoleName;
  @Field(() => Registry) registry!: object;
  @Field(() => User) grantedBy!: User;
  @Field() grantedAt!: Date;
}

@InputType()
export class GrantRoleInput {
  @Field() registry!: string;
  @Field({ description: 'A token subject (`sub`), or `group:<name>`.' })
  subject!: string;
  @Field(() => RoleName, {
    description: 'Replaces any role the subject already holds here.',
  })
  role!: RoleName;
}

@InputType()
export class RevokeRoleInput {
  @Field() registry!: string;
  @Field() subject!: string;
}

@ObjectType()
export class GrantRolePayload {
  @Field(() => RoleBinding) binding!: object;
  @Field(() => RoleName, {
    nullable: true,
    description: 'The role this replaced, if any.',
  })
  previousRole!: RoleName | null;
}

@ObjectType()
export class RevokeRolePayload {
  @Field(() => RoleBinding, { description: 'The binding that was removed.' })
  binding!: object;
}

@ObjectType()
export class RegistryRole {
  @Field(() => Registry) registry!: object;
  @Field(() => RoleName) role!: RoleName;
}
