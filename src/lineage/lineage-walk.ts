import { enumOf } from '../common/enum-of';
import { BadInputError } from '../common/errors';
import { Database } from '../db/database';
import { RowBound } from '../db/dialect';
import { EdgeKind, NodeKind } from './lineage-edge.entity';

export const LINEAGE_DIRECTIONS = ['UPSTREAM', 'DOWNSTREAM', 'BOTH'] as const;
/** Which way a lineage request looks; also the GraphQL enum `LineageDirection` (lineage.types.ts). */
export const LineageDirection = enumOf(LINEAGE_DIRECTIONS);
export type LineageDirection = (typeof LINEAGE_DIRECTIONS)[number];
/** The way one walk goes along the edges: a LineageDirection of BOTH is two walks. */
export type EdgeDirection = Exclude<LineageDirection, 'BOTH'>;

export interface WalkedEdge {
  id: string;
  fromId: string;
  fromKind: NodeKind;
  fromRegistryId: string;
  toId: string;
  toKind: NodeKind;
  toRegistryId: string;
  kind: EdgeKind;
  depth: number;
}

export interface WalkOptions {
  depth: number;
  /** Registry ids whose nodes may be expanded; 'all' for no restriction. */
  expandable: string[] | 'all';
  /** At most this many edges come back (nearest first). */
  limit: number;
  /** Stops the statement after this long on MySQL/MariaDB (LINEAGE_STATEMENT_TIMEOUT_MS); 0 or absent: no bound. */
  timeoutMs?: number;
  /**
   * The most rows the recursion may produce (on SQLite), or produce per step (MariaDB), before it
   * stops (see walkSql). SQLite has no statement timeout, and better-sqlite3 runs on the event
   * loop: without a bound, one walk from a hub artifact used by every run held the whole server
   * for seconds; on MariaDB the same walk held a connection until the statement timeout.
   */
  maxRows?: number;
  /** MariaDB: the most rows one step of the recursion may add (default `maxRows`). */
  maxRowsPerStep?: number;
}

export interface Walk {
  /** Nearest first, at most `limit`. */
  edges: WalkedEdge[];
  /** The recursion produced `maxRows` rows or more, so it may have been stopped: the graph may be incomplete. */
  cut: boolean;
}

/**
 * One recursive statement walks the lineage graph from a node in one direction. UNION (not
 * UNION ALL) drops repeated rows, and the depth bound ends walks around cycles, on SQLite (which
 * has no CYCLE clause) and MySQL/MariaDB alike. A node in a registry the caller may not read is
 * returned as an endpoint but never expanded, so nothing behind it is revealed.
 *
 * The outer LIMIT only trims the answer; the work is the recursion, bounded by `maxRows` as the
 * dialect allows (its recursionBound, see RowBound in src/db/dialect). Rows come out breadth-first, so the nearest are kept. The first step
 * is limited too: SQLite queues all of it before the recursion's LIMIT applies (a hub used by
 * 47 000 runs took 135 ms with the first step unbounded), and on MariaDB a depth-20 walk from that
 * hub ran into the 5 s statement timeout until each step was bounded. `walked` (rows produced)
 * and `widest_step` (the most rows one step added) tell a cut walk from a complete one.
 */
export function walkSql(
  direction: EdgeDirection,
  expandable: string[] | 'all',
  timeout = { prefix: '', selectHint: '' },
  bound: RowBound = 'none',
): string {
  // Upstream follows edges backwards (to → from); downstream forwards.
  const [near, far] = direction === 'UPSTREAM' ? ['to', 'from'] : ['from', 'to'];
  const cols = 'e.id, e.from_id, e.from_kind, e.from_registry_id, e.to_id, e.to_kind, e.to_registry_id, e.kind';
  // A step limited on its own (MariaDB) must count distinct edges: a node reached by several
  // edges at one depth would otherwise repeat each edge leaving it, and the repeats would fill the
  // LIMIT while real edges were cut, unseen by widest_step. So it steps from the distinct frontier
  // (SQLite refuses a recursive reference inside a subquery, and needs no such thing).
  const frontier =
    bound === 'per-step' ? `(SELECT DISTINCT f.${far}_id, f.${far}_registry_id, f.depth FROM walk f) w` : 'walk w';
  const gate =
    expandable === 'all'
      ? ''
      : expandable.length === 0
        ? 'AND 1 = 0'
        : `AND w.${far}_registry_id IN (${expandable.map(() => '?').join(', ')})`;
  const firstStep =
    bound === 'none'
      ? `SELECT ${cols}, 1 FROM lineage_edge e WHERE e.${near}_id = ?`
      : `SELECT * FROM (SELECT ${cols}, 1 AS depth FROM lineage_edge e WHERE e.${near}_id = ? LIMIT ?) first_step`;
  const widestStep =
    bound === 'per-step'
      ? ', (SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM walk GROUP BY depth) steps) AS widest_step'
      : '';
  return `${timeout.prefix}
    WITH RECURSIVE walk (id, from_id, from_kind, from_registry_id, to_id, to_kind, to_registry_id, kind, depth) AS (
      ${firstStep}
      UNION
      ${bound === 'per-step' ? '(' : ''}SELECT ${cols}, w.depth + 1
      FROM ${frontier} JOIN lineage_edge e ON e.${near}_id = w.${far}_id
      WHERE w.depth < ? ${gate}
      ${bound === 'none' ? '' : 'LIMIT ?'}${bound === 'per-step' ? ')' : ''}
    )
    SELECT ${timeout.selectHint} id, from_id, from_kind, from_registry_id, to_id, to_kind, to_registry_id, kind,
      MIN(depth) AS depth, SUM(COUNT(*)) OVER () AS walked${widestStep}
    FROM walk
    GROUP BY id, from_id, from_kind, from_registry_id, to_id, to_kind, to_registry_id, kind
    ORDER BY depth, id
    LIMIT ?`;
}

export async function walk(db: Database, rootId: string, direction: EdgeDirection, opts: WalkOptions): Promise<Walk> {
  const bound = opts.maxRows === undefined ? 'none' : db.dialect.recursionBound;
  const perStep = opts.maxRowsPerStep ?? opts.maxRows!;
  const rowLimit = bound === 'none' ? [] : [bound === 'per-step' ? perStep : opts.maxRows];
  const params: unknown[] = [
    rootId,
    ...rowLimit,
    opts.depth,
    ...(opts.expandable === 'all' ? [] : opts.expandable),
    ...rowLimit,
    opts.limit,
  ];
  const timeoutMs = opts.timeoutMs ?? 0;
  let rows: Record<string, unknown>[];
  try {
    rows = await db.ds.query(
      walkSql(direction, opts.expandable, db.dialect.statementTimeout(timeoutMs), bound),
      params,
    );
  } catch (err) {
    // The client's question was too big for the time allowed; a smaller depth may answer it.
    if (db.dialect.isStatementTimeout(err)) {
      throw new BadInputError(
        `The lineage walk took longer than LINEAGE_STATEMENT_TIMEOUT_MS (${timeoutMs} ms) and was stopped; ask for a smaller depth.`,
        'depth',
      );
    }
    throw err;
  }
  // Cut when the recursion reached its bound: in all (SQLite), or in some step (MariaDB).
  const cut =
    rows.length > 0 &&
    (bound === 'whole'
      ? Number(rows[0].walked) >= opts.maxRows!
      : bound === 'per-step' && Number(rows[0].widest_step) >= perStep);
  // Raw rows: MariaDB returns depth as a number or string depending on the aggregate; map once here.
  const edges = rows.map((r) => ({
    id: String(r.id),
    fromId: String(r.from_id),
    fromKind: r.from_kind as NodeKind,
    fromRegistryId: String(r.from_registry_id),
    toId: String(r.to_id),
    toKind: r.to_kind as NodeKind,
    toRegistryId: String(r.to_registry_id),
    kind: r.kind as EdgeKind,
    depth: Number(r.depth),
  }));
  return { edges, cut };
}
