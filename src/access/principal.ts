/**
 * Who is calling. Every service method that reads or writes receives one, so access rules are
 * decided in the service, once per operation, never in resolvers.
 */
export interface Principal {
  /** The JWT `sub`, or `local-admin` until authentication is configured. */
  subject: string;
  /** Group names from the token's groups claim; role bindings may name `group:<name>`. */
  groups: string[];
  /** Listed in AUTH_ADMINS: may create registries and act as ADMIN everywhere. */
  globalAdmin: boolean;
}

/** The caller of one request: the principal, plus the request id that audit events carry. */
export interface Caller {
  principal: Principal;
  requestId: string;
}

/** Until authentication lands (issue #3) every request acts as this global admin. */
export const LOCAL_ADMIN: Principal = { subject: 'local-admin', groups: [], globalAdmin: true };
