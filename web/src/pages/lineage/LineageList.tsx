import { Link } from 'react-router';
import type { NodeHref } from './LineageGraph';
import type { LineageLayout, PlacedNode } from './lineage-layout';

interface NodeDetails {
  id: string;
  run?: { status: string } | null;
  artifact?: { type: string; uri: string } | null;
}

const KIND: Record<PlacedNode['kind'], string> = { ARTIFACT: 'artifact', MODEL_VERSION: 'version', RUN: 'run' };

function columnTitle(layer: number): string {
  if (layer === 0) return 'This node';
  const steps = `${Math.abs(layer)} step${Math.abs(layer) === 1 ? '' : 's'}`;
  return layer < 0 ? `Upstream, ${steps}` : `Downstream, ${steps}`;
}

/**
 * The same graph as nested lists, column by column, each node with what it used and what it
 * produced: the graph's alternative for screen readers and narrow screens.
 */
export function LineageList({
  layout,
  rootId,
  href,
  details,
}: {
  layout: LineageLayout;
  rootId: string;
  href: NodeHref;
  details: NodeDetails[];
}) {
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const detail = new Map(details.map((d) => [d.id, d]));
  const layers = [...new Set(layout.nodes.map((n) => n.layer))].sort((a, b) => a - b);
  const name = (id: string) => byId.get(id)?.label ?? id;
  return (
    <section aria-labelledby="lineage-list-title" className="lineage-list">
      <h2 id="lineage-list-title">As a list</h2>
      {layers.map((layer) => (
        <div key={layer}>
          <h3>{columnTitle(layer)}</h3>
          <ul>
            {layout.nodes
              .filter((n) => n.layer === layer)
              .map((n) => {
                const to = href(n);
                const inputs = layout.edges.filter((e) => e.to === n.id).map((e) => name(e.from));
                const outputs = layout.edges.filter((e) => e.from === n.id).map((e) => name(e.to));
                const d = detail.get(n.id);
                return (
                  <li key={n.id} data-node-id={n.id}>
                    <span className="lineage-list__kind">{KIND[n.kind]}</span>{' '}
                    {to ? <Link to={to}>{n.label}</Link> : <span className="lineage-list__redacted">{n.label}</span>}
                    {n.id === rootId && ' (this node)'}
                    {d?.run && <span className="hint"> · {d.run.status.toLowerCase()}</span>}
                    {d?.artifact && (
                      <span className="hint">
                        {' '}
                        · {d.artifact.type} at <code>{d.artifact.uri}</code>
                      </span>
                    )}
                    {(inputs.length > 0 || outputs.length > 0) && (
                      <ul className="lineage-list__edges">
                        {inputs.length > 0 && <li>from: {inputs.join(', ')}</li>}
                        {outputs.length > 0 && <li>to: {outputs.join(', ')}</li>}
                      </ul>
                    )}
                  </li>
                );
              })}
          </ul>
        </div>
      ))}
    </section>
  );
}
