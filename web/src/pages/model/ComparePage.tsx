import './model-pages.css';
import type { ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatBytes } from '../../components/format';
import { Spinner } from '../../components/Spinner';
import type { CompareVersionFragment } from '../../gql/graphql';
import { compareFiles, compareMetadata, compareMetrics, compareTags, parseCompareRefs } from './compare-diff';
import { CompareVersionsQuery } from './model-queries';
import { formatMetric } from './versions-sort';

const Differs = ({ differs }: { differs: boolean }) =>
  differs ? (
    <span className="diff-mark" title="differs">
      ≠<span className="visually-hidden"> differs</span>
    </span>
  ) : null;

/** One panel of the comparison: a table of rows under the versions' header, or `empty` when there are none. */
function CompareSection(props: {
  id: string;
  title: string;
  head: ReactNode;
  empty?: string | false;
  children: ReactNode;
}) {
  return (
    <section className="panel" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.empty ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <div className="table-scroll">
          <table className="table compare-table">
            {props.head}
            <tbody>{props.children}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** `/r/:registry/m/:model/compare?v=v1,v3`: 2–4 versions side by side, differences marked. */
export default function ComparePage() {
  const { registry = '', model = '' } = useParams();
  const [params] = useSearchParams();
  const refs = parseCompareRefs(params.get('v'));
  const padded = [...(refs ?? []), 'v0', 'v0', 'v0', 'v0'];
  const [{ data, error, fetching }] = useQuery({
    query: CompareVersionsQuery,
    variables: {
      registry,
      model,
      r0: padded[0],
      r1: padded[1],
      r2: padded[2],
      r3: padded[3],
      has2: (refs?.length ?? 0) > 2,
      has3: (refs?.length ?? 0) > 3,
    },
    pause: !refs,
  });
  const base = `/r/${encodeURIComponent(registry)}/m/${encodeURIComponent(model)}`;

  if (!refs)
    return (
      <section>
        <h1>Compare versions</h1>
        <ErrorBanner error={new Error('Name 2 to 4 versions to compare, e.g. ?v=v1,v3.')} />
        <Link to={base}>Back to {model}</Link>
      </section>
    );
  if (error) return <ErrorBanner error={error} />;
  if (fetching || !data) return <Spinner />;
  const m = data.model;
  const versions = [m?.v0, m?.v1, m?.v2, m?.v3].filter((v): v is CompareVersionFragment => Boolean(v));
  if (!m || versions.length < 2) return <ErrorBanner error={new Error('Some of these versions were not found.')} />;

  const metrics = compareMetrics(versions);
  const metadata = compareMetadata(versions);
  const files = compareFiles(versions);
  const tags = compareTags(versions);
  const head = (
    <thead>
      <tr>
        <th scope="col">
          <span className="visually-hidden">Field</span>
        </th>
        {versions.map((v) => (
          <th key={v.id} scope="col">
            <Link to={`${base}/v/${v.name}`}>{v.name}</Link>
          </th>
        ))}
      </tr>
    </thead>
  );
  const row = (label: string, cells: (string | null)[], differs?: boolean) => (
    <tr key={label} className={differs ? 'diff-row' : undefined}>
      <th scope="row">
        {label} {differs !== undefined && <Differs differs={differs} />}
      </th>
      {cells.map((c, i) => (
        <td key={i}>{c ?? '—'}</td>
      ))}
    </tr>
  );
  const same = (values: (string | null)[]) => values.some((v) => v !== values[0]);

  return (
    <article className="compare-page">
      <p className="muted">
        <Link to={base}>{m.fullName}</Link> /
      </p>
      <h1>Compare {versions.map((v) => v.name).join(', ')}</h1>
      <p className="muted">
        Rows marked ≠ differ between the versions; the best value of each metric is in bold (lower is better for losses,
        errors and latencies).
      </p>

      <CompareSection id="cmp-metrics" title="Metrics" head={head}>
        {metrics.map((r) => (
          <tr key={r.name} className={r.differs ? 'diff-row' : undefined}>
            <th scope="row">
              {r.name} <Differs differs={r.differs} />
              {r.lowerIsBetter && <span className="muted"> (lower is better)</span>}
            </th>
            {r.values.map((value, i) => (
              <td key={i} className={r.best.includes(i) ? 'num best' : 'num'}>
                {formatMetric(value)}
                {r.best.includes(i) && <span className="visually-hidden"> (best)</span>}
              </td>
            ))}
          </tr>
        ))}
      </CompareSection>

      <CompareSection id="cmp-meta" title="Version" head={head}>
        {row(
          'created',
          versions.map((v) => new Date(v.createdAt).toLocaleString()),
        )}
        {row(
          'created by',
          versions.map((v) => v.createdBy.id),
          same(versions.map((v) => v.createdBy.id)),
        )}
        {row(
          'description',
          versions.map((v) => v.description ?? null),
          same(versions.map((v) => v.description ?? null)),
        )}
        {row(
          'aliases',
          versions.map((v) => v.aliases.join(', ')),
        )}
        {row(
          'archived',
          versions.map((v) => (v.archived ? 'yes' : 'no')),
          same(versions.map((v) => String(v.archived))),
        )}
        {row(
          'run',
          versions.map((v) => (v.run ? `${v.run.name} (${v.run.status})` : null)),
          same(versions.map((v) => v.run?.id ?? null)),
        )}
        {row(
          'artifact',
          versions.map((v) => v.artifact.uri),
          same(versions.map((v) => v.artifact.digest)),
        )}
        {row(
          'size',
          versions.map((v) => formatBytes(v.artifact.sizeBytes)),
        )}
        {metadata.map((r) => row(`metadata.${r.key}`, r.values, r.differs))}
      </CompareSection>

      <CompareSection id="cmp-tags" title="Tags" head={head} empty={tags.length === 0 && 'No tags.'}>
        {tags.map((r) =>
          row(
            r.tag,
            r.present.map((p) => (p ? 'yes' : 'no')),
            r.differs,
          ),
        )}
      </CompareSection>

      <CompareSection id="cmp-files" title="Files" head={head} empty={files.length === 0 && 'No files listed.'}>
        {files.map((r) => (
          <tr key={r.path} className={r.differs ? 'diff-row' : undefined}>
            <th scope="row">
              <code>{r.path}</code> <Differs differs={r.differs} />
            </th>
            {r.cells.map((c, i) => (
              <td key={i}>
                {c ? (
                  <>
                    {formatBytes(c.sizeBytes)}
                    <br />
                    <code className="digest">{c.digest ?? '—'}</code>
                  </>
                ) : (
                  'absent'
                )}
              </td>
            ))}
          </tr>
        ))}
      </CompareSection>
    </article>
  );
}
