import { Link } from 'react-router';
import type { LineageLayout, PlacedNode } from './lineage-layout';

/** Where a node leads: its page, or null for a redacted node (nothing of it may be shown). */
export type NodeHref = (node: PlacedNode) => string | null;

const KIND_BADGE: Record<PlacedNode['kind'], string> = { ARTIFACT: 'Artifact', MODEL_VERSION: 'Version', RUN: 'Run' };
/** What fits in a node box at 14px; a longer name is squeezed into it. */
const MAX_CHARS = 28;
/** Beyond this a name is cut: squeezed further it could not be read. */
const MAX_SQUEEZED = 40;
/** Up to this many columns the drawing shrinks to the page's width on wide screens (text stays ≥ 11 px); wider ones scroll. */
const FIT_COLUMNS = 5;

const clip = (text: string) => (text.length > MAX_SQUEEZED ? `${text.slice(0, MAX_SQUEEZED - 1)}…` : text);

/**
 * The lineage drawn as SVG from a computed layout. Every readable node is a link (Tab reaches them
 * in column order: upstream first), named by its visible text; a redacted node is drawn hatched,
 * named by its kind only.
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
  const kind = `${KIND_BADGE[node.kind]}${root ? ' (this node)' : ''}`;
  const name = clip(node.label);
  // The node's accessible name is its visible text (WCAG 2.5.3, label in name): no aria-label.
  // A long name is drawn narrower rather than cut, up to a point; the list view has every name whole.
  const squeeze = name.length > MAX_CHARS ? { textLength: node.width - 20, lengthAdjust: 'spacingAndGlyphs' } : {};
  const body = (
    <>
      <rect x={node.x} y={node.y} width={node.width} height={node.height} rx="6" className="lineage-node__box" />
      <text x={node.x + 10} y={node.y + 18} className="lineage-node__kind">
        {kind}
      </text>{' '}
      <text x={node.x + 10} y={node.y + 37} className="lineage-node__name" {...squeeze}>
        {name}
      </text>
    </>
  );
  if (!to)
    return (
      <g className={classes} role="img" aria-label={`${kind} ${name}`} data-node-id={node.id}>
        {body}
      </g>
    );
  return (
    <Link to={to} className={classes} data-node-id={node.id}>
      {body}
    </Link>
  );
}
