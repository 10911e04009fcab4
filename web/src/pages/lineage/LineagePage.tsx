import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { lineagePath, parseFullName, versionPath } from '../../components/paths';
import { Spinner } from '../../components/Spinner';
import { graphql } from '../../gql';
import type { LineageDirection } from '../../gql/graphql';
import { LineageGraph, type NodeHref } from './LineageGraph';
import { LineageList } from './LineageList';
import { layoutLineage } from './lineage-layout';
import './lineage.css';
import '../../components/components.css';

const VersionIdQuery = graphql(`
  query ConsoleLineageVersion($registry: String!, $model: String!, $ref: String!) {
    modelVersion(registry: $registry, model: $model, ref: $ref) {
      id
      fullName
    }
  }
`);

const LineageQuery = graphql(`
  query ConsoleLineage($id: ID!, $depth: Int!, $direction: LineageDirection!) {
    lineage(id: $id, depth: $depth, direction: $direction) {
      root {
        id
        name
      }
      nodes {
        id
        kind
        name
        redacted
        run {
          status
        }
        artifact {
          type
          uri
        }
      }
      edges {
        from
        to
        kind
      }
      truncated
    }
  }
`);

/** The API's bound (LINEAGE_MAX_DEPTH defaults to 20; a server set lower answers BAD_USER_INPUT, shown as such). */
export const MAX_DEPTH = 20;
const DIRECTIONS: { value: LineageDirection; label: string }[] = [
  { value: 'BOTH', label: 'Both ways' },
  { value: 'UPSTREAM', label: 'Upstream (what produced it)' },
  { value: 'DOWNSTREAM', label: 'Downstream (what used it)' },
];

function readDepth(raw: string | null): number {
  const n = Number(raw ?? 3);
  return Number.isInteger(n) ? Math.min(MAX_DEPTH, Math.max(1, n)) : 3;
}

function readDirection(raw: string | null): LineageDirection {
  return DIRECTIONS.some((d) => d.value === raw) ? (raw as LineageDirection) : 'BOTH';
}

/**
 * `/r/:registry/m/:model/v/:version/lineage`: the graph around a version, `?depth=` (1–20),
 * `?direction=` and `?root=<node id>` (a run or artifact of this graph, to walk from it instead).
 */
export default function LineagePage() {
  const { registry = '', model = '', version = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const depth = readDepth(params.get('depth'));
  const direction = readDirection(params.get('direction'));
  const rootParam = params.get('root');

  const [versionResult] = useQuery({ query: VersionIdQuery, variables: { registry, model, ref: version } });
  const versionId = versionResult.data?.modelVersion?.id;
  const rootId = rootParam ?? versionId;
  const [{ data, fetching, error }] = useQuery({
    query: LineageQuery,
    variables: { id: rootId ?? '', depth, direction },
    pause: !rootId,
  });

  const graph = data?.lineage;
  const layout = useMemo(() => (graph ? layoutLineage(graph.root.id, graph.nodes, graph.edges) : null), [graph]);

  const here = lineagePath(registry, model, version);
  const href: NodeHref = (node) => {
    if (node.redacted) return null;
    if (node.kind === 'MODEL_VERSION') {
      const parts = node.name ? parseFullName(node.name) : null;
      return parts ? versionPath(parts.registry, parts.model, parts.version) : null;
    }
    // Runs and artifacts have no page of their own: their link walks the lineage from them.
    const next = new URLSearchParams({ root: node.id, depth: String(depth), direction });
    return `${here}?${next.toString()}`;
  };

  const update = (key: 'depth' | 'direction', value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next);
  };

  const rootName = graph?.root.name ?? versionResult.data?.modelVersion?.fullName ?? `${registry}/${model}:${version}`;
  const title = `Lineage of ${rootName}`;
  const pageError = versionResult.error ?? error;
  return (
    <section className="lineage">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={versionPath(registry, model, version)}>
          {registry}/{model}:{version}
        </Link>{' '}
        › Lineage
      </nav>
      <h1>{title}</h1>
      {rootParam && (
        <p>
          Walking from a run or artifact of this graph. <Link to={here}>Back to {version}</Link>
        </p>
      )}
      <form className="lineage__controls" onSubmit={(e) => e.preventDefault()}>
        <div className="field field--inline">
          <label htmlFor="lineage-depth">Depth</label>
          <select id="lineage-depth" value={depth} onChange={(e) => update('depth', e.target.value)}>
            {Array.from({ length: MAX_DEPTH }, (_, i) => i + 1).map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor="lineage-direction">Direction</label>
          <select id="lineage-direction" value={direction} onChange={(e) => update('direction', e.target.value)}>
            {DIRECTIONS.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {pageError && <ErrorBanner error={pageError} />}
      {fetching && !graph && <Spinner />}
      {graph && layout && (
        <>
          <p className="hint" role="status">
            {graph.nodes.length} nodes, {graph.edges.length} edges
            {graph.truncated ? ' — cut short at the server’s node limit; lower the depth or walk from a node.' : ''}
            {fetching ? ' (updating…)' : ''}
          </p>
          <p className="hint">Upstream (what produced it) to the left, downstream (what used it) to the right.</p>
          <LineageGraph layout={layout} rootId={graph.root.id} href={href} title={title} />
          <LineageList layout={layout} rootId={graph.root.id} href={href} details={graph.nodes} />
        </>
      )}
    </section>
  );
}
