import { EntityManager } from 'typeorm';
import { Authorizer } from '../access/authorizer';
import { Caller, Principal } from '../access/principal';
import { insertBinding } from '../access/role-bindings';
import { ChangeLog, changedFields } from '../changes';
import { ConflictError, NotFoundError } from '../common/errors';
import { fetchPage, KeysetOrder, Page, PageArgs } from '../common/pagination';
import { uuidv7 } from '../common/uuid';
import * as validate from '../common/validate';
import { Database, isUniqueViolation } from '../db/database';
import { RegistryEntity, Visibility } from './registry.entity';

export interface CreateRegistryParams {
  name: string;
  description?: string | null;
  visibility?: Visibility | null;
  protectedAliases?: string[] | null;
  requiredApprovals?: number | null;
}

export interface UpdateRegistryParams {
  registry: string;
  description?: string | null;
  visibility?: Visibility | null;
  protectedAliases?: string[] | null;
  requiredApprovals?: number | null;
}

const BY_NAME: KeysetOrder<RegistryEntity> = {
  key: 'registry:name',
  columns: [{ expr: 'r.name', dir: 'ASC', kind: 'string', value: (r) => r.name }],
};

/** Fields the audit log shows before and after a registry change. */
function snapshot(r: RegistryEntity) {
  return {
    name: r.name,
    description: r.description,
    visibility: r.visibility,
    protectedAliases: r.protectedAliases,
    requiredApprovals: r.requiredApprovals,
  };
}

export class RegistryService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly changes: ChangeLog,
  ) {}

  /**
   * The registry by name, if the principal may read it; one they may not read does not exist for
   * them. Inside a transaction pass its manager: a second pooled connection per transaction could
   * exhaust the pool under load and deadlock.
   */
  async get(principal: Principal, name: string, em: EntityManager = this.db.manager): Promise<RegistryEntity> {
    const registry = await em.findOneBy(RegistryEntity, { name });
    if (!registry || !(await this.authz.can(principal, 'registry:read', registry))) {
      throw new NotFoundError(`Registry "${name}" was not found.`);
    }
    return registry;
  }

  async list(principal: Principal, args: PageArgs): Promise<Page<RegistryEntity>> {
    const readable = await this.authz.registryIdsAllowing(principal, 'registry:read');
    const qb = this.db.manager.getRepository(RegistryEntity).createQueryBuilder('r');
    if (readable !== 'all') {
      if (readable.length === 0) qb.where('1 = 0');
      else qb.where('r.id IN (:...readable)', { readable });
    }
    return fetchPage(this.db, qb, BY_NAME, args);
  }

  async create(caller: Caller, input: CreateRegistryParams): Promise<RegistryEntity> {
    await this.authz.require(caller.principal, 'registry:create');
    const now = new Date();
    const registry: RegistryEntity = {
      id: uuidv7(),
      name: validate.registryName(input.name),
      description: validate.text(input.description, 'description'),
      visibility: input.visibility ?? 'RESTRICTED',
      protectedAliases: validate.aliasList(input.protectedAliases ?? ['production'], 'protectedAliases'),
      requiredApprovals: validate.requiredApprovals(input.requiredApprovals ?? 1),
      createdBy: caller.principal.subject,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.db.transaction(async (em) => {
        await em.insert(RegistryEntity, registry);
        const after = snapshot(registry);
        await this.changes.record(
          em,
          caller,
          {
            type: 'registry.created',
            registry,
            targetId: registry.id,
            after,
          },
          now,
        );
        // The creator administers what they made, even if they later leave AUTH_ADMINS.
        await insertBinding(em, this.changes, caller, registry, caller.principal.subject, 'ADMIN', now);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`Registry "${registry.name}" already exists.`);
      throw err;
    }
    return registry;
  }

  async update(caller: Caller, input: UpdateRegistryParams): Promise<RegistryEntity> {
    const protectedAliases =
      input.protectedAliases == null ? undefined : validate.aliasList(input.protectedAliases, 'protectedAliases');
    const description = input.description === undefined ? undefined : validate.text(input.description, 'description');
    const approvals = input.requiredApprovals == null ? undefined : validate.requiredApprovals(input.requiredApprovals);
    return this.db.transaction(async (em) => {
      const found = await this.get(caller.principal, input.registry, em);
      await this.authz.require(caller.principal, 'registry:admin', found);
      // Locked so that two admins editing at once cannot overwrite each other's change.
      const registry = (await this.db.lockForUpdate(em, RegistryEntity, found.id))!;
      const before = snapshot(registry);
      if (description !== undefined) registry.description = description;
      if (input.visibility) registry.visibility = input.visibility;
      if (protectedAliases) registry.protectedAliases = protectedAliases;
      if (approvals !== undefined) registry.requiredApprovals = approvals;
      registry.updatedAt = new Date();
      await em.update(
        RegistryEntity,
        { id: registry.id },
        {
          description: registry.description,
          visibility: registry.visibility,
          protectedAliases: registry.protectedAliases,
          requiredApprovals: registry.requiredApprovals,
          updatedAt: registry.updatedAt,
        },
      );
      const after = snapshot(registry);
      const changed = changedFields(before, after);
      await this.changes.record(
        em,
        caller,
        {
          type: 'registry.updated',
          registry,
          targetId: registry.id,
          before,
          after,
          data: changed ?? undefined,
          notify: changed !== null,
          // Visibility decides who may read the registry; the rest is not access.
          accessChanged: before.visibility !== registry.visibility,
        },
        registry.updatedAt,
      );
      return registry;
    });
  }
}
