import { lazy, Suspense, useId, useMemo, useState } from 'react';
import { Spinner } from '../../components/Spinner';
import { describeSeries, metricNames, seriesFor } from './metric-series';
import { formatMetric } from './versions-sort';

// chart.js is the heaviest dependency: its own chunk, fetched after the page has rendered.
const MetricChart = lazy(() => import('./MetricChart'));

/** How many versions the chart reads: the newest ones (the series query's `first`). */
export const CHART_VERSIONS = 100;

/**
 * The chart of one metric across versions, with a metric picker, a description for screen readers
 * and the same data as a table.
 */
export function MetricChartPanel({
  versions,
  totalCount,
}: {
  versions: { name: string; number: number; aliases: string[]; metrics: Record<string, unknown> }[];
  totalCount: number;
}) {
  const id = useId();
  const names = useMemo(() => metricNames(versions), [versions]);
  const [chosen, setChosen] = useState<string | null>(null);
  const metric = chosen && names.includes(chosen) ? chosen : (names[0] ?? null);
  const points = useMemo(() => (metric ? seriesFor(versions, metric) : []), [versions, metric]);
  if (!metric) return null;
  const description = describeSeries(metric, points);

  return (
    <section aria-labelledby={`${id}-title`} className="panel metric-chart">
      <h2 id={`${id}-title`}>Metric across versions</h2>
      <div className="field field--inline">
        <label htmlFor={`${id}-metric`}>Metric</label>
        <select id={`${id}-metric`} value={metric} onChange={(e) => setChosen(e.target.value)}>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      {totalCount > versions.length && (
        <p className="muted">
          The newest {versions.length} of {totalCount} versions.
        </p>
      )}
      <Suspense fallback={<Spinner label="Loading the chart…" />}>
        <MetricChart metric={metric} points={points} description={description} />
      </Suspense>
      <p className="visually-hidden">{description}</p>
      <details>
        <summary>The chart's data as a table</summary>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">{metric}</th>
              <th scope="col">Aliases</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.name}>
                <th scope="row">{p.name}</th>
                <td className="num">{formatMetric(p.value)}</td>
                <td>{p.aliases.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
