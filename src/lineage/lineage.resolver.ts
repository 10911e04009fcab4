import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../common/global-id';
import { Context } from '../graphql/context';
import { ModelVersion } from '../versions/version.types';
import { VersionEntity } from '../versions/version.entity';
import { Registry } from '../registry/registry.types';
import { User, userRef } from '../viewer/user.types';
import { ArtifactEntity } from './artifact.entity';
import { globalIdOf } from './lineage-node';
import { LineageGraphView, LineageNodeView, toMermaid } from './lineage.service';
import {
  Artifact,
  CreateRunInput,
  CreateRunPayload,
  depthArg,
  LineageGraph,
  LineageNode,
  LogArtifactInput,
  LogArtifactPayload,
  Run,
  neighboursArg,
  UpdateRunInput,
  UpdateRunPayload,
  UseArtifactInput,
  UseArtifactPayload,
} from './lineage.types';
import { LineageDirection } from './lineage-walk';
import { RunEntity } from './run.entity';

export function toLineageNode(n: LineageNodeView): LineageNode {
  return {
    id: globalIdOf(n),
    kind: n.kind as LineageNode['kind'],
    name: n.name,
    redacted: n.redacted,
    run: n.kind === 'RUN' ? n.entity : null,
    artifact: n.kind === 'ARTIFACT' ? n.entity : null,
    version: n.kind === 'MODEL_VERSION' ? n.entity : null,
  };
}

export function toLineageGraph(g: LineageGraphView): LineageGraph {
  return {
    root: toLineageNode(g.root),
    nodes: g.nodes.map(toLineageNode),
    edges: g.edges.map((e) => ({
      from: globalIdOf({ kind: e.fromKind, id: e.fromId }),
      to: globalIdOf({ kind: e.toKind, id: e.toId }),
      kind: e.kind as LineageGraph['edges'][number]['kind'],
    })),
    truncated: g.truncated,
    view: g,
  };
}

@Resolver()
export class LineageResolver {
  @Query(() => LineageGraph, {
    description: 'The lineage graph around a run, artifact or model version.',
  })
  async lineage(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
    @Arg('direction', () => LineageDirection, {
      nullable: true,
      defaultValue: LineageDirection.BOTH,
    })
    direction: LineageDirection,
    @Arg('depth', () => Int, depthArg) depth: number,
  ) {
    return toLineageGraph(await ctx.services.lineage.graph(ctx.principal, id, direction, depth));
  }

  @Mutation(() => CreateRunPayload, {
    description: 'Record a run. A run whose externalId the registry knows is returned, not duplicated.',
  })
  createRun(@Arg('input') input: CreateRunInput, @Ctx() ctx: Context) {
    return ctx.services.runs.create(ctx.caller, input);
  }

  @Mutation(() => UpdateRunPayload)
  async updateRun(@Arg('input') input: UpdateRunInput, @Ctx() ctx: Context) {
    return { run: await ctx.services.runs.update(ctx.caller, input) };
  }

  @Mutation(() => LogArtifactPayload, {
    description: 'Record an artifact (a dataset, code, …), optionally with the run that produced it.',
  })
  logArtifact(@Arg('input') input: LogArtifactInput, @Ctx() ctx: Context) {
    return ctx.services.artifacts.log(ctx.caller, input);
  }

  @Mutation(() => UseArtifactPayload, {
    description: 'Record that a run used an artifact or a model version.',
  })
  async useArtifact(@Arg('input') input: UseArtifactInput, @Ctx() ctx: Context) {
    const { run, used } = await ctx.services.artifacts.use(ctx.caller, input);
    const views = await ctx.services.lineage.describe([run, used], 'all');
    return {
      run: toLineageNode(views.get(run.id)!),
      used: toLineageNode(views.get(used.id)!),
    };
  }
}

@Resolver(() => LineageGraph)
export class LineageGraphResolver {
  // Only when asked for: a chart of a 1 000-node graph takes most of a millisecond to write.
  @FieldResolver(() => String, {
    description: 'The same graph as a Mermaid flowchart.',
  })
  mermaid(@Root() g: LineageGraph) {
    return toMermaid(g.view);
  }
}

@Resolver(() => Run)
export class RunResolver {
  @FieldResolver(() => ID)
  id(@Root() r: RunEntity) {
    return toGlobalId('Run', r.id);
  }

  @FieldResolver(() => User)
  createdBy(@Root() r: RunEntity) {
    return userRef(r.createdBy);
  }

  @FieldResolver(() => Registry)
  registry(@Root() r: RunEntity, @Ctx() ctx: Context) {
    return ctx.loaders.registry.load(r.registryId);
  }

  @FieldResolver(() => [LineageNode], {
    description: 'Artifacts and model versions this run used, oldest first; lineage() walks further.',
  })
  async inputs(@Root() r: RunEntity, @Ctx() ctx: Context, @Arg('first', () => Int, neighboursArg) first: number) {
    return (await ctx.services.lineage.neighbours(ctx.principal, ctx.loaders, r.id, 'UPSTREAM', first)).map(
      toLineageNode,
    );
  }

  @FieldResolver(() => [LineageNode], {
    description: 'Artifacts and model versions this run produced, oldest first.',
  })
  async outputs(@Root() r: RunEntity, @Ctx() ctx: Context, @Arg('first', () => Int, neighboursArg) first: number) {
    return (await ctx.services.lineage.neighbours(ctx.principal, ctx.loaders, r.id, 'DOWNSTREAM', first)).map(
      toLineageNode,
    );
  }
}

@Resolver(() => Artifact)
export class ArtifactResolver {
  @FieldResolver(() => ID)
  id(@Root() a: ArtifactEntity) {
    return toGlobalId('Artifact', a.id);
  }

  @FieldResolver(() => User)
  createdBy(@Root() a: ArtifactEntity) {
    return userRef(a.createdBy);
  }

  @FieldResolver(() => Registry)
  registry(@Root() a: ArtifactEntity, @Ctx() ctx: Context) {
    return ctx.loaders.registry.load(a.registryId);
  }

  @FieldResolver(() => [LineageNode], {
    description: 'The runs that produced this artifact, oldest first.',
  })
  async producedBy(
    @Root() a: ArtifactEntity,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, neighboursArg) first: number,
  ) {
    return (await ctx.services.lineage.neighbours(ctx.principal, ctx.loaders, a.id, 'UPSTREAM', first)).map(
      toLineageNode,
    );
  }

  @FieldResolver(() => [LineageNode], {
    description: 'The runs that used this artifact, oldest first; lineage() walks further.',
  })
  async usedBy(@Root() a: ArtifactEntity, @Ctx() ctx: Context, @Arg('first', () => Int, neighboursArg) first: number) {
    return (await ctx.services.lineage.neighbours(ctx.principal, ctx.loaders, a.id, 'DOWNSTREAM', first)).map(
      toLineageNode,
    );
  }
}

@Resolver(() => ModelVersion)
export class VersionLineageResolver {
  @FieldResolver(() => Run, {
    nullable: true,
    description: 'The run that produced this version, if recorded and readable.',
  })
  run(@Root() v: VersionEntity, @Ctx() ctx: Context) {
    return ctx.services.lineage.producingRun(ctx.principal, ctx.loaders, v.id);
  }

  @FieldResolver(() => LineageGraph, {
    description: 'The lineage graph around this version.',
  })
  async lineage(
    @Root() v: VersionEntity,
    @Ctx() ctx: Context,
    @Arg('direction', () => LineageDirection, {
      nullable: true,
      defaultValue: LineageDirection.BOTH,
    })
    direction: LineageDirection,
    @Arg('depth', () => Int, depthArg) depth: number,
  ) {
    return toLineageGraph(
      await ctx.services.lineage.graph(ctx.principal, toGlobalId('ModelVersion', v.id), direction, depth),
    );
  }
}
