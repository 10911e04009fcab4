import { GraphQLError } from 'graphql';

/**
 * The error codes clients may rely on (docs/architecture.md, API conventions). Each class fixes its code, so a
 * service never spells one by hand and `formatError` can tell ours from unexpected failures.
 */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE';

export abstract class RegistryError extends GraphQLError {
  abstract readonly code: ErrorCode;
  protected constructor(message: string, code: ErrorCode, details?: Record<string, unknown>) {
    super(message, { extensions: { code, ...details } });
  }
}

/**
 * Ties `err` to one item of a list input (setAliases' `changes`): adds `extensions.change` (the
 * item's index) and prefixes the message with the item, so a client knows which one to fix.
 * Anything that is not ours (a retry signal, a bug) passes through untouched.
 */
export function inChange(err: unknown, index: number, label: string): unknown {
  if (!(err instanceof RegistryError) || err.extensions.change !== undefined) return err;
  err.extensions.change = index;
  err.message = `changes[${index}] (${label}): ${err.message}`;
  return err;
}

export class BadInputError extends RegistryError {
  readonly code = 'BAD_USER_INPUT' as const;
  /**
   * `field` names the input field at fault, so a form can point at it; `details` adds what else a
   * client may act on (the `limit` passed and its `max`).
   */
  constructor(message: string, field?: string, details?: Record<string, unknown>) {
    super(message, 'BAD_USER_INPUT', field || details ? { ...(field ? { field } : {}), ...details } : undefined);
  }
}

export class NotFoundError extends RegistryError {
  readonly code = 'NOT_FOUND' as const;
  constructor(message: string) {
    super(message, 'NOT_FOUND');
  }
}

export class ConflictError extends RegistryError {
  readonly code = 'CONFLICT' as const;
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, 'CONFLICT', details);
  }
}

export class ForbiddenError extends RegistryError {
  readonly code = 'FORBIDDEN' as const;
  constructor(message = 'You are not allowed to do this.') {
    super(message, 'FORBIDDEN');
  }
}

export class UnauthenticatedError extends RegistryError {
  readonly code = 'UNAUTHENTICATED' as const;
  constructor(message = 'A valid bearer token is required.') {
    // Apollo turns extensions.http into the response status (and strips it from the body).
    super(message, 'UNAUTHENTICATED', { http: { status: 401 } });
  }
}

/**
 * A request over one of the configured limits (docs/limits.md), refused before anything runs.
 * `details` names the limit (`limit`: the environment variable) and its value (`max`); HTTP 400,
 * since the request as sent can never succeed.
 */
export class LimitExceededError extends RegistryError {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(message: string, details: Record<string, unknown>) {
    super(message, 'BAD_USER_INPUT', { ...details, http: { status: 400 } });
  }
}

/**
 * A request sent over a transport that cannot carry it: a subscription over HTTP POST, which has no
 * stream to send events on. HTTP 400, since the request as sent can never succeed.
 */
export class WrongTransportError extends RegistryError {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(message: string) {
    super(message, 'BAD_USER_INPUT', { http: { status: 400 } });
  }
}

/**
 * Something the request needs is down for now, and trying again later may work: live updates while
 * their event bus (Redis) is unreachable. Never an input error, never a bug.
 */
export class UnavailableError extends RegistryError {
  readonly code = 'UNAVAILABLE' as const;
  constructor(message: string) {
    super(message, 'UNAVAILABLE', { http: { status: 503 } });
  }
}
