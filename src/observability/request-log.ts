import { Logger } from '../common/logger';
import { RequestSummary } from '../http/http-server';

/**
 * The one log line per GraphQL request. It names the operation, never the document, the
 * variables or the token: those can carry secrets and personal data.
 */
export function logRequest(logger: Logger, s: RequestSummary): void {
  logger.info('graphql request', {
    requestId: s.requestId,
    operationName: s.operationName,
    method: s.method,
    status: s.status,
    durationMs: Math.round(s.durationMs * 10) / 10,
    errorCodes: s.errorCodes,
    subject: s.subject,
    sqlStatements: s.sqlStatements,
  });
}
