import { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * A raw row (`SELECT t.*`) as an entity, converted column by column the way TypeORM converts its
 * own results (JSON text on SQLite, dates, booleans), through the driver's own conversion. For the
 * few hot paths that run hand-written SQL: building a query with TypeORM's QueryBuilder cost
 * three times the SQLite statement it produced on the deploy path (profiled under `npm run bench`).
 */
export function hydrate<T extends ObjectLiteral>(
  ds: DataSource,
  entity: EntityTarget<T>,
  row: Record<string, unknown>,
  /** Read the columns named `<prefix><column>` (see prefixedColumns): a joined table's row. */
  prefix = '',
): T {
  return hydrateWith<T>(ds, ds.getMetadata(entity), row, prefix);
}

function hydrateWith<T>(ds: DataSource, meta: EntityMetadata, row: Record<string, unknown>, prefix = ''): T {
  const out = meta.create() as Record<string, unknown>;
  for (const column of meta.columns)
    out[column.propertyName] = ds.driver.prepareHydratedValue(row[prefix + column.databaseName], column);
  return out as T;
}

/**
 * `a.c1 AS <prefix>c1, a.c2 AS <prefix>c2, …` for every column of an entity whose table is joined
 * as `alias`: two tables' rows in one result row, each hydrated with its prefix.
 */
export function prefixedColumns<T extends ObjectLiteral>(
  ds: DataSource,
  entity: EntityTarget<T>,
  alias: string,
  prefix: string,
): string {
  const e = (name: string) => ds.driver.escape(name);
  return ds
    .getMetadata(entity)
    .columns.map((c) => `${alias}.${e(c.databaseName)} AS ${e(prefix + c.databaseName)}`)
    .join(', ');
}

/** An entity's table and columns as escaped SQL names, and its rows as entities: looked up once per query. */
function tableOf<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>) {
  const ds = em.connection;
  const meta = ds.getMetadata(entity);
  return {
    table: ds.driver.escape(meta.tableName),
    column: (property: keyof T & string) => ds.driver.escape(meta.findColumnWithPropertyName(property)!.databaseName),
    entities: (rows: Record<string, unknown>[]) => rows.map((row) => hydrateWith<T>(ds, meta, row)),
  };
}

const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/**
 * `SELECT * FROM <entity's table> WHERE <property's column> IN (…) [ORDER BY <property's column>]`,
 * hydrated: the batch query of the request loaders, written out for the reason above.
 */
export async function findWhereIn<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  property: keyof T & string,
  values: readonly unknown[],
  orderBy?: keyof T & string,
): Promise<T[]> {
  if (values.length === 0) return [];
  const t = tableOf(em, entity);
  const order = orderBy ? ` ORDER BY ${t.column(orderBy)}` : '';
  return t.entities(
    await em.query(`SELECT * FROM ${t.table} WHERE ${t.column(property)} IN (${placeholders(values)})${order}`, [
      ...values,
    ]),
  );
}

/**
 * Like findWhereIn, but at most `perKey` rows for each value of `property` (the first ones by
 * `orderBy`): a hub artifact used by 50 000 runs must not load all of them to show a page.
 */
export async function findWhereInCapped<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  property: keyof T & string,
  values: readonly unknown[],
  orderBy: keyof T & string,
  perKey: number,
): Promise<T[]> {
  if (values.length === 0) return [];
  const t = tableOf(em, entity);
  const sql = `SELECT * FROM (
      SELECT t.*, ROW_NUMBER() OVER (PARTITION BY ${t.column(property)} ORDER BY ${t.column(orderBy)}) AS row_in_key
      FROM ${t.table} t WHERE ${t.column(property)} IN (${placeholders(values)})
    ) capped WHERE row_in_key <= ? ORDER BY ${t.column(orderBy)}`;
  return t.entities(await em.query(sql, [...values, perKey]));
}
