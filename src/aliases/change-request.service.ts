import { EntityManager } from 'typeorm';
import { Authorizer } from '../access/authorizer';
import { Caller, Principal } from '../access/principal';
import { ChangeLog, ChangeType } from '../changes';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../common/errors';
import { expectGlobalId, toGlobalId } from '../common/global-id';
import { fetchPage, KeysetOrder, Page, PageArgs } from '../common/pagination';
import { uuidv7 } from '../common/uuid';
import * as validate from '../common/validate';
import { Database } from '../db/database';
import { ModelEntity } from '../models/model.entity';
import { ModelService } from '../models/model.service';
import { RegistryEntity } from '../registry/registry.entity';
import { getByRef, versionName } from '../versions/version-ref';
import { VersionEntity } from '../versions/version.entity';
import { AliasService } from './alias.service';
import {
  AliasChangeApprovalEntity,
  AliasChangeRequestEntity,
  RequestState,
  StoredRequestState,
} from './change-request.entity';
import { isProtectedAlias } from './protection';

export interface RequestAliasChangeParams {
  registry: string;
  model: string;
  alias: string;
  version: string;
  reason?: string | null;
}

export interface DecideAliasChangeParams {
  /** The request's global id. */
  request: string;
  comment?: string | null;
}

export interface ChangeRequestFilterParams {
  state?: RequestState | null;
  alias?: string | null;
}

const DAY_MS = 86_400_000;

const NEWEST_FIRST: KeysetOrder<AliasChangeRequestEntity> = {
  key: 'change-request:id:DESC',
  columns: [{ expr: 'c.id', dir: 'DESC', kind: 'string', value: (c) => c.id }],
};

/** The state a reader sees: a PENDING request past its expiry is EXPIRED. */
export function stateOf(request: AliasChangeRequestEntity, now = new Date()): RequestState {
  return request.state === 'PENDING' && request.expiresAt <= now ? 'EXPIRED' : request.state;
}

/**
 * Change requests for protected aliases (docs/governance.md). A member asks; admins other than
 * the requester approve; the approval that reaches the registry's `requiredApprovals` applies the
 * change as a compare-and-swap against where the alias pointed when the request was made.
 *
 * Who may do what is the policy's (`alias:request` for MEMBER and ADMIN, `alias:approve` for
 * ADMIN). Two rules sit on top of the policy's answer, because they are about the request rather
 * than the caller's role: an admin may not approve their own request (four eyes), and only the
 * requester may cancel theirs.
 */
export class ChangeRequestService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly models: ModelService,
    private readonly aliases: AliasService,
    private readonly changes: ChangeLog,
    private readonly ttlDays: number,
  ) {}

  async request(caller: Caller, input: RequestAliasChangeParams): Promise<AliasChangeRequestEntity> {
    const alias = validate.settableAliasName(input.alias);
    const reason = validate.text(input.reason, 'reason');
    return this.db.transaction(async (em) => {
      const { registry, model } = await this.models.lockTarget(em, caller.principal, input.registry, input.model, (r) =>
        this.authz.require(caller.principal, 'alias:request', r),
      );
      if (!isProtectedAlias(registry, alias))
        throw new BadInputError(`"${alias}" is not protected in "${registry.name}": set it with setAlias.`, 'alias');
      const target = await getByRef(em, model, input.version, 'version');
      if (target.archivedAt)
        throw new ConflictError(`${model.name}:${versionName(target)} is archived; an alias cannot point at it.`);
      const current = await this.aliases.currentVersion(em, model.id, alias);
      if (current?.id === target.id)
        throw new ConflictError(`Alias "${model.name}:${alias}" already points at ${versionName(target)}.`);
      const now = new Date();
      const request: AliasChangeRequestEntity = {
        id: uuidv7(),
        registryId: registry.id,
        modelId: model.id,
        alias,
        versionId: target.id,
        versionNumber: target.number,
        expectedVersionId: current?.id ?? null,
        expectedVersionNumber: current?.number ?? null,
        state: 'PENDING',
        reason,
        requestedBy: caller.principal.subject,
        requestedAt: now,
        expiresAt: new Date(now.getTime() + this.ttlDays * DAY_MS),
        decidedBy: null,
        decidedAt: null,
        comment: null,
      };
      await em.insert(AliasChangeRequestEntity, request);
      await this.record(em, caller, 'alias.change_requested', registry, model, request, now, {
        target,
        previous: current,
        data: { reason, expiresAt: request.expiresAt.toISOString() },
      });
      return request;
    });
  }

  /**
   * One admin's approval. The approval that reaches the registry's requiredApprovals applies the
   * change, under the model's lock, if the alias still points where it did when the request was
   * made (and the version is still there, not archived); otherwise the request becomes STALE and
   * nothing moves. Either way the approval and the new state commit.
   */
  async approve(
    caller: Caller,
    input: DecideAliasChangeParams,
  ): Promise<{ request: AliasChangeRequestEntity; applied: boolean }> {
    const comment = validate.text(input.comment, 'comment');
    return this.db.transaction(async (em) => {
      const { registry, model, request } = await this.lockRequest(em, caller.principal, input.request, 'alias:approve');
      if (request.requestedBy === caller.principal.subject)
        throw new ForbiddenError('You made this request: another admin of this registry must approve it.');
      const taken = await em.findOneBy(AliasChangeApprovalEntity, {
        changeRequestId: request.id,
        approver: caller.principal.subject,
      });
      if (taken) throw new ConflictError('You have approved this request already.');
      const now = new Date();
      await em.insert(AliasChangeApprovalEntity, {
        id: uuidv7(),
        changeRequestId: request.id,
        approver: caller.principal.subject,
        approverGroups: caller.principal.groups,
        comment,
        at: now,
      });
      const approvals = await this.standingApprovals(em, request.id, registry);
      const target = await em.findOneBy(VersionEntity, {
        id: request.versionId,
      });
      await this.record(em, caller, 'alias.change_approved', registry, model, request, now, {
        target,
        data: {
          comment,
          approvals,
          requiredApprovals: registry.requiredApprovals,
        },
      });
      if (approvals < registry.requiredApprovals) return { request, applied: false };

      const current = await this.aliases.currentVersion(em, model.id, request.alias);
      const moved = (current?.id ?? null) !== request.expectedVersionId;
      if (moved || !target || target.archivedAt) {
        await this.decide(em, request, 'STALE', caller, comment, now);
        await this.record(em, caller, 'alias.change_stale', registry, model, request, now, {
          target,
          previous: current,
          data: { currentVersion: current ? versionName(current) : null },
        });
        return { request, applied: false };
      }
      const why = `change request by ${request.requestedBy}${request.reason ? `: ${request.reason}` : ''}`;
      await this.aliases.apply(em, caller, registry, model, request.alias, target, why, now);
      await this.decide(em, request, 'APPLIED', caller, comment, now);
      await this.record(em, caller, 'alias.change_applied', registry, model, request, now, {
        target,
        previous: current,
        data: { approvals },
      });
      return { request, applied: true };
    });
  }

  /**
   * The request's approvals whose approver may still approve in the registry: an admin who has
   * lost the role since approving no longer counts toward requiredApprovals. The check goes through
   * the policy, as the approver's subject and the groups their token carried when they approved.
   */
  private async standingApprovals(em: EntityManager, requestId: string, registry: RegistryEntity): Promise<number> {
    const approvals = await em.findBy(AliasChangeApprovalEntity, { changeRequestId: requestId });
    let standing = 0;
    for (const a of approvals) {
      const approver = { subject: a.approver, groups: a.approverGroups ?? [], globalAdmin: false };
      if (await this.authz.can(approver, 'alias:approve', registry)) standing += 1;
    }
    return standing;
  }

  async reject(caller: Caller, input: DecideAliasChangeParams): Promise<AliasChangeRequestEntity> {
    const comment = validate.text(input.comment, 'comment');
    return this.db.transaction(async (em) => {
      const { registry, model, request } = await this.lockRequest(em, caller.principal, input.request, 'alias:approve');
      const now = new Date();
      await this.decide(em, request, 'REJECTED', caller, comment, now);
      await this.record(em, caller, 'alias.change_rejected', registry, model, request, now, { data: { comment } });
      return request;
    });
  }

  async cancel(caller: Caller, input: DecideAliasChangeParams): Promise<AliasChangeRequestEntity> {
    const comment = validate.text(input.comment, 'comment');
    return this.db.transaction(async (em) => {
      const { registry, model, request } = await this.lockRequest(em, caller.principal, input.request, 'alias:request');
      if (request.requestedBy !== caller.principal.subject)
        throw new ForbiddenError('Only the requester may cancel a change request; admins may reject it.');
      const now = new Date();
      await this.decide(em, request, 'CANCELLED', caller, comment, now);
      await this.record(em, caller, 'alias.change_cancelled', registry, model, request, now, { data: { comment } });
      return request;
    });
  }

  /** A registry's requests, or one model's, newest first, filtered by state (and alias). */
  async list(
    scope: { registryId: string } | { modelId: string },
    filter: ChangeRequestFilterParams,
    args: PageArgs,
  ): Promise<Page<AliasChangeRequestEntity>> {
    const qb = this.db.manager.getRepository(AliasChangeRequestEntity).createQueryBuilder('c');
    if ('registryId' in scope) qb.where('c.registryId = :registryId', { registryId: scope.registryId });
    else qb.where('c.modelId = :modelId', { modelId: scope.modelId });
    if (filter.alias) qb.andWhere('c.alias = :alias', { alias: filter.alias });
    const now = this.db.dialect.timestamp(new Date());
    if (filter.state === 'PENDING') qb.andWhere(`c.state = 'PENDING' AND c.expiresAt > :now`, { now });
    else if (filter.state === 'EXPIRED') qb.andWhere(`c.state = 'PENDING' AND c.expiresAt <= :now`, { now });
    else if (filter.state) qb.andWhere('c.state = :state', { state: filter.state });
    return fetchPage(this.db, qb, NEWEST_FIRST, args);
  }

  /**
   * The request, its registry (NOT_FOUND unless readable, then `permission` or FORBIDDEN) and its
   * model, locked in the order every alias write takes them (model, then request), and PENDING.
   */
  private async lockRequest(
    em: EntityManager,
    principal: Principal,
    globalId: string,
    permission: 'alias:approve' | 'alias:request',
  ): Promise<{
    registry: RegistryEntity;
    model: ModelEntity;
    request: AliasChangeRequestEntity;
  }> {
    const id = expectGlobalId(globalId, 'AliasChangeRequest', 'request');
    const found = await em.findOneBy(AliasChangeRequestEntity, { id });
    const registry = found && (await em.findOneBy(RegistryEntity, { id: found.registryId }));
    if (!found || !registry || !(await this.authz.can(principal, 'registry:read', registry)))
      throw new NotFoundError(`Change request "${globalId}" was not found.`);
    await this.authz.require(principal, permission, registry);
    const model = (await this.db.lockForUpdate(em, ModelEntity, found.modelId))!;
    const request = (await this.db.lockForUpdate(em, AliasChangeRequestEntity, id))!;
    const state = stateOf(request);
    if (state !== 'PENDING')
      throw new ConflictError(`This change request is ${state}; only a PENDING request can be decided.`, { state });
    return { registry, model, request };
  }

  private async decide(
    em: EntityManager,
    request: AliasChangeRequestEntity,
    state: StoredRequestState,
    caller: Caller,
    comment: string | null,
    now: Date,
  ): Promise<void> {
    Object.assign(request, {
      state,
      decidedBy: caller.principal.subject,
      decidedAt: now,
      comment,
    });
    await em.update(
      AliasChangeRequestEntity,
      { id: request.id },
      { state, decidedBy: caller.principal.subject, decidedAt: now, comment },
    );
  }

  private async record(
    em: EntityManager,
    caller: Caller,
    type: ChangeType,
    registry: RegistryEntity,
    model: ModelEntity,
    request: AliasChangeRequestEntity,
    at: Date,
    extra: {
      target?: VersionEntity | null;
      previous?: VersionEntity | null;
      data?: Record<string, unknown>;
    },
  ): Promise<void> {
    const snapshot = {
      alias: request.alias,
      version: `v${request.versionNumber}`,
      expectedVersion: request.expectedVersionNumber === null ? null : `v${request.expectedVersionNumber}`,
      state: request.state,
      requestedBy: request.requestedBy,
    };
    await this.changes.record(
      em,
      caller,
      {
        type,
        registry,
        model,
        alias: request.alias,
        version:
          extra.target !== undefined ? extra.target : await em.findOneBy(VersionEntity, { id: request.versionId }),
        previousVersion: extra.previous ?? null,
        targetId: request.id,
        after: snapshot,
        data: {
          request: toGlobalId('AliasChangeRequest', request.id),
          ...extra.data,
        },
      },
      at,
    );
  }
}
