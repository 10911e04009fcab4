import type { OrderDirection, VersionOrder } from '../../gql/graphql';

/**
 * How the versions table is sorted, as the URL says it (`?sort=metric:accuracy&dir=asc`, shareable).
 * The API does the sorting (`VersionOrder`, keyset-paginated), so every page is in the same order.
 */
export type VersionSort =
  | { by: 'number'; direction: OrderDirection }
  | { by: 'createdAt'; direction: OrderDirection }
  | { by: 'metric'; metric: string; direction: OrderDirection };

/** A sortable column: `number`, `createdAt` or `metric:<name>`. */
export type SortKey = string;

export const DEFAULT_SORT: VersionSort = { by: 'number', direction: 'DESC' };

/** Metric names are user data: bound them as the API's inputs are. */
const MAX_METRIC_NAME = 128;

export function sortKey(sort: VersionSort): SortKey {
  return sort.by === 'metric' ? `metric:${sort.metric}` : sort.by;
}

/** Reads `sort` and `dir` from the URL; anything unknown falls back to the default. */
export function parseSort(params: URLSearchParams): VersionSort {
  const key = params.get('sort') ?? '';
  const direction: OrderDirection = params.get('dir')?.toUpperCase() === 'ASC' ? 'ASC' : 'DESC';
  if (key === 'number' || key === 'createdAt') return { by: key, direction };
  if (key.startsWith('metric:')) {
    const metric = key.slice('metric:'.length);
    if (metric && metric.length <= MAX_METRIC_NAME) return { by: 'metric', metric, direction };
  }
  return DEFAULT_SORT;
}

/** Writes the sort into URL parameters (the default writes none). */
export function writeSort(params: URLSearchParams, sort: VersionSort): URLSearchParams {
  const next = new URLSearchParams(params);
  if (sortKey(sort) === sortKey(DEFAULT_SORT) && sort.direction === DEFAULT_SORT.direction) {
    next.delete('sort');
    next.delete('dir');
  } else {
    next.set('sort', sortKey(sort));
    next.set('dir', sort.direction.toLowerCase());
  }
  return next;
}

/**
 * Clicking a column header: the sorted column flips direction; another column starts descending
 * (the best metric value, the newest version first).
 */
export function nextSort(current: VersionSort, key: SortKey): VersionSort {
  if (sortKey(current) === key) return { ...current, direction: current.direction === 'DESC' ? 'ASC' : 'DESC' };
  if (key === 'number' || key === 'createdAt') return { by: key, direction: 'DESC' };
  return { by: 'metric', metric: key.slice('metric:'.length), direction: 'DESC' };
}

/** The API's order for a sort. */
export function toVersionOrder(sort: VersionSort): VersionOrder {
  if (sort.by === 'metric') return { field: 'METRIC', metric: sort.metric, direction: sort.direction };
  return { field: sort.by === 'number' ? 'NUMBER' : 'CREATED_AT', direction: sort.direction };
}

/** `aria-sort` of a column header. */
export function ariaSort(sort: VersionSort, key: SortKey): 'ascending' | 'descending' | 'none' {
  if (sortKey(sort) !== key) return 'none';
  return sort.direction === 'ASC' ? 'ascending' : 'descending';
}

/**
 * The metric columns: every numeric metric name the loaded versions carry, plus the one sorted by
 * (it may be absent from every loaded row), alphabetically.
 */
export function metricColumns(rows: { metrics: Record<string, unknown> }[], sort: VersionSort): string[] {
  const names = new Set<string>();
  for (const row of rows)
    for (const [name, value] of Object.entries(row.metrics)) if (typeof value === 'number') names.add(name);
  if (sort.by === 'metric') names.add(sort.metric);
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** A metric value for a table cell: numbers as the API sent them, anything else as a dash. */
export function formatMetric(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}
