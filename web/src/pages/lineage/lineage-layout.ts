/**
 * A layered layout for a lineage graph: the root in its own column, what produced it to the left
 * and what used it to the right, one column per edge of distance. Edges point the way data flows
 * (USED: artifact or version → run; PRODUCED: run → artifact or version), so "downstream" is
 * following edges forward. Pure: nodes and edges in, positions out; no DOM.
 */

export type LineageKind = 'ARTIFACT' | 'MODEL_VERSION' | 'RUN';

export interface LayoutNodeInput {
  id: string;
  kind: LineageKind;
  /** Null when redacted; never read for a redacted node. */
  name: string | null;
  redacted: boolean;
}

export interface LayoutEdgeInput {
  from: string;
  to: string;
  kind: 'USED' | 'PRODUCED';
}

export interface PlacedNode extends LayoutNodeInput {
  /** Signed distance from the root: negative upstream, positive downstream, 0 for the root. */
  layer: number;
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
}

export interface PlacedEdge extends LayoutEdgeInput {
  /** SVG path data from the right edge of `from` to the left edge of `to`. */
  path: string;
}

export interface LineageLayout {
  /** How many columns (distances) the drawing has. */
  columns: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 230;
export const NODE_HEIGHT = 48;
const GAP_X = 60;
const GAP_Y = 20;
const MARGIN = 12;

const KIND_NAMES: Record<LineageKind, string> = { ARTIFACT: 'artifact', MODEL_VERSION: 'model version', RUN: 'run' };

/** What a node is called on screen. A redacted node says only its kind: its name must not leak. */
export function nodeLabel(node: LayoutNodeInput): string {
  if (node.redacted) return `Redacted ${KIND_NAMES[node.kind]}`;
  return node.name ?? KIND_NAMES[node.kind];
}

/**
 * Layers by breadth-first distance: forward from the root (downstream, +1 per edge), backward
 * (upstream, -1), the shorter one when a node is both; a node reached neither way (a cycle's
 * far side, or a sibling output of an upstream run) sits one column beside the neighbour that
 * placed it. Within a column, nodes are ordered by the mean row of their placed neighbours
 * (fewer crossings), then by label, so the same graph always draws the same.
 */
export function layoutLineage(rootId: string, nodes: LayoutNodeInput[], edges: LayoutEdgeInput[]): LineageLayout {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const usable = edges.filter((e) => byId.has(e.from) && byId.has(e.to) && e.from !== e.to);
  const out = adjacency(usable, 'from', 'to');
  const inn = adjacency(usable, 'to', 'from');

  const down = distances(rootId, out);
  const up = distances(rootId, inn);
  const layer = new Map<string, number>();
  for (const n of nodes) {
    const d = down.get(n.id);
    const u = up.get(n.id);
    if (d !== undefined && (u === undefined || d <= u)) layer.set(n.id, d);
    else if (u !== undefined) layer.set(n.id, -u);
  }
  if (!layer.has(rootId) && byId.has(rootId)) layer.set(rootId, 0);
  placeTheRest(nodes, usable, layer);

  const columns = new Map<number, LayoutNodeInput[]>();
  for (const n of nodes) {
    const l = layer.get(n.id) ?? 0;
    if (!columns.has(l)) columns.set(l, []);
    columns.get(l)!.push(n);
  }
  const layers = [...columns.keys()].sort((a, b) => a - b);
  const row = new Map<string, number>();
  // Order outward from the root so each column follows the one nearer the root.
  const outward = [...layers].sort((a, b) => Math.abs(a) - Math.abs(b) || a - b);
  for (const l of outward) {
    const column = columns.get(l)!;
    const score = (n: LayoutNodeInput) => {
      const placed = [...(out.get(n.id) ?? []), ...(inn.get(n.id) ?? [])]
        .map((m) => row.get(m))
        .filter((r): r is number => r !== undefined);
      return placed.length ? placed.reduce((a, b) => a + b, 0) / placed.length : Number.POSITIVE_INFINITY;
    };
    const scored = column.map((n) => ({ n, s: score(n), label: nodeLabel(n) }));
    scored.sort((a, b) => a.s - b.s || a.label.localeCompare(b.label) || a.n.id.localeCompare(b.n.id));
    scored.forEach(({ n }, i) => row.set(n.id, i));
    columns.set(
      l,
      scored.map((s) => s.n),
    );
  }

  const tallest = Math.max(1, ...[...columns.values()].map((c) => c.length));
  const height = MARGIN * 2 + tallest * NODE_HEIGHT + (tallest - 1) * GAP_Y;
  const minLayer = layers[0] ?? 0;
  const placed: PlacedNode[] = [];
  for (const l of layers) {
    const column = columns.get(l)!;
    const columnHeight = column.length * NODE_HEIGHT + (column.length - 1) * GAP_Y;
    const top = (height - columnHeight) / 2;
    column.forEach((n, i) => {
      placed.push({
        ...n,
        name: n.redacted ? null : n.name,
        layer: l,
        x: MARGIN + (l - minLayer) * (NODE_WIDTH + GAP_X),
        y: top + i * (NODE_HEIGHT + GAP_Y),
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        label: nodeLabel(n),
      });
    });
  }
  const width = MARGIN * 2 + layers.length * NODE_WIDTH + Math.max(0, layers.length - 1) * GAP_X;
  const at = new Map(placed.map((p) => [p.id, p]));
  return {
    columns: layers.length,
    nodes: placed,
    edges: usable.map((e) => ({ ...e, path: edgePath(at.get(e.from)!, at.get(e.to)!) })),
    width,
    height,
  };
}

function adjacency(edges: LayoutEdgeInput[], key: 'from' | 'to', other: 'from' | 'to'): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of edges) {
    if (!map.has(e[key])) map.set(e[key], []);
    map.get(e[key])!.push(e[other]);
  }
  return map;
}

function distances(start: string, next: Map<string, string[]>): Map<string, number> {
  const dist = new Map([[start, 0]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const m of next.get(id) ?? []) {
      if (dist.has(m)) continue;
      dist.set(m, dist.get(id)! + 1);
      queue.push(m);
    }
  }
  return dist;
}

function placeTheRest(nodes: LayoutNodeInput[], edges: LayoutEdgeInput[], layer: Map<string, number>): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const e of edges) {
      if (layer.has(e.from) && !layer.has(e.to)) {
        layer.set(e.to, layer.get(e.from)! + 1);
        changed = true;
      } else if (layer.has(e.to) && !layer.has(e.from)) {
        layer.set(e.from, layer.get(e.to)! - 1);
        changed = true;
      }
    }
  }
  // Disconnected nodes (the API sends none, but a layout must not drop a node): beside the root.
  for (const n of nodes) if (!layer.has(n.id)) layer.set(n.id, 0);
}

function edgePath(a: PlacedNode, b: PlacedNode): string {
  const x1 = a.x + a.width;
  const y1 = a.y + a.height / 2;
  const x2 = b.x;
  const y2 = b.y + b.height / 2;
  // A forward edge bends halfway; a backward one (cycles) loops out past both ends.
  const bend = x2 > x1 ? (x2 - x1) / 2 : GAP_X;
  return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
}
