import { ForbiddenError } from '../common/errors';
import { Principal } from './principal';

/**
 * What a caller may do to a registry and what is in it. The access table of DESIGN.md maps each
 * role to a set of these.
 */
export type Permission =
  | 'registry:create'
  | 'registry:read'
  | 'registry:admin'
  | 'model:write'
  | 'alias:write'
  | 'alias:write-protected';

/** The registry an access decision is about: its id and visibility are all the rules need. */
export interface RegistryScope {
  id: string;
  visibility: string;
}

/**
 * The one place that decides access. Services call it once per operation and object; resolvers
 * never decide. Until role-based rules land (issue #3) only global admins are allowed, and every
 * request is made as one.
 */
export class Authorizer {
  async can(principal: Principal, _permission: Permission, _registry?: RegistryScope): Promise<boolean> {
    return principal.globalAdmin;
  }

  async require(principal: Principal, permission: Permission, registry?: RegistryScope): Promise<void> {
    if (!(await this.can(principal, permission, registry))) throw new ForbiddenError();
  }

  /** Registry ids the principal may read, or 'all'. Lists filter on it in SQL, so pages stay full. */
  async readableRegistryIds(principal: Principal): Promise<string[] | 'all'> {
    return principal.globalAdmin ? 'all' : [];
  }
}
