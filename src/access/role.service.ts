import { In } from 'typeorm';
import { ChangeLog } from '../changes';
import { BadInputError, NotFoundError } from '../common/errors';
import { Database } from '../db/database';
import { RegistryEntity } from '../registry/registry.entity';
import { RegistryService } from '../registry/registry.service';
import { Authorizer } from './authorizer';
import { Caller, Principal } from './principal';
import { insertBinding } from './role-bindings';
import { Role, RoleBindingEntity, ROLES } from './role-binding.entity';

export interface GrantRoleParams {
  registry: string;
  subject: string;
  role: Role;
}

export interface RevokeRoleParams {
  registry: string;
  subject: string;
}

// A token subject, or group:<name>. `@…` and `role:…` are the policy's own names.
const SUBJECT = /^(?!@|role:)[^\s]{1,255}$/i;
const RANK: Record<Role, number> = {
  RESTRICTED_VIEWER: 1,
  VIEWER: 2,
  MEMBER: 3,
  ADMIN: 4,
};

function subjectName(value: string): string {
  if (!SUBJECT.test(value) || value === 'group:') {
    throw new BadInputError(
      `Subject "${value}" is invalid: a token subject (sub) or group:<name>, 1-255 characters without spaces.`,
      'subject',
    );
  }
  return value;
}

/**
 * Role bindings: who holds which role in which registry. Every change goes through the ChangeLog,
 * which raises the policy version in its transaction and reloads this instance's policy after
 * commit, so it applies from the next request here and within the poll interval on other
 * instances.
 */
export class RoleService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly registries: RegistryService,
    private readonly changes: ChangeLog,
  ) {}

  async grant(
    caller: Caller,
    input: GrantRoleParams,
  ): Promise<{ binding: RoleBindingEntity; previousRole: Role | null }> {
    const subject = subjectName(input.subject);
    if (!ROLES.includes(input.role)) throw new BadInputError(`Role must be one of ${ROLES.join(', ')}.`, 'role');
    return this.db.transaction(async (em) => {
      const registry = await this.registries.get(caller.principal, input.registry, em);
      await this.authz.require(caller.principal, 'registry:admin', registry);
      const now = new Date();
      const previousRole = await insertBinding(em, this.changes, caller, registry, subject, input.role, now);
      return {
        binding: await em.findOneByOrFail(RoleBindingEntity, {
          registryId: registry.id,
          subject,
        }),
        previousRole,
      };
    });
  }

  async revoke(caller: Caller, input: RevokeRoleParams): Promise<RoleBindingEntity> {
    const subject = subjectName(input.subject);
    return this.db.transaction(async (em) => {
      const registry = await this.registries.get(caller.principal, input.registry, em);
      await this.authz.require(caller.principal, 'registry:admin', registry);
      const binding = await em.findOneBy(RoleBindingEntity, {
        registryId: registry.id,
        subject,
      });
      if (!binding) throw new NotFoundError(`"${subject}" has no role in registry "${registry.name}".`);
      await em.delete(RoleBindingEntity, { id: binding.id });
      await this.changes.record(em, caller, {
        type: 'role.revoked',
        registry,
        targetId: registry.id,
        before: { subject, role: binding.role },
        after: null,
        data: { subject, role: binding.role },
      });
      return binding;
    });
  }

  /**
   * A registry's bindings, by subject, for a caller already allowed to read the registry. Only
   * those who hold a role in it themselves (or through a group), and admins, see them; anyone
   * else, such as every authenticated caller reading an ORGANIZATION registry, gets an empty
   * list. Empty rather than FORBIDDEN: a query asking for members along with other fields still
   * works, and an empty list is what a registry without bindings would show, so it reveals nothing.
   */
  async members(principal: Principal, registry: RegistryEntity): Promise<RoleBindingEntity[]> {
    if (!(await this.authz.canAsMember(principal, 'registry:members', registry))) return [];
    return this.db.manager.find(RoleBindingEntity, {
      where: { registryId: registry.id },
      order: { subject: 'ASC' },
    });
  }

  /** The principal's strongest role in each registry where they (or one of their groups) hold one. */
  async rolesOf(principal: Principal): Promise<{ registryId: string; role: Role }[]> {
    const subjects = [principal.subject, ...principal.groups.map((g) => `group:${g}`)];
    const rows = await this.db.manager.find(RoleBindingEntity, {
      where: { subject: In(subjects) },
    });
    const best = new Map<string, Role>();
    for (const r of rows) {
      const held = best.get(r.registryId);
      if (!held || RANK[r.role] > RANK[held]) best.set(r.registryId, r.role);
    }
    return [...best].map(([registryId, role]) => ({ registryId, role }));
  }
}
