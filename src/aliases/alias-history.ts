import { EntityManager } from 'typeorm';
import { hydrate } from '../db/hydrate';
import { Dialect } from '../db/dialect';
import { VersionEntity } from '../versions/version.entity';
import { AliasEventEntity } from './alias-event.entity';

/**
 * Point-in-time questions, answered from the alias history alone: each alias event says where an
 * alias pointed from its `at` on, so "where did X point at T" is the newest event of X at or
 * before T. The history is keyed by model id (renames keep it), records `latest` like any alias
 * (so `latest` at T is answered the same way), and is never rewritten by archiving, restoring or
 * deleting a version. Each question is one statement that seeks on ix_alias_event_model_alias_at.
 */

/**
 * The event that put each alias of a model where it was at `time`, for the aliases that pointed
 * somewhere then (an alias removed before `time` is left out), by name. ROW_NUMBER over the
 * (model, alias, at, id) index: one pass over the model's events up to `time`.
 */
export async function aliasEventsAt(
  em: EntityManager,
  dialect: Dialect,
  modelId: string,
  time: Date,
): Promise<AliasEventEntity[]> {
  const at = em.connection.driver.escape('at');
  const rows: Record<string, unknown>[] = await em.query(
    `SELECT x.* FROM (
       SELECT e.*, ROW_NUMBER() OVER (PARTITION BY e.alias ORDER BY e.${at} DESC, e.id DESC) AS newest
       FROM alias_event e WHERE e.model_id = ? AND e.${at} <= ?
     ) x WHERE x.newest = 1 AND x.to_version_id IS NOT NULL ORDER BY x.alias`,
    [modelId, dialect.timestamp(time)],
  );
  return rows.map((r) => hydrate(em.connection, AliasEventEntity, r));
}

/** What `registry/model:alias` resolved to at a time, found by names in one statement. */
export interface AliasAt {
  registryId: string;
  modelId: string;
  /** The version the alias pointed at; null if it had been removed by then. */
  versionNumber: number | null;
  /** That version's row; null if removed, or if the version has been deleted since. */
  version: VersionEntity | null;
}

/**
 * The newest event of one alias at or before `time`, with the version it pointed at, joined from
 * the registry and model names. Null when the registry, model or any event before `time` is
 * missing (the caller then finds out which).
 */
export async function aliasAt(
  em: EntityManager,
  dialect: Dialect,
  registryName: string,
  modelName: string,
  alias: string,
  time: Date,
): Promise<AliasAt | null> {
  const at = em.connection.driver.escape('at');
  const rows: Record<string, unknown>[] = await em.query(
    `SELECT v.*, e.to_version_number AS at_version_number, m.id AS at_model_id, r.id AS at_registry_id
     FROM registry r
     JOIN registered_model m ON m.registry_id = r.id
     JOIN alias_event e ON e.model_id = m.id
     LEFT JOIN model_version v ON v.id = e.to_version_id
     WHERE r.name = ? AND m.name = ? AND e.alias = ? AND e.${at} <= ?
     ORDER BY e.${at} DESC, e.id DESC LIMIT 1`,
    [registryName, modelName, alias, dialect.timestamp(time)],
  );
  if (rows.length === 0) return null;
  const row = rows[0];
  return {
    registryId: String(row.at_registry_id),
    modelId: String(row.at_model_id),
    versionNumber: row.at_version_number == null ? null : Number(row.at_version_number),
    version: row.id == null ? null : hydrate(em.connection, VersionEntity, row),
  };
}
