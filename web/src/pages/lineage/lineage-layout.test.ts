import { describe, expect, it } from 'vitest';
import {
  layoutLineage,
  nodeLabel,
  type LayoutEdgeInput,
  type LayoutNodeInput,
  type PlacedNode,
} from './lineage-layout';

const node = (id: string, kind: LayoutNodeInput['kind'] = 'RUN', name: string | null = id, redacted = false) => ({
  id,
  kind,
  name,
  redacted,
});
const used = (from: string, to: string): LayoutEdgeInput => ({ from, to, kind: 'USED' });
const produced = (from: string, to: string): LayoutEdgeInput => ({ from, to, kind: 'PRODUCED' });

const overlaps = (a: PlacedNode, b: PlacedNode) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function expectNoOverlaps(nodes: PlacedNode[]) {
  for (let i = 0; i < nodes.length; i++)
    for (let j = i + 1; j < nodes.length; j++) expect(overlaps(nodes[i], nodes[j])).toBe(false);
}

describe('layoutLineage', () => {
  // data → train → v1 → finetune → v2, and eval used v1.
  const nodes = [
    node('data', 'ARTIFACT', 'dataset:mnist'),
    node('train'),
    node('v1', 'MODEL_VERSION', 'reg/m:v1'),
    node('finetune'),
    node('eval'),
    node('v2', 'MODEL_VERSION', 'reg/m2:v0'),
  ];
  const edges = [
    used('data', 'train'),
    produced('train', 'v1'),
    used('v1', 'finetune'),
    used('v1', 'eval'),
    produced('finetune', 'v2'),
  ];

  it('puts upstream to the left and downstream to the right, one column per edge of distance', () => {
    const { nodes: placed } = layoutLineage('v1', nodes, edges);
    const layer = Object.fromEntries(placed.map((n) => [n.id, n.layer]));
    expect(layer).toEqual({ data: -2, train: -1, v1: 0, finetune: 1, eval: 1, v2: 2 });
    const x = Object.fromEntries(placed.map((n) => [n.id, n.x]));
    expect(x.data).toBeLessThan(x.train);
    expect(x.train).toBeLessThan(x.v1);
    expect(x.v1).toBeLessThan(x.finetune);
    expect(x.finetune).toBe(x.eval);
    expect(x.finetune).toBeLessThan(x.v2);
  });

  it('never overlaps two nodes, and the drawing holds them all', () => {
    const many = [node('root', 'MODEL_VERSION'), ...Array.from({ length: 30 }, (_, i) => node(`r${i}`))];
    const fan = many.slice(1).map((n, i) => (i % 2 ? used('root', n.id) : produced(n.id, 'root')));
    const layout = layoutLineage('root', many, fan);
    expect(layout.nodes).toHaveLength(31);
    expectNoOverlaps(layout.nodes);
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
    }
    expectNoOverlaps(layoutLineage('v1', nodes, edges).nodes);
  });

  it('draws a redacted node by its kind only, even if a name came along', () => {
    const leaky = node('secret', 'ARTIFACT', 'dataset:top-secret', true);
    const { nodes: placed } = layoutLineage('v1', [...nodes, leaky], [...edges, used('secret', 'train')]);
    const secret = placed.find((n) => n.id === 'secret')!;
    expect(secret.label).toBe('Redacted artifact');
    expect(secret.name).toBeNull();
    expect(secret.layer).toBe(-2);
    expect(JSON.stringify(placed)).not.toContain('top-secret');
    expect(nodeLabel(node('x', 'RUN', null, true))).toBe('Redacted run');
  });

  it('places a node reached neither forward nor backward beside the neighbour that reaches it', () => {
    // train produced v1 (the root) and also a metrics report: the report is downstream of train.
    const withSibling = [...nodes, node('report', 'ARTIFACT', 'report:eval')];
    const { nodes: placed } = layoutLineage('v1', withSibling, [...edges, produced('train', 'report')]);
    expect(placed.find((n) => n.id === 'report')!.layer).toBe(0);
    expectNoOverlaps(placed);
  });

  it('survives cycles and edges to nodes it was not given', () => {
    const cyc = [node('a', 'MODEL_VERSION'), node('b'), node('c', 'MODEL_VERSION')];
    const layout = layoutLineage('a', cyc, [used('a', 'b'), produced('b', 'c'), used('c', 'b'), used('c', 'zz')]);
    expect(layout.nodes.map((n) => [n.id, n.layer])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
    ]);
    expect(layout.edges).toHaveLength(3);
    expect(layout.edges.every((e) => e.path.startsWith('M'))).toBe(true);
  });

  it('lays out the same graph the same way whatever order it came in', () => {
    const a = layoutLineage('v1', nodes, edges);
    const b = layoutLineage('v1', [...nodes].reverse(), [...edges].reverse());
    const pos = (l: typeof a) => Object.fromEntries(l.nodes.map((n) => [n.id, [n.x, n.y]]));
    expect(pos(b)).toEqual(pos(a));
  });
});
