import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient, type CombinedError } from 'urql';
import { ModelVersionsQuery } from './model-queries';
import { toVersionOrder, type VersionSort } from './versions-sort';
import type { ConsoleModelVersionsQuery, VersionOrder } from '../../gql/graphql';

export type VersionRow = NonNullable<ConsoleModelVersionsQuery['model']>['versions']['edges'][number]['node'];

/** Rows per page: the budget's 50 versions arrive in one request. */
export const VERSIONS_PAGE = 50;
/** A refresh re-reads what was loaded in one request, up to the API's page limit. */
const MAX_REFRESH = 100;

interface State {
  rows: VersionRow[];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
  fetching: boolean;
  error: CombinedError | null;
}

const EMPTY: State = { rows: [], totalCount: 0, endCursor: null, hasNextPage: false, fetching: true, error: null };

/**
 * The versions table's rows, page by page through the API's cursors ("Load more" appends the next
 * page). A new sort or tag starts again from the first page; `refreshKey` (a live event, a move)
 * re-reads the rows loaded so far.
 */
export function useVersionPages(
  registry: string,
  model: string,
  sort: VersionSort,
  tag: string | null,
  refreshKey: number,
) {
  const client = useClient();
  const [state, setState] = useState<State>(EMPTY);
  // Answers to an older sort, tag or refresh arrive late sometimes: only the newest may land.
  const generation = useRef(0);
  const loaded = useRef(0);
  const orderBy = toVersionOrder(sort);
  const orderKey = JSON.stringify(orderBy);

  const fetchPage = useCallback(
    (first: number, after: string | null) =>
      client
        .query(
          ModelVersionsQuery,
          {
            registry,
            model,
            first,
            after,
            filter: tag ? { tag } : null,
            orderBy: JSON.parse(orderKey) as VersionOrder,
          },
          { requestPolicy: 'network-only' },
        )
        .toPromise(),
    [client, registry, model, tag, orderKey],
  );

  // A new query (model, sort, tag) starts from one page; a refresh keeps what was loaded.
  const queryKey = `${registry}/${model}|${orderKey}|${tag ?? ''}`;
  const lastQueryKey = useRef(queryKey);
  useEffect(() => {
    const sameQuery = lastQueryKey.current === queryKey;
    lastQueryKey.current = queryKey;
    const first = sameQuery ? Math.min(Math.max(loaded.current, VERSIONS_PAGE), MAX_REFRESH) : VERSIONS_PAGE;
    const mine = ++generation.current;
    setState((s) => ({ ...(sameQuery ? s : EMPTY), fetching: true, error: null }));
    void fetchPage(first, null).then((result) => {
      if (mine !== generation.current) return;
      const versions = result.data?.model?.versions;
      const rows = versions?.edges.map((e) => e.node) ?? [];
      loaded.current = rows.length;
      setState({
        rows,
        totalCount: versions?.totalCount ?? 0,
        endCursor: versions?.pageInfo.endCursor ?? null,
        hasNextPage: versions?.pageInfo.hasNextPage ?? false,
        fetching: false,
        error: result.error ?? null,
      });
    });
  }, [queryKey, refreshKey, fetchPage]);

  const loadMore = useCallback(() => {
    if (!state.hasNextPage || state.fetching) return;
    const mine = generation.current;
    setState((s) => ({ ...s, fetching: true }));
    void fetchPage(VERSIONS_PAGE, state.endCursor).then((result) => {
      if (mine !== generation.current) return;
      const versions = result.data?.model?.versions;
      setState((s) => {
        const rows = [...s.rows, ...(versions?.edges.map((e) => e.node) ?? [])];
        loaded.current = rows.length;
        return {
          rows,
          totalCount: versions?.totalCount ?? s.totalCount,
          endCursor: versions?.pageInfo.endCursor ?? s.endCursor,
          hasNextPage: versions?.pageInfo.hasNextPage ?? false,
          fetching: false,
          error: result.error ?? null,
        };
      });
    });
  }, [state.hasNextPage, state.fetching, state.endCursor, fetchPage]);

  return { ...state, loadMore };
}
