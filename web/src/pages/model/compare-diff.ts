/**
 * The comparison of 2–4 versions, as rows: one per metric, metadata key, file and tag, each with
 * one cell per version and whether the versions differ there. Pure, so the page only draws it.
 */

export interface ComparedVersion {
  name: string;
  metrics: Record<string, unknown>;
  metadata: Record<string, unknown>;
  tags: string[];
  files: { path: string; sizeBytes?: number | null; digest?: string | null }[];
}

export interface MetricRow {
  name: string;
  values: (number | null)[];
  /** Indexes of the versions with the best value (ties share it); empty when fewer than two have one. */
  best: number[];
  /** Lower is better for this metric (a loss, an error rate, a latency, …). */
  lowerIsBetter: boolean;
  differs: boolean;
}

export interface ValueRow {
  key: string;
  /** Each version's value as display text; null when the version has none. */
  values: (string | null)[];
  differs: boolean;
}

export interface FileRow {
  path: string;
  cells: ({ sizeBytes: number | null; digest: string | null } | null)[];
  differs: boolean;
}

export interface TagRow {
  tag: string;
  present: boolean[];
  differs: boolean;
}

// Metric names where a smaller number is the better one; every other metric is better higher.
const LOWER_IS_BETTER = /(loss|error|err$|^err|latency|mae|mse|rmse|perplexity|wer|cer|time|duration|size)/i;

export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric);
}

const allDiffer = <T>(values: T[], same: (a: T, b: T) => boolean) => values.some((v) => !same(v, values[0]));

export function compareMetrics(versions: ComparedVersion[]): MetricRow[] {
  const names = [...new Set(versions.flatMap((v) => Object.keys(v.metrics)))].sort((a, b) => a.localeCompare(b));
  return names.map((name) => {
    const values = versions.map((v) => {
      const value = v.metrics[name];
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    });
    const lower = lowerIsBetter(name);
    const present = values.filter((v): v is number => v !== null);
    const bestValue = present.length < 2 ? null : lower ? Math.min(...present) : Math.max(...present);
    const differs = allDiffer(values, (a, b) => a === b);
    const best = bestValue === null || !differs ? [] : values.flatMap((v, i) => (v === bestValue ? [i] : []));
    return { name, values, best, lowerIsBetter: lower, differs };
  });
}

/** JSON values shown as text; objects with sorted keys, so equal objects read (and compare) equal. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export function compareMetadata(versions: ComparedVersion[]): ValueRow[] {
  const keys = [...new Set(versions.flatMap((v) => Object.keys(v.metadata)))].sort((a, b) => a.localeCompare(b));
  return keys.map((key) => {
    const values = versions.map((v) => (key in v.metadata ? displayValue(v.metadata[key]) : null));
    return { key, values, differs: allDiffer(values, (a, b) => a === b) };
  });
}

export function compareFiles(versions: ComparedVersion[]): FileRow[] {
  const paths = [...new Set(versions.flatMap((v) => v.files.map((f) => f.path)))].sort((a, b) => a.localeCompare(b));
  return paths.map((path) => {
    const cells = versions.map((v) => {
      const file = v.files.find((f) => f.path === path);
      return file ? { sizeBytes: file.sizeBytes ?? null, digest: file.digest ?? null } : null;
    });
    const differs = allDiffer(cells, (a, b) =>
      a === null || b === null ? a === b : a.digest === b.digest && a.sizeBytes === b.sizeBytes,
    );
    return { path, cells, differs };
  });
}

export function compareTags(versions: ComparedVersion[]): TagRow[] {
  const tags = [...new Set(versions.flatMap((v) => v.tags))].sort((a, b) => a.localeCompare(b));
  return tags.map((tag) => {
    const present = versions.map((v) => v.tags.includes(tag));
    return { tag, present, differs: allDiffer(present, (a, b) => a === b) };
  });
}

/** `?v=v1,v3`: 2–4 distinct version refs, in the order given; null when the list is unusable. */
export function parseCompareRefs(param: string | null): string[] | null {
  if (!param) return null;
  const refs = [
    ...new Set(
      param
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  ];
  if (refs.length < 2 || refs.length > 4) return null;
  if (refs.some((r) => r.length > 64)) return null;
  return refs;
}
