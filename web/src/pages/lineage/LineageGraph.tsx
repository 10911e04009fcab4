import { Link } from 'react-router';
import type { LineageLayout, PlacedNode } from './lineage-layout';

/** Where a node leads: its page, or null for a redacted node (nothing of it may be shown). */
export type NodeHref = (node: PlacedNode) => string | null;

const KIND_BADGE: Record<PlacedNode['kind'], string> = { ARTIFACT: 'Artifact', MODEL_VERSION: 'Version', RUN: 'Run' };
/** What fits in a node box at 14px; the full name is the node's accessible name and tooltip. */
const MAX_CHARS = 28;
/** Up to this many columns the drawing shrinks to the page's width on wide screens (text stays ≥ 11 px); wider ones scroll. */
const FIT_COLUMNS = 5;

const clip = (text: string) => (text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 1)}…` : text);

/**
 * The lineage drawn as SVG from a computed layout. Every readable node is a link (Tab reaches them
 * in column order: upstream first), with its full name as the accessible name; a redacted node is
 * drawn hatched, named by its kind only.
 */
export function LineageGraph({
  layout,
  rootId,
  href,
  title,
}: {
  layout: LineageLayout;
  rootId: string;
  href: NodeHref;
  title: string;
}) {
  const ordered = [...layout.nodes].sort((a, b) => a.x - b.x || a.y - b.y);
  return (
    <div className="lineage-graph">
      <svg
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="group"
        aria-label={title}
        className={`lineage-graph__svg${layout.columns <= FIT_COLUMNS ? ' lineage-graph__svg--fit' : ''}`}
      >
        <defs>
          <marker
            id="lineage-arrow"
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="8"
            markerHeight="8"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" className="lineage-graph__arrow" />
          </marker>
          <pattern id="lineage-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" className="lineage-graph__hatch-bg" />
            <line x1="0" y1="0" x2="0" y2="8" className="lineage-graph__hatch-line" />
          </pattern>
        </defs>
        <g aria-hidden="true">
          {layout.edges.map((e) => (
            <path
              key={`${e.from}-${e.to}-${e.kind}`}
              d={e.path}
              className={`lineage-graph__edge lineage-graph__edge--${e.kind.toLowerCase()}`}
              markerEnd="url(#lineage-arrow)"
            />
          ))}
        </g>
        {ordered.map((n) => (
          <GraphNode key={n.id} node={n} root={n.id === rootId} to={href(n)} />
        ))}
      </svg>
    </div>
  );
}

function GraphNode({ node, root, to }: { node: PlacedNode; root: boolean; to: string | null }) {
  const classes = [
    'lineage-node',
    `lineage-node--${node.kind.toLowerCase().replace('_', '-')}`,
    root ? 'lineage-node--root' : '',
    node.redacted ? 'lineage-node--redacted' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const spoken = `${KIND_BADGE[node.kind]}: ${node.label}${root ? ' (this node)' : ''}`;
  const body = (
    <>
      <rect x={node.x} y={node.y} width={node.width} height={node.height} rx="6" className="lineage-node__box" />
      <text x={node.x + 10} y={node.y + 18} className="lineage-node__kind" aria-hidden="true">
        {KIND_BADGE[node.kind]}
        {root ? ' · this node' : ''}
      </text>
      <text x={node.x + 10} y={node.y + 37} className="lineage-node__name" aria-hidden="true">
        {clip(node.label)}
      </text>
      <title>{spoken}</title>
    </>
  );
  if (!to)
    return (
      <g className={classes} role="img" aria-label={spoken} data-node-id={node.id}>
        {body}
      </g>
    );
  return (
    <Link to={to} className={classes} aria-label={spoken} data-node-id={node.id}>
      {body}
    </Link>
  );
}
