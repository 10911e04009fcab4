import { In } from 'typeorm';
import { Authorizer } from '../access/authorizer';
import { Principal } from '../access/principal';
import { BadInputError, NotFoundError } from '../common/errors';
import { MAX_PAGE, pageSize } from '../common/pagination';
import { Database } from '../db/database';
import { Loaders } from '../graphql/loaders';
import { ModelEntity } from '../models/model.entity';
import { RegistryEntity } from '../registry/registry.entity';
import { VersionEntity } from '../versions/version.entity';
import { ArtifactEntity } from './artifact.entity';
import { EdgeKind, NodeKind } from './lineage-edge.entity';
import { findNode, lineageName, NodeRef, parseLineageId } from './lineage-node';
import { EdgeDirection, LineageDirection, walk, WalkedEdge } from './lineage-walk';
import { RunEntity } from './run.entity';

const EDGES_PER_NODE = 8;
// How much of the graph the recursion may visit, in rows per node of the cap (SQLite; see
// lineage-walk). A tree-like graph yields about a row per node; a dense or cyclic one meets edges
// again at several depths. 4 000 rows by default: a hub every run used took 290 ms at 32 000.
// Where only each step can be bounded (MariaDB), a step may add as many rows as the cap has nodes.
const WALK_ROWS_PER_NODE = 4;

export interface LineageNodeView {
  kind: NodeKind;
  id: string;
  /** Null for a node in a registry the caller cannot read: only its kind and id are shown. */
  name: string | null;
  redacted: boolean;
  entity: RunEntity | ArtifactEntity | VersionEntity | null;
}

export interface LineageGraphView {
  root: LineageNodeView;
  nodes: LineageNodeView[];
  edges: {
    fromId: string;
    fromKind: NodeKind;
    toId: string;
    toKind: NodeKind;
    kind: EdgeKind;
  }[];
  truncated: boolean;
}

export interface LineageLimits {
  maxDepth: number;
  maxNodes: number;
  /** Per walk statement, on MySQL/MariaDB; 0 for none. */
  statementTimeoutMs: number;
}

/**
 * "What produced this version" and "what used it": walks the lineage graph with one recursive
 * statement per direction, then names the nodes with one statement per node kind.
 */
export class LineageService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly limits: LineageLimits,
  ) {}

  async graph(
    principal: Principal,
    globalId: string,
    direction: LineageDirection,
    depth: number,
  ): Promise<LineageGraphView> {
    if (!Number.isInteger(depth) || depth < 1 || depth > this.limits.maxDepth) {
      throw new BadInputError(
        `depth must be between 1 and ${this.limits.maxDepth} (LINEAGE_MAX_DEPTH); got ${depth}.`,
        'depth',
      );
    }
    const parsed = parseLineageId(globalId, 'id');
    const root = await findNode(this.db.manager, parsed.kind, parsed.id);
    if (
      !root ||
      !(await this.authz.can(principal, 'registry:read', {
        id: root.registryId,
      }))
    )
      throw new NotFoundError(`Nothing with id "${globalId}" was found.`);

    const expandable = await this.authz.registryIdsAllowing(principal, 'registry:read');
    const cap = this.limits.maxNodes;
    const directions: EdgeDirection[] = direction === 'BOTH' ? ['UPSTREAM', 'DOWNSTREAM'] : [direction];
    // The cap counts nodes. A dense graph has more edges than nodes, so edges get a wider limit
    // of their own; reaching it also means the graph was cut.
    const edgeLimit = cap * EDGES_PER_NODE;
    const perDirection = await Promise.all(
      directions.map((d) =>
        walk(this.db, root.id, d, {
          depth,
          expandable,
          limit: edgeLimit + 1,
          timeoutMs: this.limits.statementTimeoutMs,
          maxRows: cap * WALK_ROWS_PER_NODE,
          maxRowsPerStep: cap,
        }),
      ),
    );
    const walked = perDirection.flatMap((w) => w.edges);
    let truncated = perDirection.some((w) => w.edges.length > edgeLimit || w.cut);

    // Past the node cap the graph is cut and says so.
    // Nearest first; an edge found in both directions keeps its smaller depth.
    const seen = new Set<string>();
    const byDepth = [...walked].sort((a, b) => a.depth - b.depth).filter((e) => !seen.has(e.id) && seen.add(e.id));
    const nodes = new Map<string, NodeRef>([[root.id, root]]);
    const edges: WalkedEdge[] = [];
    for (const e of byDepth) {
      const ends: NodeRef[] = [
        { kind: e.fromKind, id: e.fromId, registryId: e.fromRegistryId },
        { kind: e.toKind, id: e.toId, registryId: e.toRegistryId },
      ];
      const fresh = ends.filter((n) => !nodes.has(n.id));
      if (nodes.size + fresh.length > cap) {
        truncated = true;
        break;
      }
      fresh.forEach((n) => nodes.set(n.id, n));
      edges.push(e);
    }

    const views = await this.describe([...nodes.values()], expandable);
    return {
      root: views.get(root.id)!,
      nodes: [...views.values()],
      edges: edges.map(({ fromId, fromKind, toId, toKind, kind }) => ({
        fromId,
        fromKind,
        toId,
        toKind,
        kind,
      })),
      truncated,
    };
  }

  /** Names each node the caller may read (one statement per kind); the rest become placeholders. */
  async describe(refs: NodeRef[], readable: string[] | 'all'): Promise<Map<string, LineageNodeView>> {
    const visible = (r: NodeRef) => readable === 'all' || readable.includes(r.registryId);
    const ids = (kind: NodeKind) => refs.filter((r) => r.kind === kind && visible(r)).map((r) => r.id);
    const em = this.db.manager;
    const [runs, artifacts, versions] = await Promise.all([
      ids('RUN').length ? em.findBy(RunEntity, { id: In(ids('RUN')) }) : [],
      ids('ARTIFACT').length ? em.findBy(ArtifactEntity, { id: In(ids('ARTIFACT')) }) : [],
      ids('MODEL_VERSION').length ? this.versionsWithNames(ids('MODEL_VERSION')) : [],
    ]);
    const named = new Map<string, { entity: LineageNodeView['entity']; name: string }>();
    runs.forEach((r) => named.set(r.id, { entity: r, name: lineageName.run(r) }));
    artifacts.forEach((a) => named.set(a.id, { entity: a, name: lineageName.artifact(a) }));
    versions.forEach(({ version, name }) => named.set(version.id, { entity: version, name }));
    return new Map(
      refs.map((r) => {
        const n = named.get(r.id);
        return [
          r.id,
          {
            kind: r.kind,
            id: r.id,
            name: n?.name ?? null,
            redacted: !n,
            entity: n?.entity ?? null,
          },
        ];
      }),
    );
  }

  /**
   * Nodes one edge away from a readable node (inputs when UPSTREAM, outputs when DOWNSTREAM),
   * through the request's loaders, so a list of runs costs the same few statements as one run.
   * Neighbours in registries the caller cannot read are placeholders.
   */
  async neighbours(
    principal: Principal,
    loaders: Loaders,
    id: string,
    direction: EdgeDirection,
    first = MAX_PAGE,
  ): Promise<LineageNodeView[]> {
    // The loaders hold the first MAX_PAGE edges of each node.
    const edges = (await (direction === 'UPSTREAM' ? loaders.edgesTo : loaders.edgesFrom).load(id)).slice(
      0,
      pageSize(first),
    );
    const refs: NodeRef[] = edges.map((e) =>
      direction === 'UPSTREAM'
        ? { kind: e.fromKind, id: e.fromId, registryId: e.fromRegistryId }
        : { kind: e.toKind, id: e.toId, registryId: e.toRegistryId },
    );
    const readable = await this.authz.registryIdsAllowing(principal, 'registry:read');
    return Promise.all(
      refs.map((r) => describeWithLoaders(loaders, r, readable === 'all' || readable.includes(r.registryId))),
    );
  }

  /** The run that produced a version, when recorded and in a registry the caller may read. */
  async producingRun(principal: Principal, loaders: Loaders, versionId: string): Promise<RunEntity | null> {
    const run = await loaders.producingRun.load(versionId);
    return run && (await this.authz.can(principal, 'registry:read', { id: run.registryId })) ? run : null;
  }

  /** Versions with their printed names (`registry/model:vN`), in one statement. */
  private async versionsWithNames(ids: string[]): Promise<{ version: VersionEntity; name: string }[]> {
    const { entities, raw } = await this.db.manager
      .getRepository(VersionEntity)
      .createQueryBuilder('v')
      .innerJoin(ModelEntity, 'm', 'm.id = v.modelId')
      .innerJoin(RegistryEntity, 'r', 'r.id = m.registryId')
      .addSelect(['m.name AS model_name', 'r.name AS registry_name'])
      .where('v.id IN (:...ids)', { ids })
      .getRawAndEntities<{
        v_id: string;
        model_name: string;
        registry_name: string;
      }>();
    const names = new Map(
      raw.map((r) => [r.v_id, (n: number) => lineageName.version(r.registry_name, r.model_name, n)]),
    );
    return entities.map((version) => ({
      version,
      name: names.get(version.id)!(version.number),
    }));
  }
}

/** Like LineageService.describe, for one node, through the request's loaders (batched across parents). */
async function describeWithLoaders(loaders: Loaders, r: NodeRef, visible: boolean): Promise<LineageNodeView> {
  const placeholder: LineageNodeView = {
    kind: r.kind,
    id: r.id,
    name: null,
    redacted: true,
    entity: null,
  };
  if (!visible) return placeholder;
  if (r.kind === 'RUN') {
    const run = await loaders.run.load(r.id);
    return run
      ? {
          ...placeholder,
          name: lineageName.run(run),
          redacted: false,
          entity: run,
        }
      : placeholder;
  }
  if (r.kind === 'ARTIFACT') {
    const a = await loaders.artifact.load(r.id);
    return a
      ? {
          ...placeholder,
          name: lineageName.artifact(a),
          redacted: false,
          entity: a,
        }
      : placeholder;
  }
  const v = await loaders.version.load(r.id);
  const m = v && (await loaders.model.load(v.modelId));
  const reg = m && (await loaders.registry.load(m.registryId));
  return v && m && reg
    ? {
        ...placeholder,
        name: lineageName.version(reg.name, m.name, v.number),
        redacted: false,
        entity: v,
      }
    : placeholder;
}

/**
 * Text safe inside a quoted Mermaid label. Names are user input: a `"` would end the label, `<`
 * and `&` are read as HTML by Mermaid's renderer, `#` starts an entity code, a backtick a
 * markdown string, and `%%{` a directive, which Mermaid looks for anywhere in the text (it would
 * reconfigure the chart, or cut it off). Each becomes a decimal entity code, which Mermaid
 * documents for exactly this (https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters).
 */
export function mermaidText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- control characters are exactly what this replaces
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .replace(/[#"<>&`%{}]/g, (c) => `#${c.charCodeAt(0)};`)
  );
}

/** The graph as a Mermaid flowchart, for frontends and docs. */
export function toMermaid(graph: LineageGraphView): string {
  const key = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const label = (n: LineageNodeView) => mermaidText(n.redacted ? `${n.kind.toLowerCase()} (restricted)` : n.name!);
  const shape = (n: LineageNodeView) => {
    const text = `"${label(n)}"`;
    if (n.kind === 'RUN') return `([${text}])`;
    if (n.kind === 'MODEL_VERSION') return `[[${text}]]`;
    return `[${text}]`;
  };
  const lines = ['flowchart LR', ...graph.nodes.map((n) => `  ${key.get(n.id)}${shape(n)}`)];
  for (const e of graph.edges)
    lines.push(`  ${key.get(e.fromId)} -->|${e.kind === 'USED' ? 'used by' : 'produced'}| ${key.get(e.toId)}`);
  lines.push('  classDef root stroke-width:3px', `  class ${key.get(graph.root.id)} root`);
  return `${lines.join('\n')}\n`;
}
