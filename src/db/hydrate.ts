import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

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
