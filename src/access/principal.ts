/**
 * Who is calling. Every service method that reads or writes receives one, so access rules are
 * decided in the service, once per operation, never in resolvers.
 */
export interface Principal {
  /** The JWT `sub`. */
  subject: string;
  /** Group names from the token's groups claim; role bindings may name `group:<name>`. */
  groups: string[];
  /** Listed in AUTH_ADMINS, by subject or by group: may create registries and act as ADMIN everywhere. */
  globalAdmin: boolean;
}

/** The caller of one request: the principal, plus the request id that audit events carry. */
export interface Caller {
  principal: Principal;
  requestId: string;
}
