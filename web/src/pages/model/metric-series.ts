/** One version on the chart: its value of the chosen metric (null when it has none) and its aliases. */
export interface SeriesPoint {
  name: string;
  value: number | null;
  aliases: string[];
}

export function seriesFor(
  versions: { name: string; number: number; aliases: string[]; metrics: Record<string, unknown> }[],
  metric: string,
): SeriesPoint[] {
  return [...versions]
    .sort((a, b) => a.number - b.number)
    .map((v) => {
      const value = v.metrics[metric];
      return {
        name: v.name,
        aliases: v.aliases,
        value: typeof value === 'number' && Number.isFinite(value) ? value : null,
      };
    });
}

/** Every numeric metric name across the versions, alphabetically. */
export function metricNames(versions: { metrics: Record<string, unknown> }[]): string[] {
  const names = new Set<string>();
  for (const v of versions)
    for (const [k, value] of Object.entries(v.metrics)) if (typeof value === 'number') names.add(k);
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** What the chart shows, in words: its accessible description. */
export function describeSeries(metric: string, points: SeriesPoint[]): string {
  const withValue = points.filter((p): p is SeriesPoint & { value: number } => p.value !== null);
  if (!withValue.length) return `No version has the metric ${metric}.`;
  const first = withValue[0];
  const last = withValue[withValue.length - 1];
  const max = withValue.reduce((a, b) => (b.value > a.value ? b : a));
  const min = withValue.reduce((a, b) => (b.value < a.value ? b : a));
  const markers = points.flatMap((p) => p.aliases.map((a) => `${a} at ${p.name}`));
  return (
    `${metric} across ${withValue.length} versions: ${first.value} at ${first.name}, ${last.value} at ${last.name}; ` +
    `highest ${max.value} at ${max.name}, lowest ${min.value} at ${min.name}.` +
    (markers.length ? ` Aliases: ${markers.join(', ')}.` : '')
  );
}
