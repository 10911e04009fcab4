import { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { RegistryError } from '../common/errors';
import { Logger } from '../common/logger';
import { currentRequestScope, recordErrorCode } from '../common/request-scope';
import { nameTokenLimit } from './limits';

export interface FormatErrorOptions {
  /** Development only: internal messages reach the client. */
  exposeDetails: boolean;
  /** Drop "Did you mean …?" from messages: with introspection off, they would spell out the schema. */
  hideSuggestions: boolean;
}

// Apollo's DisableSuggestions plugin strips these from validation errors only; variable coercion
// errors (an unknown enum value in `variables`) carry them too.
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * Clients see our own errors (with their stable `extensions.code`) and GraphQL's parse and
 * validation errors as they are. Anything else is a bug or an outage: it is logged with the
 * request id, and the client gets INTERNAL_SERVER_ERROR and that id, never the internal message
 * or stack (unless `exposeDetails`, for development). Every code is noted on the request scope for
 * the request's log line and the error metrics.
 */
export function createFormatError(logger: Logger, opts: FormatErrorOptions) {
  const format = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof RegistryError) {
      const { http: _http, ...extensions } = original.extensions;
      return {
        message: formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions,
      };
    }
    const code = formatted.extensions?.code;
    // Apollo assigns these codes to its own request, parse and validation errors: safe to show.
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      const message = nameTokenLimit(
        opts.hideSuggestions ? formatted.message.replace(SUGGESTION, '') : formatted.message,
      );
      return { ...formatted, message, extensions };
    }
    // formatError has no access to the request context; the request scope carries the id.
    const requestId = currentRequestScope()?.requestId;
    logger.error('unexpected error', {
      requestId,
      error: original instanceof Error ? original.stack : String(original),
      path: formatted.path,
    });
    if (opts.exposeDetails) return formatted;
    return {
      message: `Internal server error. Quote request id ${requestId} when reporting it.`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    };
  };
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    const code = result.extensions?.code;
    recordErrorCode(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
    return result;
  };
}
