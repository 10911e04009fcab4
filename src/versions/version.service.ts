import { EntityManager, IsNull } from 'typeorm';
import { Authorizer } from '../access/authorizer';
import { Caller, Principal } from '../access/principal';
import { AliasService } from '../aliases/alias.service';
import { ChangeLog, changedFields } from '../changes';
import { ConflictError, NotFoundError } from '../common/errors';
import { enumOf } from '../common/enum-of';
import { fetchPage, KeysetOrder, Page, PageArgs, OrderDirection, pageSize } from '../common/pagination';
import { uuidv7 } from '../common/uuid';
import * as validate from '../common/validate';
import { Database, isUniqueViolation, RetryTransaction } from '../db/database';
import { jsonKeyPath } from '../db/dialect';
import { ModelEntity } from '../models/model.entity';
import { ModelCache } from '../models/model-cache';
import type { Loaders } from '../graphql/loaders';
import type { VersionRow } from './version.fields';
import { ModelService } from '../models/model.service';
import { RegistryEntity } from '../registry/registry.entity';
import { RegistryService } from '../registry/registry.service';
import { RunService } from '../lineage/run.service';
import { addEdge } from '../lineage/lineage-edges';
import { toGlobalId } from '../common/global-id';
import type { BlobService } from '../files/blob.service';
import { ArtifactParams, artifactColumns } from '../files/artifact-input';
import { aliasAt } from '../aliases/alias-history';
import { LineageEdgeEntity } from '../lineage/lineage-edge.entity';
import { digestsOf, unreferencedDigests } from './version-deletion';
import { getByRef, parseRef, parseVersionNumber, resolveRef, VersionRef, versionName } from './version-ref';
import { VersionEntity } from './version.entity';

export interface VersionDeletionOptions {
  /** An archived version may be deleted this many days after it was archived. */
  deleteAfterDays: number;
}

export interface DeletedVersionResult {
  version: VersionEntity;
  fullName: string;
  releasedDigests: string[];
}

const DAY_MS = 86_400_000;

export interface LinkVersionParams {
  registry: string;
  model: string;
  artifact: ArtifactParams;
  metadata?: Record<string, unknown> | null;
  metrics?: Record<string, unknown> | null;
  tags?: string[] | null;
  description?: string | null;
  aliases?: string[] | null;
  idempotencyKey?: string | null;
  /** Global id of the run that produced the artifact. */
  run?: string | null;
  /** Content identical to a version of the model that is not archived: answer that version, link nothing. */
  dedupe?: boolean | null;
}

export interface LinkResult {
  version: VersionEntity;
  model: ModelEntity;
  modelCreated: boolean;
  /** True when the idempotency key matched an earlier link: nothing new was written. */
  replayed: boolean;
  /** False when an earlier version was answered (an idempotency replay, or dedupe). */
  created: boolean;
}

export interface UpdateVersionParams {
  registry: string;
  model: string;
  version: string;
  description?: string | null;
  tags?: string[] | null;
  metadata?: Record<string, unknown> | null;
  metrics?: Record<string, unknown> | null;
}

/** What a version list may be ordered by; also the GraphQL enum `VersionOrderField` (version.types.ts). */
export const VersionOrderField = enumOf(['NUMBER', 'CREATED_AT', 'METRIC']);
export type VersionOrderField = keyof typeof VersionOrderField;

export interface VersionFilterParams {
  tag?: string | null;
  includeArchived?: boolean | null;
}

function versionSnapshot(v: VersionEntity) {
  return {
    version: versionName(v),
    description: v.description,
    tags: v.tags,
    metadata: v.metadata,
    metrics: v.metrics,
    archived: v.archivedAt !== null,
  };
}

/** A retried link must describe the same artifact; a key reused for another artifact is a client bug. */
function assertSameArtifact(
  earlier: VersionEntity,
  artifact: {
    artifactUri: string;
    artifactDigest: string;
    artifactSizeBytes: number;
  },
  key: string,
): void {
  if (
    earlier.artifactUri !== artifact.artifactUri ||
    earlier.artifactDigest !== artifact.artifactDigest ||
    earlier.artifactSizeBytes !== artifact.artifactSizeBytes
  ) {
    throw new ConflictError(
      `idempotencyKey "${key}" was already used for ${versionName(earlier)}, with a different artifact.`,
      { version: versionName(earlier) },
    );
  }
}

export class VersionService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly registries: RegistryService,
    private readonly models: ModelService,
    private readonly aliases: AliasService,
    private readonly runs: RunService,
    private readonly changes: ChangeLog,
    private readonly blobs: BlobService,
    private readonly deletion: VersionDeletionOptions,
    private readonly cache: ModelCache,
  ) {}

  async get(principal: Principal, registryName: string, modelName: string, ref: string): Promise<VersionEntity> {
    const hit = await resolveRef(this.db.manager, registryName, modelName, parseRef(ref), this.cache);
    if (hit && (await this.authz.can(principal, 'registry:read', { id: hit.registryId }))) return hit.version;
    // A miss, or a registry the caller may not read: the step-by-step path says which part is
    // missing, and that a registry they may not read does not exist.
    const model = await this.models.get(principal, registryName, modelName);
    return getByRef(this.db.manager, model, ref);
  }

  /**
   * `registry/model:ref` as it resolved at `time`. `v<n>` is that version if it existed then; an
   * alias (or `latest`) is where the alias history says it pointed then: archived versions too,
   * and the model's history whatever it is called now. A version deleted since is NOT_FOUND,
   * naming it.
   */
  async getAt(
    principal: Principal,
    registryName: string,
    modelName: string,
    ref: string,
    time: Date,
  ): Promise<VersionEntity> {
    const parsed = parseRef(ref);
    const when = time.toISOString();
    if (parsed.kind === 'number') {
      const version = await this.get(principal, registryName, modelName, ref).catch(async (err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err;
        // Numbers are never reused, so a missing one below the model's counter was deleted: say so,
        // as the alias path does. models.get first, so a model the caller may not read stays unnamed.
        const model = await this.models.get(principal, registryName, modelName);
        if (parsed.number < model.nextVersionNumber)
          throw new NotFoundError(`Version "${model.name}:${ref}" has been deleted.`);
        throw err;
      });
      if (version.createdAt > time) throw new NotFoundError(`Version "${modelName}:${ref}" did not exist at ${when}.`);
      return version;
    }
    const hit = await aliasAt(this.db.manager, this.db.dialect, registryName, modelName, parsed.alias, time);
    if (
      !hit ||
      !(await this.authz.can(principal, 'registry:read', {
        id: hit.registryId,
      }))
    ) {
      const model = await this.models.get(principal, registryName, modelName);
      throw new NotFoundError(`Alias "${model.name}:${parsed.alias}" did not exist at ${when}.`);
    }
    if (hit.versionNumber === null)
      throw new NotFoundError(`Alias "${modelName}:${parsed.alias}" had been removed at ${when}.`);
    if (!hit.version)
      throw new NotFoundError(
        `Alias "${modelName}:${parsed.alias}" pointed at v${hit.versionNumber} at ${when}; that version has been deleted.`,
      );
    return hit.version;
  }

  /** A version of a model the caller may read, through the request's batching loader. */
  async getIn(
    model: ModelEntity,
    ref: string,
    loader: {
      load(key: { modelId: string; ref: VersionRef }): Promise<VersionEntity | null>;
    },
  ): Promise<VersionEntity> {
    const version = await loader.load({
      modelId: model.id,
      ref: parseRef(ref),
    });
    if (!version) throw new NotFoundError(`Version "${model.name}:${ref}" was not found.`);
    return version;
  }

  /**
   * A page of a model's versions, each row carrying the alias names that point at it. Kept in the
   * model cache under the model's revision: a model page asked for again, by anyone who may read
   * the model, costs no statement until the model changes. `totalCount` is counted when asked,
   * never cached.
   */
  async list(
    model: ModelEntity,
    filter: VersionFilterParams,
    field: VersionOrderField,
    dir: OrderDirection,
    metric: string | null | undefined,
    args: PageArgs,
    loaders: Pick<Loaders, 'aliasNamesOfVersion'>,
  ): Promise<Page<VersionRow>> {
    const size = pageSize(args.first);
    const part = [
      'versions',
      filter.tag ?? '',
      filter.includeArchived ? 'all' : 'current',
      field,
      dir,
      field === 'METRIC' ? (metric ?? '') : '',
      size,
      args.after ?? '',
    ].join('\u0000');
    const cached = await this.cache.get(model, part, async () => {
      const qb = this.filtered(model, filter);
      const page = await fetchPage(this.db, qb, this.order(qb, field, dir, metric), args);
      const names = await loaders.aliasNamesOfVersion.loadMany(page.items.map((v) => v.id));
      const items: VersionRow[] = page.items.map((v, i) => {
        const aliasNames = names[i];
        if (aliasNames instanceof Error) throw aliasNames;
        return Object.assign(v, { aliasNames });
      });
      return { items, cursors: page.cursors, hasNextPage: page.hasNextPage };
    });
    return { ...cached, count: () => this.filtered(model, filter).getCount() };
  }

  private filtered(model: ModelEntity, filter: VersionFilterParams) {
    const qb = this.db.manager
      .getRepository(VersionEntity)
      .createQueryBuilder('v')
      .where('v.modelId = :modelId', { modelId: model.id });
    if (!filter.includeArchived) qb.andWhere('v.archivedAt IS NULL');
    if (filter.tag)
      qb.andWhere(this.db.dialect.jsonArrayContains('v.tags', 'tag'), {
        tag: filter.tag,
      });
    return qb;
  }

  private order(
    qb: { setParameter(k: string, v: unknown): unknown },
    field: VersionOrderField,
    dir: OrderDirection,
    metric: string | null | undefined,
  ): KeysetOrder<VersionEntity> {
    const number = {
      expr: 'v.number',
      dir,
      kind: 'number' as const,
      value: (v: VersionEntity) => v.number,
    };
    if (field === 'NUMBER') return { key: `version:number:${dir}`, columns: [number] };
    if (field === 'CREATED_AT') {
      // Ties broken by id, so the order is exactly the index ix_version_model_created.
      return {
        key: `version:created:${dir}`,
        columns: [
          {
            expr: 'v.createdAt',
            dir,
            kind: 'timestamp',
            value: (v) => v.createdAt,
          },
          { expr: 'v.id', dir, kind: 'string', value: (v) => v.id },
        ],
      };
    }
    const key = validate.metricName(metric, 'orderBy.metric');
    // Versions without the metric sort last either way: nulls become the far end of the range.
    const missing = dir === 'DESC' ? -Number.MAX_VALUE : Number.MAX_VALUE;
    qb.setParameter('metricPath', jsonKeyPath(key));
    qb.setParameter('metricMissing', missing);
    return {
      key: `version:metric:${key}:${dir}`,
      columns: [
        {
          expr: `COALESCE(${this.db.dialect.jsonNumber('v.metrics', 'metricPath')}, :metricMissing)`,
          dir,
          kind: 'number',
          value: (v) => v.metrics[key] ?? missing,
        },
        number,
      ],
    };
  }

  async link(caller: Caller, input: LinkVersionParams): Promise<LinkResult> {
    // Everything is validated before the transaction opens: bad input writes nothing.
    validate.modelName(input.model, 'model');
    const { columns: artifact, files } = artifactColumns(input.registry, input.model, input.artifact);
    const fields = {
      metadata: validate.jsonObject(input.metadata ?? {}, 'metadata'),
      metrics: validate.metrics(input.metrics ?? {}),
      tags: validate.tags(input.tags ?? []),
      description: validate.text(input.description, 'description'),
    };
    const aliasNames = validate.aliasList(input.aliases ?? []);
    const idempotencyKey = validate.idempotencyKey(input.idempotencyKey);

    return this.db.transaction(async (em) => {
      const registry = await this.registries.get(caller.principal, input.registry, em);
      await this.authz.require(caller.principal, 'model:write', registry);
      for (const alias of aliasNames) await this.aliases.requireAliasWrite(caller.principal, registry, alias);
      // The PRODUCED edge is lineage of the run too: like logArtifact(producedBy:), it needs
      // write access to the run's registry, not just read.
      const producer = input.run ? await this.writableRun(em, caller, input.run) : null;
      if (files) await this.blobs.requireLinkable(em, caller.principal, registry, files);

      const { model, created } = await this.lockOrCreateModel(em, caller, registry, input.model, new Date());
      // Taken after the model lock, so times follow version numbers even under contention.
      const now = new Date();
      if (model.archivedAt)
        throw new ConflictError(`Model "${registry.name}/${model.name}" is archived; versions cannot be linked to it.`);

      if (idempotencyKey) {
        const earlier = await em.findOneBy(VersionEntity, {
          modelId: model.id,
          idempotencyKey,
        });
        if (earlier) {
          assertSameArtifact(earlier, artifact, idempotencyKey);
          return {
            version: earlier,
            model,
            modelCreated: false,
            replayed: true,
            created: false,
          };
        }
      }
      if (input.dedupe) {
        const same = await em.findOne(VersionEntity, {
          where: {
            modelId: model.id,
            artifactDigest: artifact.artifactDigest,
            artifactUri: artifact.artifactUri,
            artifactSizeBytes: artifact.artifactSizeBytes,
            archivedAt: IsNull(),
          },
          order: { number: 'DESC' },
        });
        if (same) {
          // Aliases asked for still move to it: "make production this content" holds either way.
          const reason = 'set when identical content was linked again';
          for (const alias of aliasNames) {
            await this.aliases.apply(em, caller, registry, model, alias, same, reason, now);
          }
          return {
            version: same,
            model,
            modelCreated: false,
            replayed: false,
            created: false,
          };
        }
      }

      const version: VersionEntity = {
        id: uuidv7(),
        modelId: model.id,
        number: model.nextVersionNumber,
        ...artifact,
        ...fields,
        idempotencyKey,
        createdBy: caller.principal.subject,
        createdAt: now,
        updatedAt: now,
        archivedAt: null,
        downloadCount: 0,
      };
      model.nextVersionNumber += 1;
      model.updatedAt = now;
      await em.update(ModelEntity, { id: model.id }, { nextVersionNumber: model.nextVersionNumber, updatedAt: now });
      await em.insert(VersionEntity, version);
      if (files) await this.blobs.linkToVersion(em, version.id, files);
      await this.changes.record(
        em,
        caller,
        {
          type: 'version.linked',
          registry,
          model,
          version,
          targetId: version.id,
          after: {
            ...versionSnapshot(version),
            artifact: input.artifact,
            run: producer?.id ?? null,
          },
          data: {
            modelCreated: created,
            aliases: aliasNames,
            run: producer ? toGlobalId('Run', producer.id) : null,
            description: version.description,
            tags: version.tags,
            metrics: version.metrics,
          },
        },
        now,
      );
      if (producer) {
        await addEdge(
          em,
          caller,
          { kind: 'RUN', id: producer.id, registryId: producer.registryId },
          { kind: 'MODEL_VERSION', id: version.id, registryId: registry.id },
          'PRODUCED',
          now,
        );
      }
      await this.aliases.apply(
        em,
        caller,
        registry,
        model,
        validate.LATEST,
        version,
        `${versionName(version)} linked`,
        now,
      );
      for (const alias of aliasNames)
        await this.aliases.apply(
          em,
          caller,
          registry,
          model,
          alias,
          version,
          `set when ${versionName(version)} was linked`,
          now,
        );
      return {
        version,
        model,
        modelCreated: created,
        replayed: false,
        created: true,
      };
    });
  }

  private async writableRun(em: EntityManager, caller: Caller, runGlobalId: string) {
    const { run, registry } = await this.runs.get(caller.principal, runGlobalId, em);
    await this.authz.require(caller.principal, 'model:write', registry);
    return run;
  }

  /**
   * Locks the model row, creating the model first if this is its first link (W&B's link_model).
   * Two first links racing on MySQL both find no row; the loser's insert hits the unique key and
   * its transaction starts again, now finding (and waiting for) the winner's model.
   */
  private async lockOrCreateModel(
    em: EntityManager,
    caller: Caller,
    registry: RegistryEntity,
    name: string,
    now: Date,
  ): Promise<{ model: ModelEntity; created: boolean }> {
    const existing = await this.models.findForUpdate(em, registry.id, name);
    if (existing) return { model: existing, created: false };
    try {
      return {
        model: await this.models.insert(em, caller, registry, { name }, now),
        created: true,
      };
    } catch (err) {
      if (isUniqueViolation(err)) throw new RetryTransaction(`model ${registry.name}/${name} was created concurrently`);
      throw err;
    }
  }

  async update(caller: Caller, input: UpdateVersionParams): Promise<VersionEntity> {
    const changes: Partial<VersionEntity> = {};
    if (input.description !== undefined) changes.description = validate.text(input.description, 'description');
    if (input.tags != null) changes.tags = validate.tags(input.tags);
    if (input.metadata != null) changes.metadata = validate.jsonObject(input.metadata, 'metadata');
    if (input.metrics != null) changes.metrics = validate.metrics(input.metrics);
    return this.db.transaction(async (em) => {
      const { registry, model } = await this.models.lockTarget(em, caller.principal, input.registry, input.model, (r) =>
        this.authz.require(caller.principal, 'model:write', r),
      );
      const version = await getByRef(em, model, input.version, 'version');
      const before = versionSnapshot(version);
      Object.assign(version, changes, { updatedAt: new Date() });
      await em.update(VersionEntity, { id: version.id }, { ...changes, updatedAt: version.updatedAt });
      const after = versionSnapshot(version);
      const changed = changedFields(before, after);
      await this.changes.record(
        em,
        caller,
        {
          type: 'version.updated',
          registry,
          model,
          version,
          targetId: version.id,
          before,
          after,
          data: changed ?? undefined,
          notify: changed !== null,
        },
        version.updatedAt,
      );
      return version;
    });
  }

  /** Brings an archived version back; `latest` moves to it if it is now the newest. ADMIN only. */
  async restore(caller: Caller, input: { registry: string; model: string; version: string }): Promise<VersionEntity> {
    const number = parseVersionNumber(input.version, 'version');
    return this.db.transaction(async (em) => {
      const { registry, model } = await this.models.lockTarget(em, caller.principal, input.registry, input.model, (r) =>
        this.authz.require(caller.principal, 'model:restore', r),
      );
      const version = await getByRef(em, model, versionName({ number }), 'version');
      if (!version.archivedAt) return version;
      if (model.archivedAt)
        throw new ConflictError(`Model "${registry.name}/${model.name}" is archived; restore the model first.`);
      const before = versionSnapshot(version);
      version.archivedAt = null;
      version.updatedAt = new Date();
      await em.update(VersionEntity, { id: version.id }, { archivedAt: null, updatedAt: version.updatedAt });
      await this.changes.record(
        em,
        caller,
        {
          type: 'version.restored',
          registry,
          model,
          version,
          targetId: version.id,
          before,
          after: versionSnapshot(version),
        },
        version.updatedAt,
      );
      const why = `${versionName(version)} restored`;
      await this.aliases.refreshLatest(em, caller, registry, model, why, version.updatedAt);
      return version;
    });
  }

  /**
   * Deletes a version for good: only an archived one that has stayed archived for
   * VERSION_DELETE_AFTER_DAYS and that no alias points at. Its number is never reused (the model's
   * counter does not move back). The audit log and the alias history keep their rows, which name
   * the version by number (AliasEvent.versionDeleted); its lineage edges go with it. Digests no
   * other version references are reported; the orphan collector removes their blobs (docs/files.md).
   */
  async delete(
    caller: Caller,
    input: { registry: string; model: string; version: string },
  ): Promise<DeletedVersionResult> {
    const number = parseVersionNumber(input.version, 'version');
    const result = await this.db.transaction(async (em) => {
      const { registry, model } = await this.models.lockTarget(em, caller.principal, input.registry, input.model, (r) =>
        this.authz.require(caller.principal, 'version:delete', r),
      );
      const version = await getByRef(em, model, versionName({ number }), 'version');
      const name = `${model.name}:${versionName(version)}`;
      if (!version.archivedAt) throw new ConflictError(`${name} is not archived; archive it first.`);
      const deletableAt = new Date(version.archivedAt.getTime() + this.deletion.deleteAfterDays * DAY_MS);
      const now = new Date();
      if (deletableAt > now)
        throw new ConflictError(
          `${name} was archived at ${version.archivedAt.toISOString()}; it can be deleted from ${deletableAt.toISOString()} (VERSION_DELETE_AFTER_DAYS).`,
          { deletableAt: deletableAt.toISOString() },
        );
      const held = await this.aliases.namesOnVersion(em, version.id);
      if (held.length > 0)
        throw new ConflictError(`${name} still holds ${held.map((a) => `"${a}"`).join(', ')}.`, { aliases: held });
      await em.delete(LineageEdgeEntity, { fromId: version.id });
      await em.delete(LineageEdgeEntity, { toId: version.id });
      await this.blobs.unlinkVersion(em, version.id);
      await em.delete(VersionEntity, { id: version.id });
      const releasedDigests = await unreferencedDigests(em, digestsOf(version));
      await this.changes.record(
        em,
        caller,
        {
          type: 'version.deleted',
          registry,
          model,
          version,
          targetId: version.id,
          before: versionSnapshot(version),
          after: null,
          data: { releasedDigests },
        },
        now,
      );
      return { version, fullName: `${registry.name}/${name}`, releasedDigests };
    });
    return result;
  }

  /**
   * Archives a version: it leaves default lists but stays readable, and its number is never
   * reused. A version that an alias other than `latest` points at is refused, so archiving never
   * silently breaks a deployment; `latest` moves to the newest version left.
   */
  async archive(caller: Caller, input: { registry: string; model: string; version: string }): Promise<VersionEntity> {
    return this.db.transaction(async (em) => {
      const { registry, model } = await this.models.lockTarget(em, caller.principal, input.registry, input.model, (r) =>
        this.authz.require(caller.principal, 'model:write', r),
      );
      const version = await getByRef(em, model, input.version, 'version');
      if (version.archivedAt) return version;
      const held = (await this.aliases.namesOnVersion(em, version.id)).filter((a) => a !== validate.LATEST);
      if (held.length > 0) {
        throw new ConflictError(
          `${model.name}:${versionName(version)} still holds ${held.map((a) => `"${a}"`).join(', ')}; ` +
            `move or remove ${held.length > 1 ? 'them' : 'it'} first.`,
          { aliases: held },
        );
      }
      const before = versionSnapshot(version);
      version.archivedAt = version.updatedAt = new Date();
      await em.update(
        VersionEntity,
        { id: version.id },
        { archivedAt: version.archivedAt, updatedAt: version.updatedAt },
      );
      const after = versionSnapshot(version);
      await this.changes.record(
        em,
        caller,
        {
          type: 'version.archived',
          registry,
          model,
          version,
          targetId: version.id,
          before,
          after,
        },
        version.archivedAt,
      );
      await this.aliases.refreshLatest(
        em,
        caller,
        registry,
        model,
        `${versionName(version)} archived`,
        version.archivedAt,
      );
      return version;
    });
  }
}
