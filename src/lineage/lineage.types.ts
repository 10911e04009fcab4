import type { LineageGraphView } from './lineage.service';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { JsonObject } from '../db/columns';
import { JSON, JSONObject, SafeInt } from '../graphql/scalars';
import { Node } from '../node/node.types';
import { MAX_PAGE } from '../common/pagination';
import { ARTIFACT_URI_DESCRIPTION } from '../common/validate';
import { Registry } from '../registry/registry.types';
import { ModelVersion } from '../versions/version.types';
import { User } from '../viewer/user.types';
import { LineageDirection } from './lineage-walk';
import { RunStatus } from './run.entity';

registerEnumType(RunStatus, { name: 'RunStatus' });

registerEnumType(LineageDirection, {
  name: 'LineageDirection',
  valuesConfig: {
    UPSTREAM: {
      description: 'What produced it: runs, their inputs, what produced those, …',
    },
    DOWNSTREAM: { description: 'What used it, and what those produced, …' },
  },
});

export enum LineageNodeKind {
  RUN = 'RUN',
  ARTIFACT = 'ARTIFACT',
  MODEL_VERSION = 'MODEL_VERSION',
}
registerEnumType(LineageNodeKind, { name: 'LineageNodeKind' });

export enum LineageEdgeKind {
  USED = 'USED',
  PRODUCED = 'PRODUCED',
}
registerEnumType(LineageEdgeKind, {
  name: 'LineageEdgeKind',
  valuesConfig: {
    USED: { description: 'artifact or version → run' },
    PRODUCED: { description: 'run → artifact or version' },
  },
});

@ObjectType({ implements: Node, description: 'A training or evaluation run.' })
export class Run extends Node {
  @Field() name!: string;
  @Field(() => String, {
    nullable: true,
    description: "The training system's id (W&B run path, MLflow run id, …).",
  })
  externalId!: string | null;
  @Field(() => JSONObject) config!: JsonObject;
  @Field(() => JSONObject) metrics!: JsonObject;
  @Field(() => RunStatus) status!: RunStatus;
  @Field() startedAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => User) createdBy!: User;
  @Field() createdAt!: Date;
  @Field(() => Registry) registry!: object;
}

@ObjectType({
  implements: Node,
  description: 'A dataset, code snapshot or other file set that runs use or produce.',
})
export class Artifact extends Node {
  @Field({ description: '`dataset`, `code`, `model`, …' }) type!: string;
  @Field() name!: string;
  @Field() digest!: string;
  @Field() uri!: string;
  @Field(() => SafeInt, { nullable: true }) sizeBytes!: number | null;
  @Field(() => JSONObject) metadata!: JsonObject;
  @Field(() => User) createdBy!: User;
  @Field() createdAt!: Date;
  @Field(() => Registry) registry!: object;
}

@ObjectType({
  description: 'A node of a lineage graph. Nodes in registries you cannot read are placeholders: kind and id only.',
})
export class LineageNode {
  @Field(() => ID) id!: string;
  @Field(() => LineageNodeKind) kind!: LineageNodeKind;
  @Field(() => String, {
    nullable: true,
    description: 'Run name, `type:name` of an artifact, `registry/model:vN` of a version; null when redacted.',
  })
  name!: string | null;
  @Field({
    description: 'True when the node is in a registry you cannot read.',
  })
  redacted!: boolean;
  @Field(() => Run, { nullable: true }) run!: object | null;
  @Field(() => Artifact, { nullable: true }) artifact!: object | null;
  @Field(() => ModelVersion, { nullable: true }) version!: object | null;
}

@ObjectType()
export class LineageEdge {
  @Field(() => ID) from!: string;
  @Field(() => ID) to!: string;
  @Field(() => LineageEdgeKind) kind!: LineageEdgeKind;
}

@ObjectType({
  description: 'The part of the lineage graph reachable from a node within a depth.',
})
export class LineageGraph {
  @Field(() => LineageNode) root!: LineageNode;
  @Field(() => [LineageNode], { description: 'Every node, the root included.' })
  nodes!: LineageNode[];
  @Field(() => [LineageEdge]) edges!: LineageEdge[];
  @Field({ description: 'True when the node cap cut the graph short.' })
  truncated!: boolean;
  /** What the graph was made from, for `mermaid` (not a field). */
  view!: LineageGraphView;
}

@InputType()
export class CreateRunInput {
  @Field() registry!: string;
  @Field() name!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Unique per registry: creating a run with a known externalId returns that run.',
  })
  externalId?: string | null;
  @Field(() => JSON, {
    nullable: true,
    description: 'A JSON object: hyperparameters and settings.',
  })
  config?: JsonObject | null;
  @Field(() => JSON, {
    nullable: true,
    description: 'A JSON object of metric name → number.',
  })
  metrics?: JsonObject | null;
  @Field(() => RunStatus, { nullable: true, description: 'Default RUNNING.' }) status?: RunStatus | null;
  @Field(() => Date, { nullable: true, description: 'Default now.' }) startedAt?: Date | null;
}

@ObjectType()
export class CreateRunPayload {
  @Field(() => Run) run!: object;
  @Field({
    description: 'False when a run with this externalId existed and was returned.',
  })
  created!: boolean;
}

@InputType()
export class UpdateRunInput {
  @Field(() => ID) run!: string;
  @Field(() => RunStatus, { nullable: true, description: 'A final status sets finishedAt to now unless given.' })
  status?: RunStatus | null;
  @Field(() => JSON, { nullable: true, description: "Merged into the run's metrics." }) metrics?: JsonObject | null;
  @Field(() => Date, { nullable: true }) finishedAt?: Date | null;
}

@ObjectType()
export class UpdateRunPayload {
  @Field(() => Run) run!: object;
}

@InputType()
export class LogArtifactInput {
  @Field() registry!: string;
  @Field({ description: '`dataset`, `code`, `model`, …' }) type!: string;
  @Field() name!: string;
  @Field({
    description: '`sha256:` + 64 hex digits: the same content logged again is the same artifact.',
  })
  digest!: string;
  @Field({ description: ARTIFACT_URI_DESCRIPTION }) uri!: string;
  @Field(() => SafeInt, { nullable: true }) sizeBytes?: number | null;
  @Field(() => JSON, { nullable: true }) metadata?: JsonObject | null;
  @Field(() => ID, { nullable: true, description: 'The run that produced it.' })
  producedBy?: string | null;
}

@ObjectType()
export class LogArtifactPayload {
  @Field(() => Artifact) artifact!: object;
  @Field({ description: 'False when the same content was logged before.' })
  created!: boolean;
}

@InputType()
export class UseArtifactInput {
  @Field(() => ID) run!: string;
  @Field(() => ID, {
    description: 'An Artifact or a ModelVersion (fine-tuning uses a model version).',
  })
  artifact!: string;
}

@ObjectType()
export class UseArtifactPayload {
  @Field(() => LineageNode) run!: LineageNode;
  @Field(() => LineageNode) used!: LineageNode;
}

export const DEFAULT_DEPTH = 3;
/** Neighbour lists are bounded like pages: a dataset may have been used by thousands of runs. */
export const neighboursArg = {
  nullable: true,
  defaultValue: MAX_PAGE,
  description: `At most ${MAX_PAGE} (the default).`,
};
export const depthArg = {
  nullable: true,
  defaultValue: DEFAULT_DEPTH,
  description: 'How many edges to follow; at most LINEAGE_MAX_DEPTH (20).',
};
export { Int };
