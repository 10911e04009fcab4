import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../graphql/connection';
import { JSON, JSONObject, SafeInt } from '../graphql/scalars';
import { Node } from '../node/node.types';
import { User } from '../viewer/user.types';
import { JsonObject } from '../db/columns';
import { OrderDirection, RegisteredModel } from '../models/model.types';
import { ARTIFACT_URI_DESCRIPTION } from '../common/validate';

export enum VersionOrderField {
  NUMBER = 'NUMBER',
  CREATED_AT = 'CREATED_AT',
  METRIC = 'METRIC',
}
registerEnumType(VersionOrderField, {
  name: 'VersionOrderField',
  valuesConfig: { METRIC: { description: 'By the metric named in `metric`; versions without it come last.' } },
});

@ObjectType({ description: 'A file inside a model artifact.' })
export class ArtifactFile {
  @Field() path!: string;
  @Field(() => String, { nullable: true }) digest!: string | null;
  @Field(() => SafeInt, { nullable: true }) sizeBytes!: number | null;
}

@ObjectType({ description: "Where a version's model files live. Immutable once linked." })
export class ModelArtifact {
  @Field({ description: 'e.g. s3://bucket/path, gs://…, https://…' }) uri!: string;
  @Field({ description: '`sha256:` followed by 64 hex digits.' }) digest!: string;
  @Field(() => SafeInt) sizeBytes!: number;
  @Field(() => [ArtifactFile]) files!: ArtifactFile[];
}

@Directive('@key(fields: "id")')
@ObjectType({ implements: Node, description: 'One linked model artifact with its metadata: `v0`, `v1`, …' })
export class ModelVersion extends Node {
  @Field(() => Int, { description: 'Gapless per model, from 0; never reused.' }) number!: number;
  @Field({ description: '`v{number}`.' }) name!: string;
  @Field(() => ModelArtifact) artifact!: ModelArtifact;
  @Field(() => JSONObject) metadata!: JsonObject;
  @Field(() => JSONObject, { description: 'Metric name → number.' }) metrics!: JsonObject;
  @Field(() => [String]) tags!: string[];
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [String], { description: 'Alias names that point at this version, `latest` included.' })
  aliases!: string[];
  @Field(() => User) createdBy!: User;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  @Field(() => Date, { nullable: true }) archivedAt!: Date | null;
}

@ObjectType()
export class ModelVersionConnection extends Connection(ModelVersion, 'ModelVersion', { totalCount: true }) {}

@InputType()
export class VersionFilter {
  @Field(() => String, { nullable: true }) tag?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) includeArchived?: boolean | null;
}

@InputType()
export class VersionOrder {
  @Field(() => VersionOrderField, { defaultValue: VersionOrderField.NUMBER }) field!: VersionOrderField;
  @Field(() => String, { nullable: true, description: 'The metric to order by, with field METRIC.' }) metric?:
    string | null;
  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC }) direction!: OrderDirection;
}

@InputType()
export class ArtifactFileInput {
  @Field() path!: string;
  @Field(() => String, { nullable: true }) digest?: string | null;
  @Field(() => SafeInt, { nullable: true }) sizeBytes?: number | null;
}

@InputType()
export class ArtifactInput {
  @Field({ description: ARTIFACT_URI_DESCRIPTION }) uri!: string;
  @Field() digest!: string;
  @Field(() => SafeInt) sizeBytes!: number;
  @Field(() => [ArtifactFileInput], { nullable: true }) files?: ArtifactFileInput[] | null;
}

@InputType()
export class LinkModelVersionInput {
  @Field() registry!: string;
  @Field({ description: 'Created if it does not exist yet.' }) model!: string;
  @Field(() => ArtifactInput) artifact!: ArtifactInput;
  @Field(() => JSON, { nullable: true, description: 'A JSON object.' }) metadata?: JsonObject | null;
  @Field(() => JSON, { nullable: true, description: 'A JSON object of metric name → number.' })
  metrics?: JsonObject | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Aliases to point at the new version, in the same transaction.',
  })
  aliases?: string[] | null;
  @Field(() => String, {
    nullable: true,
    description: 'Retrying with the same key returns the same version and creates nothing.',
  })
  idempotencyKey?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'The run that produced the artifact (see createRun); recorded as lineage.',
  })
  run?: string | null;
}

@ObjectType()
export class LinkModelVersionPayload {
  @Field(() => ModelVersion) version!: object;
  @Field(() => RegisteredModel) model!: object;
  @Field({ description: 'True when this link created the model.' }) modelCreated!: boolean;
  @Field({ description: 'True when the idempotency key matched an earlier link; nothing was written.' })
  replayed!: boolean;
}

@InputType()
export class UpdateModelVersionInput {
  @Field() registry!: string;
  @Field() model!: string;
  @Field({ description: 'v<number> or an alias.' }) version!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true, description: 'Replaces the tags.' }) tags?: string[] | null;
  @Field(() => JSON, { nullable: true, description: 'Replaces the metadata object.' }) metadata?: JsonObject | null;
  @Field(() => JSON, { nullable: true, description: 'Replaces the metrics object.' }) metrics?: JsonObject | null;
}

@ObjectType()
export class UpdateModelVersionPayload {
  @Field(() => ModelVersion) version!: object;
}

@InputType()
export class ArchiveModelVersionInput {
  @Field() registry!: string;
  @Field() model!: string;
  @Field({ description: 'v<number> or an alias.' }) version!: string;
}

@ObjectType()
export class ArchiveModelVersionPayload {
  @Field(() => ModelVersion) version!: object;
}

@InputType()
export class RestoreModelVersionInput {
  @Field() registry!: string;
  @Field() model!: string;
  @Field({ description: 'v<number>.' }) version!: string;
}

@ObjectType()
export class RestoreModelVersionPayload {
  @Field(() => ModelVersion) version!: object;
}

@InputType()
export class DeleteModelVersionInput {
  @Field() registry!: string;
  @Field() model!: string;
  @Field({ description: 'v<number> of an archived version.' }) version!: string;
}

@ObjectType({ description: 'A version that no longer exists; its number is never reused.' })
export class DeletedModelVersion {
  @Field(() => ID) id!: string;
  @Field(() => Int) number!: number;
  @Field() name!: string;
  @Field({ description: '`registry/model:v{number}`.' }) fullName!: string;
}

@ObjectType()
export class DeleteModelVersionPayload {
  @Field(() => DeletedModelVersion) deletedVersion!: DeletedModelVersion;
  @Field(() => [String], {
    description:
      'Content digests the deleted version referenced that no remaining version references: ' +
      'what blob storage may now remove.',
  })
  releasedDigests!: string[];
}
