import { EntityManager } from 'typeorm';
import { BadInputError, NotFoundError } from '../common/errors';
import { ALIAS_NAME, VERSION_NAME } from '../common/validate';
import { AliasEntity } from '../aliases/alias.entity';
import { ModelEntity } from '../models/model.entity';
import { RegistryEntity } from '../registry/registry.entity';
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
  if (!VERSION_NAME.test(ref)) throw new BadInputError(`"${ref}" is not a version name: use v<number> (v0, v1, …).`, field);
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
    .where('a.modelId = :modelId AND a.name = :name', { modelId, name: ref.alias })
    .getOne();
}

export async function getByRef(em: EntityManager, model: ModelEntity, ref: string, field = 'ref'): Promise<VersionEntity> {
  const version = await findByRef(em, model.id, parseRef(ref, field));
  if (!version) throw new NotFoundError(`Version "${model.name}:${ref}" was not found.`);
  return version;
}

/**
 * `registry/model:ref` to a version in one SELECT, with the id of the registry it is in (so the
 * caller's access can be decided). This is the deploy path: systems resolve `:production` on
 * every rollout and health check. Null when anything along the way is missing.
 */
export async function resolveRef(em: EntityManager, registryName: string, modelName: string, ref: VersionRef): Promise<{ version: VersionEntity; registryId: string } | null> {
  const qb = em
    .getRepository(VersionEntity)
    .createQueryBuilder('v')
    .innerJoin(ModelEntity, 'm', 'm.id = v.modelId')
    .innerJoin(RegistryEntity, 'r', 'r.id = m.registryId')
    .addSelect('r.id', 'registry_id')
    .where('r.name = :registryName AND m.name = :modelName', { registryName, modelName });
  if (ref.kind === 'number') qb.andWhere('v.number = :number', { number: ref.number });
  else qb.innerJoin(AliasEntity, 'a', 'a.versionId = v.id AND a.modelId = m.id').andWhere('a.name = :alias', { alias: ref.alias });
  const { entities, raw } = await qb.getRawAndEntities<{ registry_id: string }>();
  return entities.length ? { version: entities[0], registryId: String(raw[0].registry_id) } : null;
}
