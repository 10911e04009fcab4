import { Field, InputType, ObjectType } from 'type-graphql';
import { Connection } from '../graphql/connection';
import { RegisteredModel } from '../models/model.types';
import { ModelVersion } from '../versions/version.types';
import { User } from '../viewer/user.types';

@ObjectType({
  simpleResolvers: true,
  description: 'A named pointer to one version of a model (`staging`, `production`, `latest`).',
})
export class Alias {
  @Field() name!: string;
  @Field(() => ModelVersion) version!: object;
  @Field({
    description: 'Only registry admins may set, move or remove a protected alias.',
  })
  protected!: boolean;
  @Field(() => User) updatedBy!: User;
  @Field() updatedAt!: Date;
}

@ObjectType({
  description:
    'One set, move or removal of an alias. Append-only: it outlives the versions it names (see fromVersionName).',
})
export class AliasEvent {
  @Field() alias!: string;
  @Field(() => ModelVersion, {
    nullable: true,
    description: 'Null when the alias was new, or when that version has been deleted since (see fromVersionName).',
  })
  fromVersion!: object | null;
  @Field(() => String, {
    nullable: true,
    description: '`v<n>` the alias left; null when it was new.',
  })
  fromVersionName!: string | null;
  @Field(() => ModelVersion, {
    nullable: true,
    description: 'Null when the alias was removed, or when that version has been deleted since (see toVersionName).',
  })
  toVersion!: object | null;
  @Field(() => String, {
    nullable: true,
    description: '`v<n>` the alias moved to; null when it was removed.',
  })
  toVersionName!: string | null;
  @Field({
    description: 'True when a version this event names has been deleted (deleteModelVersion).',
  })
  versionDeleted!: boolean;
  @Field(() => User) actor!: User;
  @Field() at!: Date;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@ObjectType()
export class AliasEventConnection extends Connection(AliasEvent, 'AliasEvent', {
  totalCount: true,
}) {}

@InputType()
export class SetAliasInput {
  @Field() registry!: string;
  @Field() model!: string;
  @Field() alias!: string;
  @Field({
    description: 'Where the alias should point: v<number> or another alias.',
  })
  version!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'Compare-and-swap: v<number> the alias must point at now, or the call fails with CONFLICT and changes nothing.',
  })
  expectedVersion?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why; kept in the alias history.',
  })
  reason?: string | null;
}

@InputType()
export class RemoveAliasInput {
  @Field() registry!: string;
  @Field() model!: string;
  @Field() alias!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Compare-and-swap: v<number> the alias must point at now.',
  })
  expectedVersion?: string | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
}

@ObjectType()
export class SetAliasPayload {
  @Field(() => Alias) alias!: object;
  @Field(() => RegisteredModel) model!: object;
  @Field(() => ModelVersion, {
    nullable: true,
    description: 'Where the alias pointed before; null if it was new.',
  })
  previousVersion!: object | null;
  @Field({
    description: 'False when the alias already pointed there: nothing was recorded.',
  })
  changed!: boolean;
}

@InputType()
export class AliasChangeInput {
  @Field() registry!: string;
  @Field() model!: string;
  @Field() alias!: string;
  @Field({
    description: 'Where the alias should point: v<number> or another alias.',
  })
  version!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Compare-and-swap: v<number> the alias must point at now, or the whole call fails with CONFLICT.',
  })
  expectedVersion?: string | null;
}

@InputType()
export class SetAliasesInput {
  @Field(() => [AliasChangeInput], {
    description: 'Up to 100 changes, across models and registries; at most one per alias.',
  })
  changes!: AliasChangeInput[];
  @Field(() => String, {
    nullable: true,
    description: 'Why; kept in the history of every alias moved.',
  })
  reason?: string | null;
}

@ObjectType()
export class SetAliasesPayload {
  @Field(() => [SetAliasPayload], {
    description: 'One result per change, in the order given.',
  })
  results!: object[];
}

@ObjectType()
export class RemoveAliasPayload {
  @Field({ description: 'The removed alias name.' }) alias!: string;
  @Field(() => RegisteredModel) model!: object;
  @Field(() => ModelVersion) previousVersion!: object;
}
