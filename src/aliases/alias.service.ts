import { EntityManager } from 'typeorm';
import { Authorizer } from '../access/authorizer';
import { Caller, Principal } from '../access/principal';
import { recordAudit } from '../audit/audit.service';
import { ConflictError, NotFoundError } from '../common/errors';
import { fetchPage, KeysetOrder, Page, PageArgs } from '../common/pagination';
import { uuidv7 } from '../common/uuid';
import * as validate from '../common/validate';
import { Database } from '../db/database';
import { ModelEntity } from '../models/model.entity';
import { ModelService } from '../models/model.service';
import { RegistryEntity } from '../registry/registry.entity';
import { findByRef, getByRef, parseVersionNumber, versionName } from '../versions/version-ref';
import { VersionEntity } from '../versions/version.entity';
import { AliasEventEntity } from './alias-event.entity';
import { AliasEntity } from './alias.entity';
import { isProtectedAlias } from './protection';
import { emitEvent } from '../webhooks/emit';

export { isProtectedAlias };

export interface SetAliasInput {
  registry: string;
  model: string;
  alias: string;
  version: string;
  expectedVersion?: string | null;
  reason?: string | null;
}

export interface RemoveAliasInput {
  registry: string;
  model: string;
  alias: string;
  expectedVersion?: string | null;
  reason?: string | null;
}

export interface AliasChange {
  alias: AliasEntity | null;
  name: string;
  model: ModelEntity;
  previousVersion: VersionEntity | null;
  version: VersionEntity | null;
  /** False when the alias already pointed where it was asked to: nothing was written. */
  changed: boolean;
}

const NEWEST_FIRST: KeysetOrder<AliasEventEntity> = {
  key: 'alias-event:id:DESC',
  columns: [{ expr: 'e.id', dir: 'DESC', kind: 'string', value: (e) => e.id }],
};

export class AliasService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly models: ModelService,
  ) {}

  /** The permission that setting, moving or removing `alias` needs in `registry`. */
  async requireAliasWrite(principal: Principal, registry: RegistryEntity, alias: string): Promise<void> {
    await this.authz.require(
      principal,
      isProtectedAlias(registry, alias) ? 'alias:write-protected' : 'alias:write',
      registry,
    );
  }

  async set(caller: Caller, input: SetAliasInput): Promise<AliasChange> {
    const name = validate.settableAliasName(input.alias);
    const reason = validate.text(input.reason, 'reason');
    const expected =
      input.expectedVersion == null ? null : parseVersionNumber(input.expectedVersion, 'expectedVersion');
    return this.db.transaction(async (em) => {
      const { registry, model } = await this.models.lockTarget(em, caller.principal, input.registry, input.model, (r) =>
        this.requireAliasWrite(caller.principal, r, name),
      );
      const version = await getByRef(em, model, input.version, 'version');
      if (version.archivedAt)
        throw new ConflictError(`${model.name}:${versionName(version)} is archived; an alias cannot point at it.`);
      const current = await this.currentVersion(em, model.id, name);
      this.checkExpected(model, name, current, expected);
      return this.apply(em, caller, registry, model, name, version, reason);
    });
  }

  async remove(caller: Caller, input: RemoveAliasInput): Promise<AliasChange> {
    const name = validate.settableAliasName(input.alias);
    const reason = validate.text(input.reason, 'reason');
    const expected =
      input.expectedVersion == null ? null : parseVersionNumber(input.expectedVersion, 'expectedVersion');
    return this.db.transaction(async (em) => {
      const { registry, model } = await this.models.lockTarget(em, caller.principal, input.registry, input.model, (r) =>
        this.requireAliasWrite(caller.principal, r, name),
      );
      const current = await this.currentVersion(em, model.id, name);
      if (!current) throw new NotFoundError(`Alias "${model.name}:${name}" was not found.`);
      this.checkExpected(model, name, current, expected);
      return this.apply(em, caller, registry, model, name, null, reason);
    });
  }

  /** Compare-and-swap: the alias must point at the version the caller last saw, or nothing changes. */
  private checkExpected(
    model: ModelEntity,
    alias: string,
    current: VersionEntity | null,
    expected: number | null,
  ): void {
    if (expected === null) return;
    if (current?.number !== expected) {
      const now = current ? versionName(current) : 'nothing';
      throw new ConflictError(
        `Alias "${model.name}:${alias}" points at ${now}, not v${expected}; reload and try again.`,
        { currentVersion: current ? versionName(current) : null },
      );
    }
  }

  async namesOnVersion(em: EntityManager, versionId: string): Promise<string[]> {
    const rows = await em.find(AliasEntity, { where: { versionId }, select: { name: true }, order: { name: 'ASC' } });
    return rows.map((r) => r.name);
  }

  private currentVersion(em: EntityManager, modelId: string, alias: string): Promise<VersionEntity | null> {
    return findByRef(em, modelId, { kind: 'alias', alias });
  }

  /**
   * Points `alias` at `target` (null removes it) inside the caller's transaction, which must hold
   * the model's lock: updates the alias row and appends exactly one alias event and one audit
   * event. Pointing an alias where it already points writes nothing.
   */
  async apply(
    em: EntityManager,
    caller: Caller,
    registry: RegistryEntity,
    model: ModelEntity,
    alias: string,
    target: VersionEntity | null,
    reason: string | null,
    now = new Date(),
  ): Promise<AliasChange> {
    const row = await em.findOneBy(AliasEntity, { modelId: model.id, name: alias });
    const previous = row ? await em.findOneByOrFail(VersionEntity, { id: row.versionId }) : null;
    if ((previous?.id ?? null) === (target?.id ?? null)) {
      return { alias: row, name: alias, model, previousVersion: previous, version: target, changed: false };
    }
    let result: AliasEntity | null = null;
    if (!target) {
      await em.delete(AliasEntity, { id: row!.id });
    } else if (row) {
      await em.update(
        AliasEntity,
        { id: row.id },
        { versionId: target.id, updatedAt: now, updatedBy: caller.principal.subject },
      );
      result = { ...row, versionId: target.id, updatedAt: now, updatedBy: caller.principal.subject };
    } else {
      result = {
        id: uuidv7(),
        modelId: model.id,
        name: alias,
        versionId: target.id,
        updatedAt: now,
        updatedBy: caller.principal.subject,
      };
      await em.insert(AliasEntity, result);
    }
    await em.insert(AliasEventEntity, {
      id: uuidv7(),
      modelId: model.id,
      alias,
      fromVersionId: previous?.id ?? null,
      toVersionId: target?.id ?? null,
      actor: caller.principal.subject,
      at: now,
      reason,
      requestId: caller.requestId,
    });
    const action = !target ? 'alias.removed' : previous ? 'alias.moved' : 'alias.set';
    await recordAudit(
      em,
      caller,
      {
        action,
        registryId: registry.id,
        modelId: model.id,
        targetType: 'Alias',
        targetId: model.id,
        before: previous ? { alias, version: versionName(previous), versionId: previous.id } : null,
        after: target ? { alias, version: versionName(target), versionId: target.id, reason } : null,
      },
      now,
    );
    await emitEvent(
      em,
      caller,
      {
        type: target ? 'alias.set' : 'alias.removed',
        registry,
        model,
        alias,
        version: target,
        previousVersion: previous,
        data: { reason, protected: isProtectedAlias(registry, alias) },
      },
      now,
    );
    return { alias: result, name: alias, model, previousVersion: previous, version: target, changed: true };
  }

  async history(model: ModelEntity, alias: string | null | undefined, args: PageArgs): Promise<Page<AliasEventEntity>> {
    const qb = this.db.manager
      .getRepository(AliasEventEntity)
      .createQueryBuilder('e')
      .where('e.modelId = :modelId', { modelId: model.id });
    if (alias) qb.andWhere('e.alias = :alias', { alias });
    return fetchPage(this.db, qb, NEWEST_FIRST, args);
  }

  /** Keeps `latest` on the highest version that is not archived; removes it when there is none. */
  async refreshLatest(
    em: EntityManager,
    caller: Caller,
    registry: RegistryEntity,
    model: ModelEntity,
    reason: string,
    now: Date,
  ): Promise<void> {
    const newest = await em
      .getRepository(VersionEntity)
      .createQueryBuilder('v')
      .where('v.modelId = :modelId AND v.archivedAt IS NULL', { modelId: model.id })
      .orderBy('v.number', 'DESC')
      .getOne();
    await this.apply(em, caller, registry, model, validate.LATEST, newest, reason, now);
  }
}
