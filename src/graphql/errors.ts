import { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { RegistryError } from '../common/errors';
import { Logger } from '../common/logger';
import { currentRequestScope } from '../common/request-scope';

/**
 * Clients see our own errors (with their stable `extensions.code`) and GraphQL's parse and
 * validation errors as they are. Anything else is a bug or an outage: it is logged with the
 * request id, and the client gets INTERNAL_SERVER_ERROR and that id, never the internal message
 * or stack (unless `exposeDetails`, for development).
 */
export function createFormatError(logger: Logger, exposeDetails: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof RegistryError) {
      const { http: _http, ...extensions } = original.extensions;
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code;
    // Apollo assigns these codes to its own request, parse and validation errors: safe to show.
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    // formatError has no access to the request context; the request scope carries the id.
    const requestId = currentRequestScope()?.requestId;
    logger.error('unexpected error', { requestId, error: original instanceof Error ? original.stack : String(original), path: formatted.path });
    if (exposeDetails) return formatted;
    return {
      message: `Internal server error. Quote request id ${requestId} when reporting it.`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    };
  };
}
