import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../common/global-id';
import { Context } from '../graphql/context';
import { ModelVersion } from '../versions/version.types';
import { VersionEntity } from '../versions/version.entity';
import { Registry } from '../registry/registry.types';
import { User, userRef } from '../viewer/user.types';
import { ArtifactEntity } from './artifact.entity';
import { globalIdOf, lineageName, NodeRef } from './lineage-node';
import { LineageGraphView, LineageNodeView, toMermaid } from './lineage.service';
import {
  Artifact, CreateRunInput, CreateRunPayload, depthArg, LineageDirection, LineageGraph, LineageNode, LogArtifactInput, LogArtifactPayload, Run,
  UpdateRunInput, UpdateRunPayload, UseArtifactInput, UseArtifactPayload,
} from './lineage.types';
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
    edges: g.edges.map((e) => ({ from: globalIdOf({ kind: e.fromKind, id: e.fromId }), to: globalIdOf({ kind: e.toKind, id: e.toId }), kind: e.kind as LineageGraph['edges'][number]['kind'] })),
    truncated: g.truncated,
    mermaid: toMermaid(g),
  };
}

/**
 * Nodes one edge away (inputs when UPSTREAM, outputs when DOWNSTREAM), through the request's edge
 * loaders, so a list of runs costs the same few statements as one run. The parent was readable;
 * neighbours in registries the caller cannot read come back as placeholders.
 */
async function neighbours(ctx: Context, id: string, direction: 'UPSTREAM' | 'DOWNSTREAM'): Promise<LineageNode[]> {
  const edges = await (direction === 'UPSTREAM' ? ctx.loaders.edgesTo : ctx.loaders.edgesFrom).load(id);
  const refs = edges.map((e) =>
    direction === 'UPSTREAM' ? { kind: e.fromKind, id: e.fromId, registryId: e.fromRegistryId } : { kind: e.toKind, id: e.toId, registryId: e.toRegistryId },
  );
  const readable = await ctx.services.authz.registryIdsAllowing(ctx.principal, 'registry:read');
  return Promise.all(refs.map(async (r) => toLineageNode(await describeWithLoaders(ctx, r, readable === 'all' || readable.includes(r.registryId)))));
}

/** Like LineageService.describe, for one node, through the loaders (batched across parents). */
async function describeWithLoaders(ctx: Context, r: NodeRef, visible: boolean): Promise<LineageNodeView> {
  const placeholder: LineageNodeView = { kind: r.kind, id: r.id, name: null, redacted: true, entity: null };
  if (!visible) return placeholder;
  if (r.kind === 'RUN') {
    const run = await ctx.loaders.run.load(r.id);
    return run ? { ...placeholder, name: lineageName.run(run), redacted: false, entity: run } : placeholder;
  }
  if (r.kind === 'ARTIFACT') {
    const a = await ctx.loaders.artifact.load(r.id);
    return a ? { ...placeholder, name: lineageName.artifact(a), redacted: false, entity: a } : placeholder;
  }
  const v = await ctx.loaders.version.load(r.id);
  const m = v && (await ctx.loaders.model.load(v.modelId));
  const reg = m && (await ctx.loaders.registry.load(m.registryId));
  return v && m && reg ? { ...placeholder, name: lineageName.version(reg.name, m.name, v.number), redacted: false, entity: v } : placeholder;
}

@Resolver()
export class LineageResolver {
  @Query(() => LineageGraph, { description: 'The lineage graph around a run, artifact or model version.' })
  async lineage(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
    @Arg('direction', () => LineageDirection, { nullable: true, defaultValue: LineageDirection.BOTH }) direction: LineageDirection,
    @Arg('depth', () => Int, depthArg) depth: number,
  ) {
    return toLineageGraph(await ctx.services.lineage.graph(ctx.principal, id, direction, depth));
  }

  @Mutation(() => CreateRunPayload, { description: 'Record a run. A run whose externalId the registry knows is returned, not duplicated.' })
  createRun(@Arg('input') input: CreateRunInput, @Ctx() ctx: Context) {
    return ctx.services.runs.create(ctx.caller, input);
  }

  @Mutation(() => UpdateRunPayload)
  async updateRun(@Arg('input') input: UpdateRunInput, @Ctx() ctx: Context) {
    return { run: await ctx.services.runs.update(ctx.caller, input) };
  }

  @Mutation(() => LogArtifactPayload, { description: 'Record an artifact (a dataset, code, …), optionally with the run that produced it.' })
  logArtifact(@Arg('input') input: LogArtifactInput, @Ctx() ctx: Context) {
    return ctx.services.artifacts.log(ctx.caller, input);
  }

  @Mutation(() => UseArtifactPayload, { description: 'Record that a run used an artifact or a model version.' })
  async useArtifact(@Arg('input') input: UseArtifactInput, @Ctx() ctx: Context) {
    const { run, used } = await ctx.services.artifacts.use(ctx.caller, input);
    const views = await ctx.services.lineage.describe([run, used], 'all');
    return { run: toLineageNode(views.get(run.id)!), used: toLineageNode(views.get(used.id)!) };
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

  @FieldResolver(() => [LineageNode], { description: 'Artifacts and model versions this run used.' })
  inputs(@Root() r: RunEntity, @Ctx() ctx: Context) {
    return neighbours(ctx, r.id, 'UPSTREAM');
  }

  @FieldResolver(() => [LineageNode], { description: 'Artifacts and model versions this run produced.' })
  outputs(@Root() r: RunEntity, @Ctx() ctx: Context) {
    return neighbours(ctx, r.id, 'DOWNSTREAM');
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

  @FieldResolver(() => [LineageNode], { description: 'The runs that produced this artifact.' })
  producedBy(@Root() a: ArtifactEntity, @Ctx() ctx: Context) {
    return neighbours(ctx, a.id, 'UPSTREAM');
  }

  @FieldResolver(() => [LineageNode], { description: 'The runs that used this artifact.' })
  usedBy(@Root() a: ArtifactEntity, @Ctx() ctx: Context) {
    return neighbours(ctx, a.id, 'DOWNSTREAM');
  }
}

@Resolver(() => ModelVersion)
export class VersionLineageResolver {
  @FieldResolver(() => Run, { nullable: true, description: 'The run that produced this version, if recorded and readable.' })
  async run(@Root() v: VersionEntity, @Ctx() ctx: Context) {
    const run = await ctx.loaders.producingRun.load(v.id);
    return run && (await ctx.services.authz.can(ctx.principal, 'registry:read', { id: run.registryId })) ? run : null;
  }

  @FieldResolver(() => LineageGraph, { description: 'The lineage graph around this version.' })
  async lineage(
    @Root() v: VersionEntity,
    @Ctx() ctx: Context,
    @Arg('direction', () => LineageDirection, { nullable: true, defaultValue: LineageDirection.BOTH }) direction: LineageDirection,
    @Arg('depth', () => Int, depthArg) depth: number,
  ) {
    return toLineageGraph(await ctx.services.lineage.graph(ctx.principal, toGlobalId('ModelVersion', v.id), direction, depth));
  }
}
