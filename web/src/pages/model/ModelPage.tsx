import './model-pages.css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { AliasesPanel } from '../aliases/AliasesPanel';
import { callerIn } from '../aliases/alias-permissions';
import { CHART_VERSIONS, MetricChartPanel } from './MetricChartPanel';
import { ModelPageQuery, ModelVersionSeriesQuery } from './model-queries';
import { useModelLive } from './useModelLive';
import { useVersionPages } from './useVersionPages';
import { MAX_COMPARE, VersionsTable } from './VersionsTable';
import { metricColumns, nextSort, parseSort, writeSort } from './versions-sort';

/** Tag filters are user text: bounded like the API's tags. */
const MAX_TAG = 128;

/** `/r/:registry/m/:model`: the model's header, aliases, metric chart and versions; kept live. */
export default function ModelPage() {
  const { registry = '', model = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const sort = parseSort(params);
  const tag = params.get('tag')?.slice(0, MAX_TAG) || null;
  const [refreshKey, setRefreshKey] = useState(0);
  const [updated, setUpdated] = useState<{ note: string; at: Date } | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [tagInput, setTagInput] = useState(tag ?? '');

  const [page, refetchPage] = useQuery({ query: ModelPageQuery, variables: { registry, model } });
  const versions = useVersionPages(registry, model, sort, tag, refreshKey);
  // The chart's series (and the alias version picker) waits for the first versions page: the table
  // is what the page's budget measures, so it does not share the server with a second large read.
  const [series, refetchSeries] = useQuery({
    query: ModelVersionSeriesQuery,
    variables: { registry, model, first: CHART_VERSIONS },
    pause: versions.fetching && versions.rows.length === 0,
  });

  const refresh = useCallback(() => {
    setRefreshKey((k) => k + 1);
    refetchPage({ requestPolicy: 'network-only' });
    refetchSeries({ requestPolicy: 'network-only' });
  }, [refetchPage, refetchSeries]);

  const modelData = page.data?.model;
  useModelLive(registry, model, modelData?.id ?? null, (note) => {
    setUpdated({ note, at: new Date() });
    refresh();
  });

  // The "updated" note fades after a while: it reports a change, it is not state.
  useEffect(() => {
    if (!updated) return;
    const timer = setTimeout(() => setUpdated(null), 8000);
    return () => clearTimeout(timer);
  }, [updated]);

  const seriesVersions = useMemo(() => series.data?.model?.versions.edges.map((e) => e.node) ?? [], [series.data]);
  const metrics = useMemo(() => metricColumns(versions.rows, sort), [versions.rows, sort]);

  // The versions table renders as soon as its page arrives, without waiting for the header's query.
  const notFound = Boolean(page.data && (!modelData || !page.data.registry));
  const caller = page.data ? callerIn(page.data.viewer, registry) : null;
  const base = `/r/${encodeURIComponent(registry)}/m/${encodeURIComponent(model)}`;
  const latest = modelData?.aliases.find((a) => a.name === 'latest');
  const toggle = (name: string) =>
    setSelected((s) => (s.includes(name) ? s.filter((n) => n !== name) : s.length < MAX_COMPARE ? [...s, name] : s));

  return (
    <article className="model-page">
      {page.error && <ErrorBanner error={page.error} />}
      {!page.data && !page.error && <Spinner />}
      {notFound && <ErrorBanner error={new Error(`Model ${registry}/${model} not found.`)} />}
      {modelData && page.data?.registry && caller && (
        <>
          <header className="page-header">
            <p className="muted">
              <Link to={`/r/${encodeURIComponent(registry)}`}>{registry}</Link> /
            </p>
            <h1>
              {modelData.name} {modelData.archived && <span className="badge badge--archived">archived</span>}
            </h1>
            {modelData.description && <p>{modelData.description}</p>}
            {modelData.tags.length > 0 && (
              <ul className="chips" aria-label="Tags">
                {modelData.tags.map((t) => (
                  <li key={t} className="chip">
                    {t}
                  </li>
                ))}
              </ul>
            )}
            {latest && (
              <p className="muted">
                <code>latest</code> follows the newest version: now{' '}
                <Link to={`${base}/v/${latest.version.name}`}>{latest.version.name}</Link>.
              </p>
            )}
            <nav aria-label="Model" className="page-links">
              <Link to={`${base}/timeline`}>Alias timeline</Link>
            </nav>
            <p role="status" aria-live="polite" className="live-note">
              {updated && (
                <>
                  Updated {updated.at.toLocaleTimeString()}: {updated.note}.
                </>
              )}
            </p>
          </header>

          <AliasesPanel
            registry={registry}
            model={model}
            aliases={modelData.aliases}
            caller={caller}
            members={page.data.registry.members}
            versions={seriesVersions}
            refreshKey={refreshKey}
            onChanged={(note) => {
              setUpdated({ note, at: new Date() });
              refresh();
            }}
          />
        </>
      )}

      {!notFound && (
        <section aria-labelledby="versions-title" className="panel">
          <h2 id="versions-title">Versions</h2>
          <div className="toolbar">
            <form
              className="field field--inline"
              onSubmit={(e) => {
                e.preventDefault();
                const next = new URLSearchParams(params);
                if (tagInput.trim()) next.set('tag', tagInput.trim().slice(0, MAX_TAG));
                else next.delete('tag');
                setParams(next);
              }}
            >
              <label htmlFor="version-tag">Filter by tag</label>
              <input
                id="version-tag"
                value={tagInput}
                maxLength={MAX_TAG}
                onChange={(e) => setTagInput(e.target.value)}
              />
              <button type="submit">Filter</button>
            </form>
            <div className="compare-action">
              {selected.length >= 2 ? (
                <Link className="button-link" to={`${base}/compare?v=${selected.map(encodeURIComponent).join(',')}`}>
                  Compare {selected.join(', ')}
                </Link>
              ) : (
                <span className="muted">Select 2–{MAX_COMPARE} versions to compare.</span>
              )}
            </div>
          </div>
          {versions.error && <ErrorBanner error={versions.error} />}
          <p className="muted" aria-live="polite">
            {versions.rows.length} of {versions.totalCount} versions{tag && <> tagged “{tag}”</>}; sorted by the server.
          </p>
          <VersionsTable
            rows={versions.rows}
            metrics={metrics}
            sort={sort}
            onSort={(key) => setParams(writeSort(params, nextSort(sort, key)))}
            selected={selected}
            onToggle={toggle}
            versionHref={(name) => `${base}/v/${name}`}
          />
          {versions.fetching && <Spinner />}
          {versions.hasNextPage && !versions.fetching && (
            <button type="button" onClick={versions.loadMore}>
              Load more versions
            </button>
          )}
        </section>
      )}

      {seriesVersions.length > 0 && (
        <MetricChartPanel versions={seriesVersions} totalCount={series.data?.model?.versions.totalCount ?? 0} />
      )}
    </article>
  );
}
