import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Facts about the current request that code far from the resolvers needs: the request id (for
 * error masking and logs), a count of the SQL statements run (for tests and benchmarks that
 * prove a page of 50 costs what a page of 5 does), and what the request log line and metrics
 * report (operation, caller, error codes). Carried by AsyncLocalStorage, so it follows the
 * request through every await without being passed around.
 */
export interface RequestScope {
  requestId: string;
  sqlStatements: number;
  /** When present, every statement run for the request (benchmarks replay them to time bare SQL). */
  statements?: { query: string; parameters?: unknown[] }[];
  /** The operation's name once the document is parsed and validated; null if it has none. */
  operationName?: string | null;
  /** The token's subject, once authenticated. */
  subject?: string;
  /** `extensions.code` of every error in the response, in order. */
  errorCodes?: string[];
  /**
   * `Database.cleanReadStamp()` as the request began. The model cache keeps what a request read
   * only if no transaction opened or ended since: a model's revision is read early in a request,
   * apart from the rows it then keys, and on SQLite it may have been an uncommitted one.
   */
  readStamp?: number | null;
}

const scopes = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return scopes.getStore();
}

/** Notes an error code against the current request, for its log line and the error metrics. */
export function recordErrorCode(code: string, scope = currentRequestScope()): void {
  if (scope) (scope.errorCodes ??= []).push(code);
}
