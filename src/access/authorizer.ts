import { ForbiddenError } from '../common/errors';
import { ANY_REGISTRY, AUTHENTICATED, Policy } from './policy';
import { Principal } from './principal';

/**
 * What a caller may do to a registry and what is in it. policies/policy.csv grants these to
 * roles, following the access table of docs/architecture.md.
 */
export type Permission =
  | 'registry:create'
  | 'registry:read'
  /** Download model files (docs/files.md); everyone who reads the registry except RESTRICTED_VIEWER. */
  | 'blob:read'
  | 'registry:admin'
  | 'model:write'
  | 'alias:write'
  | 'alias:write-protected'
  | 'webhook:manage'
  | 'alias:request'
  | 'alias:approve'
  | 'model:restore'
  | 'version:delete'
  | 'registry:members';

/** The registry an access decision is about. */
export interface RegistryScope {
  id: string;
}

/**
 * The one place that decides access, by asking the Casbin policy. Services call it once per
 * operation and object; resolvers never decide. A caller acts as their own subject, as each of
 * their groups (`group:<name>`), and as `@authenticated`.
 */
export class Authorizer {
  constructor(private readonly policy: Policy) {}

  static subjectsOf(principal: Principal): string[] {
    return [principal.subject, ...principal.groups.map((g) => `group:${g}`), AUTHENTICATED];
  }

  async can(principal: Principal, permission: Permission, registry?: RegistryScope): Promise<boolean> {
    return this.policy.allows(Authorizer.subjectsOf(principal), registry?.id ?? ANY_REGISTRY, permission);
  }

  /** Throws FORBIDDEN unless allowed; `why` replaces the permission's message when the caller's action needs one. */
  async require(principal: Principal, permission: Permission, registry?: RegistryScope, why?: string): Promise<void> {
    if (!(await this.can(principal, permission, registry))) {
      throw new ForbiddenError(why ?? FORBIDDEN_MESSAGES[permission]);
    }
  }

  /**
   * Like `can`, but counting only roles granted to the caller or their groups: not the VIEWER role
   * every authenticated caller holds in an ORGANIZATION registry. Who belongs to a registry is
   * shown to those who belong to it (and to admins, whose ADMIN role counts).
   */
  async canAsMember(principal: Principal, permission: Permission, registry: RegistryScope): Promise<boolean> {
    const subjects = Authorizer.subjectsOf(principal).filter((s) => s !== AUTHENTICATED);
    return this.policy.allows(subjects, registry.id, permission);
  }

  /** Registry ids the principal holds `permission` in, or 'all'. Lists filter on it in SQL, so pages stay full. */
  async registryIdsAllowing(principal: Principal, permission: Permission): Promise<string[] | 'all'> {
    const subjects = Authorizer.subjectsOf(principal);
    if (this.policy.allows(subjects, ANY_REGISTRY, permission)) return 'all';
    return this.policy.domainsAllowing(subjects, permission);
  }

  /**
   * Loads the policy again if another instance changed it since it was loaded here. Live updates
   * call it before checking who may see an event, so a revoke that committed before the event did
   * holds on every replica, not only after the next poll.
   */
  async catchUp(): Promise<void> {
    await this.policy.refreshIfChanged();
  }

  /** Called after a change to role bindings or visibility commits: the next request sees it. */
  async policyChanged(): Promise<void> {
    await this.policy.reload();
  }
}

const FORBIDDEN_MESSAGES: Record<Permission, string> = {
  'registry:create': 'Only global admins (AUTH_ADMINS) may create registries.',
  'registry:read': 'You have no role in this registry.',
  'blob:read': 'Restricted viewers see metadata only: downloading model files needs VIEWER or above.',
  'registry:admin': 'Only admins of this registry may do this.',
  'model:write': 'Only members and admins of this registry may change models and versions.',
  'alias:write': 'Only members and admins of this registry may set, move or remove aliases.',
  'alias:write-protected': 'This alias is protected: only admins of this registry may set, move or remove it.',
  'webhook:manage': 'Only admins of this registry may see and manage its webhooks.',
  'alias:request': 'Only members and admins of this registry may request or withdraw alias changes.',
  'alias:approve': 'Only admins of this registry may approve or reject alias change requests.',
  'model:restore': 'Only admins of this registry may restore archived models and versions.',
  'version:delete': 'Only admins of this registry may delete versions.',
  'registry:members': 'Only subjects with a role in this registry may see its members.',
};
