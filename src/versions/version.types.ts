import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../graphql/connection';
import { JSON, JSONObject, SafeInt } from '../graphql/scalars';
import { Node } from '../node/node.types';
import { User } from '../viewer/user.types';
import { JsonObject } from '../db/columns';
import { RegisteredModel } from '../models/model.types';
import { OrderDirection } from '../common/pagination';
import { VersionOrderField } from './version.service';
import { ARTIFACT_URI_DESCRIPTION } from '../common/validate';

registerEnumType(VersionOrderField, {
  name: 'VersionOrderField',
  valuesConfig: {
    METRIC: {
      description: 'By the metric named in `metric`; versions without it come last.',
    },
  },
});

@ObjectType({ description: 'A file inside a model artifact.', simpleResolvers: true })
export class ArtifactFile {
  @Field() path!: string;
  @Field(() => String, { nullable: true }) digest!: string | null;
  @Field(() => SafeInt, { nullable: true }) sizeBytes!: number | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Where to GET the file when the registry holds it: `/v1/registries/{registry}/blobs/sha256:{hex}?version={id}` ' +
      '(docs/files.md; the version id counts the download for this version). Null for files stored elsewhere.',
  })
  downloadUrl!: string | null;
}

@ObjectType({
  description: "Where a version's model files live. Immutable once linked.",
  simpleResolvers: true,
})
export class ModelArtifact {
  @Field({
    description:
      'e.g. s3://bucket/path, gs://…, https://…; ' +
      '`registry://{registry}/{model}@{digest}` when the registry holds the files.',
  })
  uri!: string;
  @Field({
    description:
      '`sha256:` followed by 64 hex digits. ' +
      'For files the registry holds, the digest of their canonical manifest (docs/files.md).',
  })
  digest!: string;
  @Field(() => SafeInt) sizeBytes!: number;
  @Field(() => [ArtifactFile]) files!: ArtifactFile[];
}

@Directive('@key(fields: "id")')
@ObjectType({
  implements: Node,
  description: 'One linked model artifact with its metadata: `v0`, `v1`, …',
  simpleResolvers: true,
})
export class ModelVersion extends Node {
  // Declared again, as a field resolver would: the schema has always shown it without Node's description.
  @Field(() => ID) declare id: string;
  @Field(() => Int, { description: 'Gapless per model, from 0; never reused.' })
  number!: number;
  @Field({ description: '`v{number}`.' }) name!: string;
  @Field(() => ModelArtifact) artifact!: ModelArtifact;
  @Field(() => JSONObject) metadata!: JsonObject;
  @Field(() => JSONObject, { description: 'Metric name → number.' })
  metrics!: JsonObject;
  @Field(() => [String]) tags!: string[];
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [String], {
    description: 'Alias names that point at this version, `latest` included.',
  })
  aliases!: string[];
  // Resolved by version.fields.ts, as are id, name, artifact, aliases, createdBy and downloadCount.
  @Field({ description: '`registry/model:v{number}`.' }) fullName!: string;
  @Field(() => RegisteredModel) model!: object;
  @Field(() => [ArtifactFile], {
    description: "The artifact's files; `downloadUrl` is set when the registry holds them.",
  })
  files!: ArtifactFile[];
  @Field() archived!: boolean;
  @Field(() => User) createdBy!: User;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  @Field(() => Date, { nullable: true }) archivedAt!: Date | null;
  @Field(() => Int, {
    description:
      "Downloads of this version's files through the server (GET of a downloadUrl, from its first byte). " +
      'Presigned redirects count; HEAD, 304 and resumed ranges do not.',
  })
  downloadCount!: number;
}

@ObjectType()
export class ModelVersionConnection extends Connection(ModelVersion, 'ModelVersion', { totalCount: true }) {}

@InputType()
export class VersionFilter {
  @Field(() => String, { nullable: true }) tag?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false })
  includeArchived?: boolean | null;
}

@InputType()
export class VersionOrder {
  @Field(() => VersionOrderField, { defaultValue: VersionOrderField.NUMBER })
  field!: VersionOrderField;
  @Field(() => String, {
    nullable: true,
    description: 'The metric to order by, with field METRIC.',
  })
  metric?: string | null;
  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
  direction!: OrderDirection;
}

@InputType()
export class ArtifactFileInput {
  @Field() path!: string;
  @Field(() => String, { nullable: true }) digest?: string | null;
  @Field(() => SafeInt, { nullable: true }) sizeBytes?: number | null;
}

@InputType({
  description:
    'Files stored elsewhere (`uri`, `digest`, `sizeBytes`), ' +
    'or files the registry holds (`files` only, each uploaded first; docs/files.md).',
})
export class ArtifactInput {
  @Field(() => String, {
    nullable: true,
    description: `${ARTIFACT_URI_DESCRIPTION} Leave it out when the registry holds the files.`,
  })
  uri?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Required with `uri`. Without, computed from the files (and checked if sent).',
  })
  digest?: string | null;
  @Field(() => SafeInt, {
    nullable: true,
    description: "Required with `uri`. Without, the files' total (and checked if sent).",
  })
  sizeBytes?: number | null;
  @Field(() => [ArtifactFileInput], {
    nullable: true,
    description: 'Without `uri`: every file with its path, digest and size, each already uploaded.',
  })
  files?: ArtifactFileInput[] | null;
}

@InputType()
export class LinkModelVersionInput {
  @Field() registry!: string;
  @Field({ description: 'Created if it does not exist yet.' }) model!: string;
  @Field(() => ArtifactInput) artifact!: ArtifactInput;
  @Field(() => JSON, { nullable: true, description: 'A JSON object.' })
  metadata?: JsonObject | null;
  @Field(() => JSON, {
    nullable: true,
    description: 'A JSON object of metric name → number.',
  })
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
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      'When a version of the model that is not archived has identical content, answer it (`created: false`) ' +
      'instead of linking a new one; `aliases` still move to it.',
  })
  dedupe?: boolean | null;
}

@ObjectType()
export class LinkModelVersionPayload {
  @Field(() => ModelVersion) version!: object;
  @Field(() => RegisteredModel) model!: object;
  @Field({ description: 'True when this link created the model.' })
  modelCreated!: boolean;
  @Field({
    description: 'True when the idempotency key matched an earlier link; nothing was written.',
  })
  replayed!: boolean;
  @Field({
    description:
      'False when an existing version was answered: an idempotency replay, or `dedupe` found identical content.',
  })
  created!: boolean;
}

@InputType()
export class UpdateModelVersionInput {
  @Field() registry!: string;
  @Field() model!: string;
  @Field({ description: 'v<number> or an alias.' }) version!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true, description: 'Replaces the tags.' })
  tags?: string[] | null;
  @Field(() => JSON, {
    nullable: true,
    description: 'Replaces the metadata object.',
  })
  metadata?: JsonObject | null;
  @Field(() => JSON, {
    nullable: true,
    description: 'Replaces the metrics object.',
  })
  metrics?: JsonObject | null;
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

@ObjectType({
  description: 'A version that no longer exists; its number is never reused.',
})
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
