import { EntityManager } from 'typeorm';
import { BadInputError, NotFoundError } from '../common/errors';
import { ALIAS_NAME, VERSION_NAME } from '../common/validate';
import { AliasEntity } from '../aliases/alias.entity';
import { ModelEntity } from '../models/model.entity';
import { hydrate } from '../db/hydrate';
import { ModelCache } from '../models/model-cache';
import { VersionEntity } from './version.entity';

/**
 * A version reference is `v<number>` or an alias name (`latest`, `production`, …); the printed
 * form of a whole reference is `registry/model:ref`, as in W&B.
 */
export type VersionRef = { kind: 'number'; number: number } | { kind: 'alias'; alias: string };

export function parseRef(ref: string, field = 'ref'): VersionRef {
  if (VERSION_NAME.test(ref)) return { kind: 'number', number: Number(ref.slice(1)) };
  if (ALIAS_NAME.test(ref) && !/^v[0-9]+$/i.test(ref)) return { kind: 'alias', alias: ref };
  throw new BadInputError(`"${ref}" is not a version reference: use v<number> (v0, v1, …) or an alias name.`, field);
}

/** Parses `v<n>` only: where a specific version is meant, not wherever an alias points. */
export function parseVersionNumber(ref: string, field: string): number {
  if (!VERSION_NAME.test(ref))
    throw new BadInputError(`"${ref}" is not a version name: use v<number> (v0, v1, …).`, field);
  return Number(ref.slice(1));
}

export function versionName(v: { number: number }): string {
  return `v${v.number}`;
}

/** One SELECT: a version by number, or the version an alias points at. */
export async function findByRef(em: EntityManager, modelId: string, ref: VersionRef): Promise<VersionEntity | null> {
  if (ref.kind === 'number') return em.findOneBy(VersionEntity, { modelId, number: ref.number });
  return em
    .getRepository(VersionEntity)
    .createQueryBuilder('v')
    .innerJoin(AliasEntity, 'a', 'a.versionId = v.id')
    .where('a.modelId = :modelId AND a.name = :name', {
      modelId,
      name: ref.alias,
    })
    .getOne();
}

export async function getByRef(
  em: EntityManager,
  model: ModelEntity,
  ref: string,
  field = 'ref',
): Promise<VersionEntity> {
  const version = await findByRef(em, model.id, parseRef(ref, field));
  if (!version) throw new NotFoundError(`Version "${model.name}:${ref}" was not found.`);
  return version;
}

/**
 * `registry/model:ref` to a version in one SELECT, with the id of the registry it is in (so the
 * caller's access can be decided). This is the deploy path: systems resolve `:production` on
 * every rollout and health check, so the SQL is written out and the row converted directly
 * (see db/hydrate). Null when anything along the way is missing.
 */
export async function resolveRef(
  em: EntityManager,
  registryName: string,
  modelName: string,
  ref: VersionRef,
  cache: ModelCache,
): Promise<{ version: VersionEntity; registryId: string } | null> {
  const stamp = cache.stamp();
  const rows: Record<string, unknown>[] = await em.query(ref.kind === 'number' ? RESOLVE_NUMBER : RESOLVE_ALIAS, [
    registryName,
    modelName,
    ref.kind === 'number' ? ref.number : ref.alias,
  ]);
  if (rows.length === 0) return null;
  // The row and its model's revision come from one statement: a version cached at that revision
  // is the same row, already built (the model cache's rule).
  const model = { id: String(rows[0].model_id), revision: Number(rows[0].resolved_model_revision) };
  const version =
    cache.versionRow<VersionEntity>(model, String(rows[0].id)) ??
    cache.keepVersionRow(model, hydrate(em.connection, VersionEntity, rows[0]), stamp);
  return { version, registryId: String(rows[0].resolved_registry_id) };
}

const RESOLVE_FROM = `SELECT v.*, r.id AS resolved_registry_id, m.revision AS resolved_model_revision
  FROM registry r
  JOIN registered_model m ON m.registry_id = r.id
  JOIN model_version v ON v.model_id = m.id`;
const RESOLVE_NUMBER = `${RESOLVE_FROM} WHERE r.name = ? AND m.name = ? AND v.number = ?`;
const RESOLVE_ALIAS =
  `${RESOLVE_FROM} JOIN model_alias a ON a.model_id = m.id AND a.version_id = v.id ` +
  'WHERE r.name = ? AND m.name = ? AND a.name = ?';
