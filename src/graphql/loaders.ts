import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { AliasEntity } from '../aliases/alias.entity';
import { AliasChangeApprovalEntity } from '../aliases/change-request.entity';
import { LineageEdgeEntity } from '../lineage/lineage-edge.entity';
import { RunEntity } from '../lineage/run.entity';
import { ArtifactEntity } from '../lineage/artifact.entity';
import { Database } from '../db/database';
import { findWhereIn, findWhereInCapped, hydrate, prefixedColumns } from '../db/hydrate';
import { MAX_PAGE } from '../common/pagination';
import { ModelEntity } from '../models/model.entity';
import { ModelCache, ModelRef } from '../models/model-cache';
import { RegistryEntity } from '../registry/registry.entity';
import { VersionRef } from '../versions/version-ref';
import { VersionEntity } from '../versions/version.entity';
import { WebhookEntity } from '../webhooks/webhook.entity';

/**
 * Per-request batching: every field that resolves a related object or list for many parents goes
 * through one of these, so a page of 50 costs the same number of statements as a page of 5.
 * Made fresh per request, so nothing cached outlives the request or leaks between callers.
 */
export interface Loaders {
  registry: DataLoader<string, RegistryEntity | null>;
  model: DataLoader<string, ModelEntity | null>;
  version: DataLoader<string, VersionEntity | null>;
  /**
   * All aliases of a model, `latest` included, by name, with the versions they point at, through the model cache (by the model's id and
   * revision): a model page read again costs no statement for them until the model changes.
   */
  aliasesWithVersions: DataLoader<ModelRef, ModelAliases, string>;
  /**
   * Downloads of a version, read per request: the count moves on every download outside the change
   * seam, so it is never served from the model cache with the rest of the row.
   */
  downloadCount: DataLoader<string, number>;
  /** Alias names that point at a version. */
  aliasNamesOfVersion: DataLoader<string, string[]>;
  /** The run that produced a version (its PRODUCED edge), if recorded. */
  producingRun: DataLoader<string, RunEntity | null>;
  /** Lineage edges into a node, and out of it (Run.inputs/outputs, Artifact.producedBy/usedBy): the first MAX_PAGE of each. */
  edgesTo: DataLoader<string, LineageEdgeEntity[]>;
  edgesFrom: DataLoader<string, LineageEdgeEntity[]>;
  run: DataLoader<string, RunEntity | null>;
  artifact: DataLoader<string, ArtifactEntity | null>;
  webhook: DataLoader<string, WebhookEntity | null>;
  /** A version by model and parsed reference, for `version(ref:)` on every model of a page. */
  versionByRef: DataLoader<{ modelId: string; ref: VersionRef }, VersionEntity | null, string>;
  /** A change request's approvals, oldest first. */
  approvalsOfRequest: DataLoader<string, AliasChangeApprovalEntity[]>;
}

function byId<T extends { id: string }>(load: (ids: string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await load([...ids]);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

function grouped<T>(key: (row: T) => string, load: (ids: string[]) => Promise<T[]>) {
  return new DataLoader<string, T[]>(async (ids) => {
    const groups = new Map<string, T[]>(ids.map((id) => [id, []]));
    for (const row of await load([...ids])) groups.get(key(row))?.push(row);
    return ids.map((id) => groups.get(id)!);
  });
}

export interface ModelAliases {
  aliases: AliasEntity[];
  /** The versions the aliases point at. */
  versions: VersionEntity[];
}

/**
 * Makes the request loaders of one server: call the result once per request. Each loader is built
 * on first use (a getter on a prototype shared by all requests), so a request that needs none,
 * like the deploy path, builds none.
 */
export function loaderFactory(db: Database, cache: ModelCache): () => Loaders {
  const factories = loaderFactories(db, cache);
  const prototype = {};
  for (const [name, make] of Object.entries(factories) as [keyof Loaders, (loaders: Loaders) => unknown][]) {
    Object.defineProperty(prototype, name, {
      get(this: Loaders) {
        const loader = make(this);
        Object.defineProperty(this, name, { value: loader, enumerable: true });
        return loader;
      },
    });
  }
  return () => Object.create(prototype) as Loaders;
}

/** Each loader's maker, given the request's other loaders (the version loader reads through the model loader). */
function loaderFactories(db: Database, cache: ModelCache): { [K in keyof Loaders]: (loaders: Loaders) => Loaders[K] } {
  const em = db.manager;
  return {
    aliasesWithVersions: () =>
      new DataLoader(
        (models) =>
          cache.getMany(models, 'aliases', async (missing) => {
            const aliases = await findWhereIn(
              em,
              AliasEntity,
              'modelId',
              missing.map((m) => m.id),
              'name',
            );
            const versionIds = [...new Set(aliases.map((a) => a.versionId))];
            const versions = new Map((await findWhereIn(em, VersionEntity, 'id', versionIds)).map((v) => [v.id, v]));
            return missing.map((m) => {
              const own = aliases.filter((a) => a.modelId === m.id);
              return { aliases: own, versions: own.flatMap((a) => versions.get(a.versionId) ?? []) };
            });
          }),
        { cacheKeyFn: (m) => `${m.id}:${m.revision}` },
      ),
    registry: () => byId((ids) => findWhereIn(em, RegistryEntity, 'id', ids)),
    model: () => byId((ids) => findWhereIn(em, ModelEntity, 'id', ids)),
    version: (loaders) => versionLoader(db, cache, loaders),
    downloadCount: () =>
      new DataLoader(async (ids) => {
        // The one column, not whole rows: a page of 50 asks for it on every read.
        const rows: { id: string; download_count: number | string }[] = await em.query(
          `SELECT id, download_count FROM model_version WHERE id IN (${ids.map(() => '?').join(', ')})`,
          [...ids],
        );
        const counts = new Map(rows.map((r) => [String(r.id), Number(r.download_count)]));
        return ids.map((id) => counts.get(id) ?? 0);
      }),
    aliasNamesOfVersion: () =>
      new DataLoader(async (ids) => {
        const rows = await findWhereIn(em, AliasEntity, 'versionId', ids, 'name');
        const groups = new Map<string, string[]>(ids.map((id) => [id, []]));
        for (const r of rows) groups.get(r.versionId)?.push(r.name);
        return ids.map((id) => groups.get(id)!);
      }),
    producingRun: () =>
      new DataLoader(async (versionIds) => {
        const edges = await em.find(LineageEdgeEntity, {
          where: { toId: In([...versionIds]), kind: 'PRODUCED', fromKind: 'RUN' },
        });
        const runs = edges.length ? await em.findBy(RunEntity, { id: In(edges.map((e) => e.fromId)) }) : [];
        const runById = new Map(runs.map((r) => [r.id, r]));
        const byVersion = new Map(edges.map((e) => [e.toId, runById.get(e.fromId) ?? null]));
        return versionIds.map((id) => byVersion.get(id) ?? null);
      }),
    run: () => byId((ids) => findWhereIn(em, RunEntity, 'id', ids)),
    artifact: () => byId((ids) => findWhereIn(em, ArtifactEntity, 'id', ids)),
    webhook: () => byId((ids) => findWhereIn(em, WebhookEntity, 'id', ids)),
    edgesTo: () =>
      grouped(
        (e) => e.toId,
        (ids) => findWhereInCapped(em, LineageEdgeEntity, 'toId', ids, 'id', MAX_PAGE),
      ),
    edgesFrom: () =>
      grouped(
        (e) => e.fromId,
        (ids) => findWhereInCapped(em, LineageEdgeEntity, 'fromId', ids, 'id', MAX_PAGE),
      ),
    approvalsOfRequest: () =>
      grouped(
        (a) => a.changeRequestId,
        (ids) => findWhereIn(em, AliasChangeApprovalEntity, 'changeRequestId', ids, 'at'),
      ),
    versionByRef: () =>
      new DataLoader(loadVersionsByRef(db), {
        cacheKeyFn: (k) => `${k.modelId}:${k.ref.kind === 'number' ? `v${k.ref.number}` : k.ref.alias}`,
      }),
  };
}

/**
 * Versions by id, their rows through the model cache: a version whose row is cached costs no
 * statement of its own once its model's row (read per request, through the request's model
 * loader: the revision check) shows the revision it was cached at. The rest are read in one
 * statement with their models' rows, which primes the model loader, so a batch of versions costs
 * two statements with their models when all or none of it is cached, three or four for a mix:
 * never more with its size (`_entities`, `node`, lineage).
 */
function versionLoader(db: Database, cache: ModelCache, loaders: Loaders): DataLoader<string, VersionEntity | null> {
  return new DataLoader(async (ids) => {
    const found = new Map<string, VersionEntity>();
    const readWithModels = async (versionIds: string[]) => {
      const stamp = cache.stamp();
      const rows: Record<string, unknown>[] = await db.manager.query(
        versionsWithModelsSql(db, versionIds.length),
        versionIds,
      );
      for (const row of rows) {
        const model = hydrate(db.ds, ModelEntity, row, MODEL_PREFIX);
        loaders.model.prime(model.id, model);
        const version = hydrate(db.ds, VersionEntity, row);
        found.set(version.id, cache.keepVersionRow(model, version, stamp));
      }
    };
    const cachedIn = new Map<string, string>();
    const unknown: string[] = [];
    for (const id of ids) {
      const modelId = cache.modelOfVersion(id);
      if (modelId) cachedIn.set(id, modelId);
      else unknown.push(id);
    }
    if (unknown.length) await readWithModels(unknown);
    if (cachedIn.size) {
      const models = new Map<string, ModelEntity>();
      for (const m of await loaders.model.loadMany([...new Set(cachedIn.values())]))
        if (m && !(m instanceof Error)) models.set(m.id, m);
      const stale: string[] = [];
      for (const [id, modelId] of cachedIn) {
        const model = models.get(modelId);
        // No model: it was deleted, and its versions with it.
        const row = model && cache.versionRow<VersionEntity>(model, id);
        if (row) found.set(id, row);
        else if (model) stale.push(id);
      }
      if (stale.length) await readWithModels(stale);
    }
    return ids.map((id) => found.get(id) ?? null);
  });
}

const MODEL_PREFIX = 'm__';
const versionsWithModelsSqlCache = new Map<number, string>();
function versionsWithModelsSql(db: Database, n: number): string {
  let sql = versionsWithModelsSqlCache.get(n);
  if (!sql) {
    sql =
      `SELECT v.*, ${prefixedColumns(db.ds, ModelEntity, 'm', MODEL_PREFIX)} ` +
      `FROM model_version v JOIN registered_model m ON m.id = v.model_id WHERE v.id IN (${Array(n).fill('?').join(', ')})`;
    if (versionsWithModelsSqlCache.size < 200) versionsWithModelsSqlCache.set(n, sql);
  }
  return sql;
}

/** At most two statements for any number of (model, ref) keys: one for numbers, one for aliases. */
function loadVersionsByRef(db: Database) {
  return async (keys: readonly { modelId: string; ref: VersionRef }[]): Promise<(VersionEntity | null)[]> => {
    const em = db.manager;
    const numbered = keys.filter((k) => k.ref.kind === 'number');
    const aliased = keys.filter((k) => k.ref.kind === 'alias');
    const byNumber = new Map<string, VersionEntity>();
    const byAlias = new Map<string, VersionEntity>();
    if (numbered.length) {
      const numbers = numbered.map((k) => (k.ref.kind === 'number' ? k.ref.number : -1));
      const rows = await em.findBy(VersionEntity, {
        modelId: In(numbered.map((k) => k.modelId)),
        number: In(numbers),
      });
      rows.forEach((v) => byNumber.set(`${v.modelId}:${v.number}`, v));
    }
    if (aliased.length) {
      const names = aliased.map((k) => (k.ref.kind === 'alias' ? k.ref.alias : ''));
      const { entities, raw } = await em
        .getRepository(VersionEntity)
        .createQueryBuilder('v')
        .innerJoin(AliasEntity, 'a', 'a.versionId = v.id')
        .addSelect('a.name', 'alias_name')
        .where('a.modelId IN (:...models) AND a.name IN (:...names)', {
          models: aliased.map((k) => k.modelId),
          names,
        })
        .getRawAndEntities<{ v_id: string; alias_name: string }>();
      const version = new Map(entities.map((v) => [v.id, v]));
      raw.forEach((r) => {
        const v = version.get(r.v_id);
        if (v) byAlias.set(`${v.modelId}:${r.alias_name}`, v);
      });
    }
    return keys.map(
      (k) =>
        (k.ref.kind === 'number'
          ? byNumber.get(`${k.modelId}:${k.ref.number}`)
          : byAlias.get(`${k.modelId}:${k.ref.alias}`)) ?? null,
    );
  };
}
