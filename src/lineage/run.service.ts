import { EntityManager } from 'typeorm';
import { Authorizer } from '../access/authorizer';
import { Caller, Principal } from '../access/principal';
import { ChangeLog } from '../changes';
import { BadInputError, NotFoundError } from '../common/errors';
import { uuidv7 } from '../common/uuid';
import * as validate from '../common/validate';
import { Database, isUniqueViolation, RetryTransaction } from '../db/database';
import { RegistryEntity } from '../registry/registry.entity';
import { RegistryService } from '../registry/registry.service';
import { RUN_STATUSES, RunEntity, RunStatus } from './run.entity';
import { parseLineageId } from './lineage-node';

export interface CreateRunParams {
  registry: string;
  name: string;
  externalId?: string | null;
  config?: Record<string, unknown> | null;
  metrics?: Record<string, unknown> | null;
  status?: RunStatus | null;
  startedAt?: Date | null;
}

export interface UpdateRunParams {
  run: string;
  status?: RunStatus | null;
  metrics?: Record<string, unknown> | null;
  finishedAt?: Date | null;
}

const RUN_NAME = /^[^\s].{0,254}$/;
const runSnapshot = (r: RunEntity) => ({
  name: r.name,
  externalId: r.externalId,
  status: r.status,
  metrics: r.metrics,
  finishedAt: r.finishedAt,
});

export class RunService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly registries: RegistryService,
    private readonly changes: ChangeLog,
  ) {}

  /** A run by global id, if the caller may read its registry. */
  async get(
    principal: Principal,
    globalId: string,
    em: EntityManager = this.db.manager,
  ): Promise<{ run: RunEntity; registry: RegistryEntity }> {
    const { id } = parseLineageId(globalId, 'run', ['RUN']);
    const run = await em.findOneBy(RunEntity, { id });
    const registry = run && (await em.findOneBy(RegistryEntity, { id: run.registryId }));
    if (!run || !registry || !(await this.authz.can(principal, 'registry:read', registry)))
      throw new NotFoundError(`Run "${globalId}" was not found.`);
    return { run, registry };
  }

  /** Creates a run; a run whose externalId the registry already knows is returned as it is. */
  async create(caller: Caller, input: CreateRunParams): Promise<{ run: RunEntity; created: boolean }> {
    if (!RUN_NAME.test(input.name))
      throw new BadInputError('Run name must be 1-255 characters, not starting with a space.', 'name');
    if (input.externalId != null && (input.externalId.length === 0 || input.externalId.length > 255))
      throw new BadInputError('externalId must be 1-255 characters.', 'externalId');
    const config = validate.jsonObject(input.config ?? {}, 'config');
    const metrics = validate.metrics(input.metrics ?? {});
    const status = input.status ?? 'RUNNING';
    if (!RUN_STATUSES.includes(status))
      throw new BadInputError(`status must be one of ${RUN_STATUSES.join(', ')}.`, 'status');
    return this.db.transaction(async (em) => {
      const registry = await this.registries.get(caller.principal, input.registry, em);
      await this.authz.require(caller.principal, 'model:write', registry);
      if (input.externalId) {
        const existing = await em.findOneBy(RunEntity, {
          registryId: registry.id,
          externalId: input.externalId,
        });
        if (existing) return { run: existing, created: false };
      }
      const now = new Date();
      const run: RunEntity = {
        id: uuidv7(),
        registryId: registry.id,
        name: input.name,
        externalId: input.externalId ?? null,
        config,
        metrics,
        status,
        startedAt: input.startedAt ?? now,
        finishedAt: status === 'RUNNING' ? null : now,
        createdBy: caller.principal.subject,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await em.insert(RunEntity, run);
      } catch (err) {
        if (isUniqueViolation(err)) throw new RetryTransaction('run externalId taken concurrently');
        throw err;
      }
      await this.changes.record(
        em,
        caller,
        {
          type: 'run.created',
          registry,
          targetId: run.id,
          after: runSnapshot(run),
        },
        now,
      );
      return { run, created: true };
    });
  }

  async update(caller: Caller, input: UpdateRunParams): Promise<RunEntity> {
    if (input.status != null && !RUN_STATUSES.includes(input.status))
      throw new BadInputError(`status must be one of ${RUN_STATUSES.join(', ')}.`, 'status');
    const metrics = input.metrics == null ? undefined : validate.metrics(input.metrics);
    return this.db.transaction(async (em) => {
      const { run, registry } = await this.get(caller.principal, input.run, em);
      await this.authz.require(caller.principal, 'model:write', registry);
      const before = runSnapshot(run);
      const now = new Date();
      if (input.status) run.status = input.status;
      if (metrics) run.metrics = validate.mergedMetrics(run.metrics, metrics);
      if (input.finishedAt) run.finishedAt = input.finishedAt;
      else if (input.status && input.status !== 'RUNNING' && !run.finishedAt) run.finishedAt = now;
      run.updatedAt = now;
      await em.update(
        RunEntity,
        { id: run.id },
        {
          status: run.status,
          metrics: run.metrics,
          finishedAt: run.finishedAt,
          updatedAt: now,
        },
      );
      const after = runSnapshot(run);
      await this.changes.record(em, caller, { type: 'run.updated', registry, targetId: run.id, before, after }, now);
      return run;
    });
  }
}
