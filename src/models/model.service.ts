import { EntityManager } from 'typeorm';
import { Authorizer } from '../access/authorizer';
import { Caller, Principal } from '../access/principal';
import { ChangeLog, changedFields } from '../changes';
import { enumOf } from '../common/enum-of';
import { ConflictError, NotFoundError } from '../common/errors';
import { fetchPage, KeysetOrder, Page, PageArgs, OrderDirection } from '../common/pagination';
import { uuidv7 } from '../common/uuid';
import * as validate from '../common/validate';
import { Database, isUniqueViolation, RetryTransaction } from '../db/database';
import { hydrate, prefixedColumns } from '../db/hydrate';
import type { Loaders } from '../graphql/loaders';
import { ModelCache } from './model-cache';

/** Registry columns beside the model's in one row: `r_<column>`. */
const REGISTRY_PREFIX = 'r_';
import { RegistryEntity } from '../registry/registry.entity';
import { RegistryService } from '../registry/registry.service';
import { ModelEntity } from './model.entity';
import { AliasEntity } from '../aliases/alias.entity';
import { isProtectedAlias } from '../aliases/protection';

/** What a model list may be ordered by; also the GraphQL enum `ModelOrderField` (model.types.ts). */
export const ModelOrderField = enumOf(['NAME', 'CREATED_AT', 'UPDATED_AT']);
export type ModelOrderField = keyof typeof ModelOrderField;

export interface ModelFilterParams {
  nameContains?: string | null;
  tag?: string | null;
  includeArchived?: boolean | null;
}

export interface CreateModelParams {
  registry: string;
  name: string;
  description?: string | null;
  tags?: string[] | null;
}

export interface UpdateModelParams {
  registry: string;
  model: string;
  name?: string | null;
  description?: string | null;
  tags?: string[] | null;
}

function modelOrder(field: ModelOrderField, dir: OrderDirection): KeysetOrder<ModelEntity> {
  const id = { expr: 'm.id', dir, kind: 'string' as const, value: (m: ModelEntity) => m.id };
  switch (field) {
    case 'NAME':
      return {
        key: `model:name:${dir}`,
        columns: [{ expr: 'm.name', dir, kind: 'string', value: (m) => m.name }],
      };
    case 'CREATED_AT':
      return {
        key: `model:created:${dir}`,
        columns: [
          {
            expr: 'm.createdAt',
            dir,
            kind: 'timestamp',
            value: (m) => m.createdAt,
          },
          id,
        ],
      };
    case 'UPDATED_AT':
      return {
        key: `model:updated:${dir}`,
        columns: [
          {
            expr: 'm.updatedAt',
            dir,
            kind: 'timestamp',
            value: (m) => m.updatedAt,
          },
          id,
        ],
      };
  }
}

export function modelSnapshot(m: ModelEntity) {
  return {
    name: m.name,
    description: m.description,
    tags: m.tags,
    archived: m.archivedAt !== null,
  };
}

/**
 * Escapes LIKE wildcards so a name filter matches literally. `!` rather than a backslash: MySQL
 * and MariaDB read a backslash inside a string literal as an escape of their own.
 */
const likeLiteral = (s: string) => s.replace(/[!%_]/g, (c) => `!${c}`);

/** A registry and one of its models, resolved and authorised for a write, inside a transaction. */
export interface ModelTarget {
  registry: RegistryEntity;
  model: ModelEntity;
}

export class ModelService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly registries: RegistryService,
    private readonly changes: ChangeLog,
    private readonly cache: ModelCache,
  ) {}

  private modelByNamesSql?: string;

  async get(principal: Principal, registryName: string, modelName: string): Promise<ModelEntity> {
    return (await this.getWithRegistry(principal, registryName, modelName)).model;
  }

  /**
   * A model and its registry by their names. One statement reads both rows (a model page's first
   * question, and the model's revision that the model cache keys by); a miss, or a registry the
   * caller may not read, takes the step-by-step path, which says what is missing.
   */
  async getWithRegistry(principal: Principal, registryName: string, modelName: string): Promise<ModelTarget> {
    const rows: Record<string, unknown>[] = await this.db.manager.query(this.modelByNames(), [registryName, modelName]);
    if (rows.length) {
      const model = hydrate(this.db.ds, ModelEntity, rows[0]);
      const registry = hydrate(this.db.ds, RegistryEntity, rows[0], REGISTRY_PREFIX);
      if (await this.authz.can(principal, 'registry:read', registry)) return { model, registry };
    }
    const registry = await this.registries.get(principal, registryName);
    return { registry, model: await this.getIn(registry, modelName) };
  }

  private modelByNames(): string {
    return (this.modelByNamesSql ??=
      `SELECT m.*, ${prefixedColumns(this.db.ds, RegistryEntity, 'r', REGISTRY_PREFIX)} ` +
      'FROM registry r JOIN registered_model m ON m.registry_id = r.id WHERE r.name = ? AND m.name = ?');
  }

  /**
   * A model's aliases, by name, with the versions they point at primed into the request's loader
   * (Alias.version, latestVersion): through the model cache, by the model's revision.
   */
  async aliases(model: ModelEntity, loaders: Pick<Loaders, 'aliasesWithVersions' | 'version'>): Promise<AliasEntity[]> {
    const { aliases, versions } = await loaders.aliasesWithVersions.load(model);
    for (const v of versions) loaders.version.prime(v.id, v);
    return aliases;
  }

  /** A model of a registry the caller has already been allowed to read. */
  async getIn(registry: RegistryEntity, modelName: string): Promise<ModelEntity> {
    const model = await this.db.manager.findOneBy(ModelEntity, {
      registryId: registry.id,
      name: modelName,
    });
    if (!model) throw new NotFoundError(`Model "${registry.name}/${modelName}" was not found.`);
    return model;
  }

  async list(
    registry: RegistryEntity,
    filter: ModelFilterParams,
    field: ModelOrderField,
    dir: OrderDirection,
    args: PageArgs,
  ): Promise<Page<ModelEntity>> {
    const qb = this.db.manager
      .getRepository(ModelEntity)
      .createQueryBuilder('m')
      .where('m.registryId = :rid', { rid: registry.id });
    if (!filter.includeArchived) qb.andWhere('m.archivedAt IS NULL');
    if (filter.nameContains)
      qb.andWhere(`m.name LIKE :like ESCAPE '!'`, {
        like: `%${likeLiteral(filter.nameContains)}%`,
      });
    if (filter.tag)
      qb.andWhere(this.db.dialect.jsonArrayContains('m.tags', 'tag'), {
        tag: filter.tag,
      });
    return fetchPage(this.db, qb, modelOrder(field, dir), args);
  }

  /**
   * Resolves registry and model for a write and locks the model row until the transaction ends,
   * so that writes to one model (links, alias moves, archiving) are applied one at a time.
   * Access is checked on the registry before the model is looked at.
   */
  async lockTarget(
    em: EntityManager,
    principal: Principal,
    registryName: string,
    modelName: string,
    check: (r: RegistryEntity) => Promise<void>,
  ): Promise<ModelTarget> {
    const registry = await this.registries.get(principal, registryName, em);
    await check(registry);
    const model = await this.findForUpdate(em, registry.id, modelName);
    if (!model) throw new NotFoundError(`Model "${registryName}/${modelName}" was not found.`);
    return { registry, model };
  }

  /**
   * lockTarget for many models at once (setAliases): every registry is resolved and `check`ed for
   * every target before any lock is taken, then the models are locked in ascending id order. Two
   * transactions that lock overlapping sets of models in one global order cannot wait on each
   * other in a cycle, so overlapping bulk calls queue instead of deadlocking. Returns the targets
   * in the order asked.
   */
  async lockMany(
    em: EntityManager,
    principal: Principal,
    targets: { registry: string; model: string }[],
    check: (r: RegistryEntity, index: number) => Promise<void>,
    /** Rethrows what went wrong with target `index` (so the caller can say which one). */
    tag: (err: unknown, index: number) => unknown = (err) => err,
  ): Promise<ModelTarget[]> {
    const registries = new Map<string, RegistryEntity>();
    const found = new Map<string, ModelEntity>();
    for (const [i, t] of targets.entries()) {
      try {
        let registry = registries.get(t.registry);
        if (!registry) registries.set(t.registry, (registry = await this.registries.get(principal, t.registry, em)));
        await check(registry, i);
      } catch (err) {
        throw tag(err, i);
      }
    }
    for (const [i, t] of targets.entries()) {
      const key = `${t.registry}/${t.model}`;
      if (found.has(key)) continue;
      const model = await em.findOneBy(ModelEntity, {
        registryId: registries.get(t.registry)!.id,
        name: t.model,
      });
      if (!model) throw tag(new NotFoundError(`Model "${key}" was not found.`), i);
      found.set(key, model);
    }
    const locked = new Map<string, ModelEntity>();
    for (const id of [...new Set([...found.values()].map((m) => m.id))].sort()) {
      const model = await this.db.lockForUpdate(em, ModelEntity, id);
      locked.set(id, model!);
    }
    return targets.map((t) => {
      const registry = registries.get(t.registry)!;
      const model = locked.get(found.get(`${t.registry}/${t.model}`)!.id)!;
      // Renamed between the look-up and the lock: look again from the start.
      if (model.name !== t.model) throw new RetryTransaction(`model ${t.registry}/${t.model} was renamed`);
      return { registry, model };
    });
  }

  async findForUpdate(em: EntityManager, registryId: string, name: string): Promise<ModelEntity | null> {
    return this.db
      .forUpdate(
        em.getRepository(ModelEntity).createQueryBuilder('m').where('m.registryId = :registryId AND m.name = :name', {
          registryId,
          name,
        }),
      )
      .getOne();
  }

  /** Inserts a model inside the caller's transaction (also used by linkModelVersion). */
  async insert(
    em: EntityManager,
    caller: Caller,
    registry: RegistryEntity,
    input: {
      name: string;
      description?: string | null;
      tags?: string[] | null;
    },
    now: Date,
  ): Promise<ModelEntity> {
    const model: ModelEntity = {
      id: uuidv7(),
      registryId: registry.id,
      name: validate.modelName(input.name),
      description: validate.text(input.description, 'description'),
      tags: validate.tags(input.tags ?? []),
      nextVersionNumber: 0,
      revision: 0,
      createdBy: caller.principal.subject,
      createdAt: now,
      updatedAt: now,
      archivedAt: null,
    };
    await em.insert(ModelEntity, model);
    await this.changes.record(
      em,
      caller,
      {
        type: 'model.created',
        registry,
        model,
        targetId: model.id,
        after: modelSnapshot(model),
        data: { description: model.description, tags: model.tags },
      },
      now,
    );
    return model;
  }

  async create(caller: Caller, input: CreateModelParams): Promise<ModelEntity> {
    validate.modelName(input.name);
    validate.tags(input.tags ?? []);
    validate.text(input.description, 'description');
    try {
      return await this.db.transaction(async (em) => {
        const registry = await this.registries.get(caller.principal, input.registry, em);
        await this.authz.require(caller.principal, 'model:write', registry);
        return this.insert(em, caller, registry, input, new Date());
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`Model "${input.registry}/${input.name}" already exists.`);
      throw err;
    }
  }

  async update(caller: Caller, input: UpdateModelParams): Promise<ModelEntity> {
    const name = input.name == null ? undefined : validate.modelName(input.name);
    const tags = input.tags == null ? undefined : validate.tags(input.tags);
    const description = input.description === undefined ? undefined : validate.text(input.description, 'description');
    try {
      return await this.db.transaction(async (em) => {
        const { registry, model } = await this.lockTarget(em, caller.principal, input.registry, input.model, (r) =>
          this.authz.require(caller.principal, 'model:write', r),
        );
        if (name !== undefined && name !== model.name) {
          await this.requireProtectedAliasRights(em, caller, registry, model, 'rename');
        }
        const before = modelSnapshot(model);
        if (name !== undefined) model.name = name;
        if (tags !== undefined) model.tags = tags;
        if (description !== undefined) model.description = description;
        model.updatedAt = new Date();
        await em.update(
          ModelEntity,
          { id: model.id },
          {
            name: model.name,
            tags: model.tags,
            description: model.description,
            updatedAt: model.updatedAt,
          },
        );
        const after = modelSnapshot(model);
        const changed = changedFields(before, after);
        await this.changes.record(
          em,
          caller,
          {
            type: 'model.updated',
            registry,
            model,
            formerModelName: before.name,
            targetId: model.id,
            before,
            after,
            data: changed ?? undefined,
            notify: changed !== null,
          },
          model.updatedAt,
        );
        return model;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`Model "${input.registry}/${name}" already exists.`);
      throw err;
    }
  }

  /**
   * Deploys resolve `registry/model:production` by name. Renaming a model that holds a protected
   * alias changes what that reference means (or breaks it); archiving it freezes the alias, since
   * an archived model takes no links and its name stays taken. Either needs the right to move the
   * protected alias itself: only admins have it.
   */
  private async requireProtectedAliasRights(
    em: EntityManager,
    caller: Caller,
    registry: RegistryEntity,
    model: ModelEntity,
    verb: 'rename' | 'archive',
  ): Promise<void> {
    const aliases = await em.find(AliasEntity, {
      where: { modelId: model.id },
      select: { name: true },
      order: { name: 'ASC' },
    });
    const held = aliases.map((a) => a.name).filter((a) => isProtectedAlias(registry, a));
    if (held.length === 0) return;
    const names = held.map((a) => `"${a}"`).join(', ');
    const what = `the protected alias${held.length > 1 ? 'es' : ''} ${names}`;
    const why = `Model "${registry.name}/${model.name}" holds ${what}: only admins of this registry may ${verb} it.`;
    await this.authz.require(caller.principal, 'alias:write-protected', registry, why);
  }

  /** Brings an archived model back into lists and lets it take links again. ADMIN only. */
  async restore(caller: Caller, input: { registry: string; model: string }): Promise<ModelEntity> {
    return this.db.transaction(async (em) => {
      const { registry, model } = await this.lockTarget(em, caller.principal, input.registry, input.model, (r) =>
        this.authz.require(caller.principal, 'model:restore', r),
      );
      if (!model.archivedAt) return model;
      const before = modelSnapshot(model);
      model.archivedAt = null;
      model.updatedAt = new Date();
      await em.update(ModelEntity, { id: model.id }, { archivedAt: null, updatedAt: model.updatedAt });
      await this.changes.record(
        em,
        caller,
        {
          type: 'model.restored',
          registry,
          model,
          targetId: model.id,
          before,
          after: modelSnapshot(model),
        },
        model.updatedAt,
      );
      return model;
    });
  }

  async archive(caller: Caller, input: { registry: string; model: string }): Promise<ModelEntity> {
    return this.db.transaction(async (em) => {
      const { registry, model } = await this.lockTarget(em, caller.principal, input.registry, input.model, (r) =>
        this.authz.require(caller.principal, 'model:write', r),
      );
      if (model.archivedAt) return model;
      await this.requireProtectedAliasRights(em, caller, registry, model, 'archive');
      const before = modelSnapshot(model);
      model.archivedAt = model.updatedAt = new Date();
      await em.update(ModelEntity, { id: model.id }, { archivedAt: model.archivedAt, updatedAt: model.updatedAt });
      const after = modelSnapshot(model);
      await this.changes.record(
        em,
        caller,
        {
          type: 'model.archived',
          registry,
          model,
          targetId: model.id,
          before,
          after,
        },
        model.archivedAt,
      );
      return model;
    });
  }
}
