import { SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { enumOf } from './enum-of';
import { BadInputError } from './errors';
import { Database } from '../db/database';

/**
 * Keyset (seek) pagination: a page continues strictly after the last row of the previous one by
 * comparing the ordering columns, so page N costs what page 1 does and no row is skipped or
 * repeated when rows are inserted between requests. Cursors are opaque to clients; they carry the
 * order they were made for, and a cursor used with another order, or forged, is BAD_USER_INPUT.
 */

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

export type SortValue = string | number;
/** Ascending or descending, as SQL spells it; also the GraphQL enum `OrderDirection` (model.types.ts). */
export const OrderDirection = enumOf(['ASC', 'DESC']);
export type OrderDirection = keyof typeof OrderDirection;

export interface KeysetColumn<T> {
  /** SQL expression to order by, e.g. `v.number`. */
  expr: string;
  dir: OrderDirection;
  kind: 'string' | 'number' | 'timestamp';
  /** Reads the column's value from a fetched row, for the cursor. */
  value: (row: T) => SortValue | Date;
}

export interface KeysetOrder<T> {
  /** Names the order inside cursors, e.g. `name:ASC`. */
  key: string;
  /** The last column must be unique within the list, so the order is total. */
  columns: KeysetColumn<T>[];
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  items: T[];
  cursors: string[];
  hasNextPage: boolean;
  /** Counts every row matching the list's filter; run only if a client asks for totalCount. */
  count: () => Promise<number>;
}

export function pageSize(first: number | null | undefined): number {
  if (first === undefined || first === null) return DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
    throw new BadInputError(`"first" must be between 0 and ${MAX_PAGE}; got ${first}.`, 'first');
  }
  return first;
}

export function encodeCursor<T>(order: KeysetOrder<T>, values: SortValue[]): string {
  return Buffer.from(JSON.stringify({ o: order.key, v: values }), 'utf8').toString('base64url');
}

export function decodeCursor<T>(after: string, order: KeysetOrder<T>): SortValue[] {
  let parsed: { o?: unknown; v?: unknown } | null;
  try {
    parsed = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw new BadInputError('"after" is not a cursor this server issued.', 'after');
  }
  const values = parsed?.v;
  const wellFormed =
    parsed?.o === order.key &&
    Array.isArray(values) &&
    values.length === order.columns.length &&
    order.columns.every((c, i) => {
      if (c.kind === 'string') return typeof values[i] === 'string';
      // ECMAScript dates span ±8.64e15 ms; anything else is not a time this server wrote.
      if (c.kind === 'timestamp') return Number.isSafeInteger(values[i]) && Math.abs(values[i] as number) <= 8.64e15;
      return Number.isFinite(values[i]);
    });
  if (!wellFormed)
    throw new BadInputError('"after" is not a cursor for this list and order; start again without it.', 'after');
  return values as SortValue[];
}

function cursorValue(v: SortValue | Date): SortValue {
  return v instanceof Date ? v.getTime() : v;
}

/**
 * Adds the order and, given a cursor, the seek condition
 * `(c1 > v1) OR (c1 = v1 AND c2 > v2) OR …` (with `<` for descending columns).
 */
function applyKeyset<T extends ObjectLiteral>(
  db: Database,
  qb: SelectQueryBuilder<T>,
  order: KeysetOrder<T>,
  after: SortValue[] | null,
): void {
  order.columns.forEach((c, i) => (i === 0 ? qb.orderBy(c.expr, c.dir) : qb.addOrderBy(c.expr, c.dir)));
  if (!after) return;
  const params: Record<string, unknown> = {};
  const toParam = (c: KeysetColumn<T>, v: SortValue) =>
    c.kind === 'timestamp' ? db.dialect.timestamp(new Date(v)) : v;
  order.columns.forEach((c, i) => (params[`ks${i}`] = toParam(c, after[i])));
  const disjuncts = order.columns.map((c, i) => {
    const equal = order.columns.slice(0, i).map((p, j) => `${p.expr} = :ks${j}`);
    return `(${[...equal, `${c.expr} ${c.dir === 'ASC' ? '>' : '<'} :ks${i}`].join(' AND ')})`;
  });
  qb.andWhere(`(${disjuncts.join(' OR ')})`, params);
}

/** Runs one SELECT for a page (one row more than asked, to learn whether there is a next page). */
export async function fetchPage<T extends ObjectLiteral>(
  db: Database,
  qb: SelectQueryBuilder<T>,
  order: KeysetOrder<T>,
  args: PageArgs,
): Promise<Page<T>> {
  const size = pageSize(args.first);
  const after = args.after ? decodeCursor(args.after, order) : null;
  const countQb = qb.clone();
  applyKeyset(db, qb, order, after);
  const rows = await qb.take(size + 1).getMany();
  const items = rows.slice(0, size);
  return {
    items,
    cursors: items.map((row) =>
      encodeCursor(
        order,
        order.columns.map((c) => cursorValue(c.value(row))),
      ),
    ),
    hasNextPage: rows.length > size,
    count: () => countQb.getCount(),
  };
}
