import { EntityManager, In } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { BadInputError, NotFoundError } from '../common/errors';
import { uuidv7 } from '../common/uuid';
import { Database } from '../db/database';
import { RegistryEntity } from '../registry/registry.entity';
import type { RegistryService } from '../registry/registry.service';
import { Authorizer } from './authorizer';
import { bumpPolicyVersion } from './policy';
import { Caller, Principal } from './principal';
import { Role, RoleBindingEntity, ROLES } from './role-binding.entity';
import { emitEvent } from '../webhooks/emit';

export interface GrantRoleInput {
  registry: string;
  subject: string;
  role: Role;
}

export interface RevokeRoleInput {
  registry: string;
  subject: string;
}

// A token subject, or group:<name>. `@…` and `role:…` are the policy's own names.
const SUBJECT = /^(?!@|role:)[^\s]{1,255}$/i;
const RANK: Record<Role, number> = { RESTRICTED_VIEWER: 1, VIEWER: 2, MEMBER: 3, ADMIN: 4 };

function subjectName(value: string): string {
  if (!SUBJECT.test(value) || value === 'group:') {
    throw new BadInputError(
      `Subject "${value}" is invalid: a token subject (sub) or group:<name>, 1-255 characters without spaces.`,
      'subject',
    );
  }
  return value;
}

/** Adds or replaces a binding inside the caller's transaction; returns the role it replaced. */
export async function insertBinding(
  em: EntityManager,
  caller: Caller,
  registry: RegistryEntity,
  subject: string,
  role: Role,
  now: Date,
): Promise<Role | null> {
  const existing = await em.findOneBy(RoleBindingEntity, { registryId: registry.id, subject });
  if (existing) {
    await em.update(
      RoleBindingEntity,
      { id: existing.id },
      { role, grantedBy: caller.principal.subject, grantedAt: now },
    );
  } else {
    await em.insert(RoleBindingEntity, {
      id: uuidv7(),
      registryId: registry.id,
      subject,
      role,
      grantedBy: caller.principal.subject,
      grantedAt: now,
    });
  }
  await recordAudit(
    em,
    caller,
    {
      action: 'role.granted',
      registryId: registry.id,
      targetType: 'RoleBinding',
      targetId: registry.id,
      before: existing ? { subject, role: existing.role } : null,
      after: { subject, role },
    },
    now,
  );
  await emitEvent(
    em,
    caller,
    { type: 'role.granted', registry, data: { subject, role, previousRole: existing?.role ?? null } },
    now,
  );
  return existing?.role ?? null;
}

/**
 * Role bindings: who holds which role in which registry. Every change raises the policy version
 * in its transaction and reloads this instance's policy after commit, so it applies from the
 * next request here and within the poll interval on other instances.
 */
export class RoleService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly registries: RegistryService,
  ) {}

  async grant(
    caller: Caller,
    input: GrantRoleInput,
  ): Promise<{ binding: RoleBindingEntity; previousRole: Role | null }> {
    const subject = subjectName(input.subject);
    if (!ROLES.includes(input.role)) throw new BadInputError(`Role must be one of ${ROLES.join(', ')}.`, 'role');
    const result = await this.db.transaction(async (em) => {
      const registry = await this.registries.get(caller.principal, input.registry, em);
      await this.authz.require(caller.principal, 'registry:admin', registry);
      const now = new Date();
      const previousRole = await insertBinding(em, caller, registry, subject, input.role, now);
      await bumpPolicyVersion(em);
      return {
        binding: await em.findOneByOrFail(RoleBindingEntity, { registryId: registry.id, subject }),
        previousRole,
      };
    });
    await this.authz.policyChanged();
    return result;
  }

  async revoke(caller: Caller, input: RevokeRoleInput): Promise<RoleBindingEntity> {
    const subject = subjectName(input.subject);
    const revoked = await this.db.transaction(async (em) => {
      const registry = await this.registries.get(caller.principal, input.registry, em);
      await this.authz.require(caller.principal, 'registry:admin', registry);
      const binding = await em.findOneBy(RoleBindingEntity, { registryId: registry.id, subject });
      if (!binding) throw new NotFoundError(`"${subject}" has no role in registry "${registry.name}".`);
      await em.delete(RoleBindingEntity, { id: binding.id });
      const now = new Date();
      await recordAudit(
        em,
        caller,
        {
          action: 'role.revoked',
          registryId: registry.id,
          targetType: 'RoleBinding',
          targetId: registry.id,
          before: { subject, role: binding.role },
          after: null,
        },
        now,
      );
      await emitEvent(em, caller, { type: 'role.revoked', registry, data: { subject, role: binding.role } }, now);
      await bumpPolicyVersion(em);
      return binding;
    });
    await this.authz.policyChanged();
    return revoked;
  }

  /** A registry's bindings, by subject. The caller has already been allowed to read the registry. */
  async members(registry: RegistryEntity): Promise<RoleBindingEntity[]> {
    return this.db.manager.find(RoleBindingEntity, { where: { registryId: registry.id }, order: { subject: 'ASC' } });
  }

  /** The principal's strongest role in each registry where they (or one of their groups) hold one. */
  async rolesOf(principal: Principal): Promise<{ registryId: string; role: Role }[]> {
    const subjects = [principal.subject, ...principal.groups.map((g) => `group:${g}`)];
    const rows = await this.db.manager.find(RoleBindingEntity, { where: { subject: In(subjects) } });
    const best = new Map<string, Role>();
    for (const r of rows) {
      const held = best.get(r.registryId);
      if (!held || RANK[r.role] > RANK[held]) best.set(r.registryId, r.role);
    }
    return [...best].map(([registryId, role]) => ({ registryId, role }));
  }
}
