import { EntityManager } from 'typeorm';
import { Authorizer } from '../access/authorizer';
import { Caller, Principal } from '../access/principal';
import { ChangeLog } from '../changes';
import { BadInputError, ConflictError, inChange, NotFoundError } from '../common/errors';
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
import { aliasEventsAt } from './alias-history';
import { AliasEntity } from './alias.entity';
import { isProtectedAlias } from './protection';

export { isProtectedAlias };

export interface SetAliasParams {
  registry: string;
  model: string;
  alias: string;
  version: string;
  expectedVersion?: string | null;
  reason?: string | null;
}

export interface RemoveAliasParams {
  registry: string;
  model: string;
  alias: string;
  expectedVersion?: string | null;
  reason?: string | null;
}

/** One change of setAliases: a setAlias, applied with the others or not at all. */
export type BulkAliasChangeParams = Omit<SetAliasParams, 'reason'>;

export const MAX_BULK_CHANGES = 100;

export interface AliasHistoryFilterParams {
  alias?: string | null;
  /** Events at or after this time. */
  since?: Date | null;
  /** Events before this time. */
  until?: Date | null;
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

// The order of ix_alias_event_model_at and ix_alias_event_model_alias_at, so a page, with or
// without a time range, is one index range scan.
const NEWEST_FIRST: KeysetOrder<AliasEventEntity> = {
  key: 'alias-event:at:DESC',
  columns: [
    { expr: 'e.at', dir: 'DESC', kind: 'timestamp', value: (e) => e.at },
    { expr: 'e.id', dir: 'DESC', kind: 'string', value: (e) => e.id },
  ],
};

export class AliasService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly models: ModelService,
    private readonly changes: ChangeLog,
  ) {}

  /** The permission that setting, moving or removing `alias` needs in `registry`. */
  async requireAliasWrite(principal: Principal, registry: RegistryEntity, alias: string): Promise<void> {
    await this.authz.require(
      principal,
      isProtectedAlias(registry, alias) ? 'alias:write-protected' : 'alias:write',
      registry,
    );
  }

  async set(caller: Caller, input: SetAliasParams): Promise<AliasChange> {
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

  async remove(caller: Caller, input: RemoveAliasParams): Promise<AliasChange> {
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

  /**
   * Several setAlias calls as one: all apply, or none does. Each change is authorized like its
   * own setAlias (a protected alias needs an admin of its registry) before any model is locked;
   * models are locked in a fixed order (ModelService.lockMany), then the changes apply in the
   * order given, each with its own alias event, audit row and events. A refused, missing or
   * stale change (expectedVersion) fails the whole call and nothing moves.
   */
  async setMany(caller: Caller, changes: BulkAliasChangeParams[], reasonText?: string | null): Promise<AliasChange[]> {
    if (changes.length === 0 || changes.length > MAX_BULK_CHANGES)
      throw new BadInputError(
        `"changes" must hold 1 to ${MAX_BULK_CHANGES} changes; got ${changes.length}.`,
        'changes',
      );
    const reason = validate.text(reasonText, 'reason');
    const label = (c: BulkAliasChangeParams) => `${c.registry}/${c.model}:${c.alias}`;
    const parsed = changes.map((c, i) => {
      try {
        return {
          ...c,
          name: validate.settableAliasName(c.alias, `changes[${i}].alias`),
          expected:
            c.expectedVersion == null ? null : parseVersionNumber(c.expectedVersion, `changes[${i}].expectedVersion`),
        };
      } catch (err) {
        throw inChange(err, i, label(c));
      }
    });
    const seen = new Set<string>();
    for (const [i, c] of parsed.entries()) {
      // Names are exact (JSON text cannot hold a NUL), so the key cannot collide.
      const key = [c.registry, c.model, c.name].join('\0');
      if (seen.has(key))
        throw new BadInputError(
          `changes[${i}] changes "${c.registry}/${c.model}:${c.name}" a second time; one change per alias.`,
          'changes',
          { change: i },
        );
      seen.add(key);
    }
    return this.db.transaction(async (em) => {
      const targets = await this.models.lockMany(
        em,
        caller.principal,
        parsed,
        (r, i) => this.requireAliasWrite(caller.principal, r, parsed[i].name),
        (err, i) => inChange(err, i, label(parsed[i])),
      );
      const now = new Date();
      const results: AliasChange[] = [];
      for (const [i, c] of parsed.entries()) {
        const { registry, model } = targets[i];
        try {
          const version = await getByRef(em, model, c.version, `changes[${i}].version`);
          if (version.archivedAt)
            throw new ConflictError(`${model.name}:${versionName(version)} is archived; an alias cannot point at it.`);
          this.checkExpected(model, c.name, await this.currentVersion(em, model.id, c.name), c.expected);
          results.push(await this.apply(em, caller, registry, model, c.name, version, reason, now));
        } catch (err) {
          throw inChange(err, i, label(c));
        }
      }
      return results;
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
    const rows = await em.find(AliasEntity, {
      where: { versionId },
      select: { name: true },
      order: { name: 'ASC' },
    });
    return rows.map((r) => r.name);
  }

  currentVersion(em: EntityManager, modelId: string, alias: string): Promise<VersionEntity | null> {
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
    const row = await em.findOneBy(AliasEntity, {
      modelId: model.id,
      name: alias,
    });
    const previous = row ? await em.findOneByOrFail(VersionEntity, { id: row.versionId }) : null;
    if ((previous?.id ?? null) === (target?.id ?? null)) {
      return {
        alias: row,
        name: alias,
        model,
        previousVersion: previous,
        version: target,
        changed: false,
      };
    }
    let result: AliasEntity | null = null;
    if (!target) {
      await em.delete(AliasEntity, { id: row!.id });
    } else if (row) {
      await em.update(
        AliasEntity,
        { id: row.id },
        {
          versionId: target.id,
          updatedAt: now,
          updatedBy: caller.principal.subject,
        },
      );
      result = {
        ...row,
        versionId: target.id,
        updatedAt: now,
        updatedBy: caller.principal.subject,
      };
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
      fromVersionNumber: previous?.number ?? null,
      toVersionId: target?.id ?? null,
      toVersionNumber: target?.number ?? null,
      actor: caller.principal.subject,
      at: now,
      reason,
      requestId: caller.requestId,
    });
    // A move is an alias.set whose `before` (and previousVersion) is not null.
    await this.changes.record(
      em,
      caller,
      {
        type: target ? 'alias.set' : 'alias.removed',
        registry,
        model,
        alias,
        version: target,
        previousVersion: previous,
        targetId: model.id,
        before: previous ? { alias, version: versionName(previous), versionId: previous.id } : null,
        after: target
          ? {
              alias,
              version: versionName(target),
              versionId: target.id,
              reason,
            }
          : null,
        data: { reason, protected: isProtectedAlias(registry, alias) },
      },
      now,
    );
    return {
      alias: result,
      name: alias,
      model,
      previousVersion: previous,
      version: target,
      changed: true,
    };
  }

  /** Sets, moves and removals of a model's aliases, newest first, optionally of one alias and in [since, until). */
  async history(model: ModelEntity, filter: AliasHistoryFilterParams, args: PageArgs): Promise<Page<AliasEventEntity>> {
    const qb = this.db.manager
      .getRepository(AliasEventEntity)
      .createQueryBuilder('e')
      .where('e.modelId = :modelId', { modelId: model.id });
    if (filter.alias) qb.andWhere('e.alias = :alias', { alias: filter.alias });
    if (filter.since)
      qb.andWhere('e.at >= :since', {
        since: this.db.dialect.timestamp(filter.since),
      });
    if (filter.until)
      qb.andWhere('e.at < :until', {
        until: this.db.dialect.timestamp(filter.until),
      });
    return fetchPage(this.db, qb, NEWEST_FIRST, args);
  }

  /** Where each alias of the model pointed at `time`: the event that put it there, by alias name. */
  async at(model: ModelEntity, time: Date): Promise<AliasEventEntity[]> {
    return aliasEventsAt(this.db.manager, this.db.dialect, model.id, time);
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
      .where('v.modelId = :modelId AND v.archivedAt IS NULL', {
        modelId: model.id,
      })
      .orderBy('v.number', 'DESC')
      .getOne();
    await this.apply(em, caller, registry, model, validate.LATEST, newest, reason, now);
  }
}
