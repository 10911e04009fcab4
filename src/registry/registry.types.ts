import { Directive, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../graphql/connection';
import { Node } from '../node/node.types';
import { User } from '../viewer/user.types';

export enum RegistryVisibility {
  RESTRICTED = 'RESTRICTED',
  ORGANIZATION = 'ORGANIZATION',
}
registerEnumType(RegistryVisibility, {
  name: 'RegistryVisibility',
  valuesConfig: {
    RESTRICTED: {
      description: 'Only users with a role in the registry can see it.',
    },
    ORGANIZATION: { description: 'Every authenticated user can read it.' },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({
  implements: Node,
  description:
    'A collection of registered models, usually one per team or ML task area. Roles are granted per registry.',
})
export class Registry extends Node {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => RegistryVisibility) visibility!: RegistryVisibility;
  @Field(() => [String], {
    description: 'Alias names only registry admins may set, move or remove.',
  })
  protectedAliases!: string[];
  @Field(() => Int, {
    description: 'Admin approvals a change request for a protected alias needs (default 1).',
  })
  requiredApprovals!: number;
  @Field(() => User) createdBy!: User;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType()
export class RegistryConnection extends Connection(Registry, 'Registry', {
  totalCount: true,
}) {}

@InputType()
export class CreateRegistryInput {
  @Field({
    description: '1-63 characters: lower-case letters, digits, "-", "_", "."; starts with a letter or digit.',
  })
  name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => RegistryVisibility, {
    nullable: true,
    description: 'Defaults to RESTRICTED.',
  })
  visibility?: RegistryVisibility | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Defaults to ["production"].',
  })
  protectedAliases?: string[] | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Approvals a protected alias change request needs; 1-10, default 1.',
  })
  requiredApprovals?: number | null;
}

@InputType()
export class UpdateRegistryInput {
  @Field({ description: 'The registry to change, by name.' }) registry!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => RegistryVisibility, { nullable: true })
  visibility?: RegistryVisibility | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Replaces the list of protected alias names.',
  })
  protectedAliases?: string[] | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Approvals a protected alias change request needs; 1-10.',
  })
  requiredApprovals?: number | null;
}

@ObjectType()
export class CreateRegistryPayload {
  @Field(() => Registry) registry!: object;
}

@ObjectType()
export class UpdateRegistryPayload {
  @Field(() => Registry) registry!: object;
}
