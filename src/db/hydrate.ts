import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * A raw row (`SELECT t.*`) as an entity, converted column by column the way TypeORM converts its
 * own results (JSON text on SQLite, dates, booleans), through the driver's own conversion. For the
 * few hot paths that run hand-written SQL: building a query with TypeORM's QueryBuilder cost
 * three times the SQLite statement it produced on the deploy path (profiled under `npm run bench`).
 */
export function hydrate<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>, row: Record<string, unknown>): T {
  const meta = ds.getMetadata(entity);
  const out = meta.create() as Record<string, unknown>;
  for (const column of meta.columns) out[column.propertyName] = ds.driver.prepareHydratedValue(row[column.databaseName], column);
  return out as T;
}

/**
 * `SELECT * FROM <entity's table> WHERE <property's column> IN (…) [ORDER BY <property's column>]`,
 * hydrated: the batch query of the request loaders, written out for the reason above.
 */
export async function findWhereIn<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, property: keyof T & string, values: readonly unknown[], orderBy?: keyof T & string): Promise<T[]> {
  if (values.length === 0) return [];
  const meta = em.connection.getMetadata(entity);
  const column = (name: string) => em.connection.driver.escape(meta.findColumnWithPropertyName(name)!.databaseName);
  const order = orderBy ? ` ORDER BY ${column(orderBy)}` : '';
  const sql = `SELECT * FROM ${em.connection.driver.escape(meta.tableName)} WHERE ${column(property)} IN (${values.map(() => '?').join(', ')})${order}`;
  const rows: Record<string, unknown>[] = await em.query(sql, [...values]);
  return rows.map((row) => hydrate(em.connection, entity, row));
}

/**
 * Like findWhereIn, but at most `perKey` rows for each value of `property` (the first ones by
 * `orderBy`): a hub artifact used by 50 000 runs must not load all of them to show a page.
 */
export async function findWhereInCapped<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, property: keyof T & string, values: readonly unknown[], orderBy: keyof T & string, perKey: number): Promise<T[]> {
  if (values.length === 0) return [];
  const meta = em.connection.getMetadata(entity);
  const column = (name: string) => em.connection.driver.escape(meta.findColumnWithPropertyName(name)!.databaseName);
  const sql = `SELECT * FROM (
      SELECT t.*, ROW_NUMBER() OVER (PARTITION BY ${column(property)} ORDER BY ${column(orderBy)}) AS row_in_key
      FROM ${em.connection.driver.escape(meta.tableName)} t WHERE ${column(property)} IN (${values.map(() => '?').join(', ')})
    ) capped WHERE row_in_key <= ? ORDER BY ${column(orderBy)}`;
  const rows: Record<string, unknown>[] = await em.query(sql, [...values, perKey]);
  return rows.map((row) => hydrate(em.connection, entity, row));
}
