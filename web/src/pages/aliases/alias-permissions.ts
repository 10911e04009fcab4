import type { Role } from '../../gql/graphql';

/** What the console knows about the caller in one registry (from `viewer`). */
export interface Caller {
  subject: string;
  globalAdmin: boolean;
  /** The caller's strongest role in the registry, or null. */
  role: Role | null;
}

export interface AliasControl {
  /** The Move button is enabled. The server still decides: a FORBIDDEN is shown as such. */
  canMove: boolean;
  /** A member may ask for a protected alias to move (requestAliasChange). */
  canRequest: boolean;
  /** Why the button is disabled, or who may move it; null when nothing needs saying. */
  note: string | null;
}

export const LATEST = 'latest';

export function callerIn(
  viewer: { subject: string; globalAdmin: boolean; roles: { role: Role; registry: { name: string } }[] },
  registry: string,
): Caller {
  const role = viewer.roles.find((r) => r.registry.name === registry)?.role ?? null;
  return { subject: viewer.subject, globalAdmin: viewer.globalAdmin, role };
}

export const isAdmin = (caller: Caller) => caller.globalAdmin || caller.role === 'ADMIN';
const isWriter = (caller: Caller) => isAdmin(caller) || caller.role === 'MEMBER';

/** Who may move a protected alias, from the registry's members the API shows the caller. */
export function whoMayMove(members: { subject: string; role: Role }[]): string {
  const admins = members.filter((m) => m.role === 'ADMIN').map((m) => m.subject);
  return admins.length
    ? `Protected: only registry admins may move it (${admins.join(', ')}).`
    : 'Protected: only registry admins may move it.';
}

/**
 * The state of an alias's Move button for the caller, mirroring the policy (policies/policy.csv):
 * members move unprotected aliases, only admins protected ones, and nobody moves `latest` (the
 * server keeps it on the newest version).
 */
export function aliasControl(
  alias: { name: string; protected: boolean },
  caller: Caller,
  members: { subject: string; role: Role }[],
): AliasControl {
  if (alias.name === LATEST)
    return { canMove: false, canRequest: false, note: 'Follows the newest version that is not archived.' };
  if (alias.protected) {
    const admin = isAdmin(caller);
    return { canMove: admin, canRequest: !admin && caller.role === 'MEMBER', note: whoMayMove(members) };
  }
  const writer = isWriter(caller);
  return { canMove: writer, canRequest: false, note: writer ? null : 'Only members and admins may move it.' };
}
