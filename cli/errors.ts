/**
 * Exit codes, documented in docs/cli.md: scripts tell "no such model" from "not allowed" from
 * "the server is down" without parsing messages. The server's error codes (docs/api.md) map onto them.
 */
export const EXIT = {
  ok: 0,
  /** A bug or anything not listed below. */
  unexpected: 1,
  /** Wrong arguments or options, or input the server refused (BAD_USER_INPUT). */
  usage: 2,
  notFound: 3,
  /** No server or token configured, or the token was refused (UNAUTHENTICATED). */
  unauthenticated: 4,
  forbidden: 5,
  /** A compare-and-swap lost (`--expected`), or another write got there first. */
  conflict: 6,
  /** The server failed, answered something unexpected, or could not be reached. */
  server: 7,
  /** Downloaded bytes did not match their digest. */
  integrity: 8,
} as const;

const BY_SERVER_CODE: Record<string, number> = {
  BAD_USER_INPUT: EXIT.usage,
  GRAPHQL_VALIDATION_FAILED: EXIT.usage,
  NOT_FOUND: EXIT.notFound,
  UNAUTHENTICATED: EXIT.unauthenticated,
  FORBIDDEN: EXIT.forbidden,
  CONFLICT: EXIT.conflict,
};

/** A failure the CLI explains: a message, what to do next, the server's code when there is one. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly code?: string,
    readonly hint?: string,
  ) {
    super(message);
  }

  /** An error the server answered with `code` (GraphQL `extensions.code` or the blob endpoints' `error.code`). */
  static fromServer(code: string | undefined, message: string, hint?: string): CliError {
    return new CliError(message, (code ? BY_SERVER_CODE[code] : undefined) ?? EXIT.server, code, hint);
  }
}
