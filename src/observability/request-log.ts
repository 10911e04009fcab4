import { Logger } from '../common/logger';
import type { BlobRequestSummary } from '../files/blob.routes';
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

/**
 * The one log line per blob request (PUT, GET, HEAD of /v1/…/blobs/…), in the same shape as a
 * GraphQL request's: who moved how many bytes of which blob, never the token.
 */
export function logBlobRequest(logger: Logger, s: BlobRequestSummary): void {
  logger.info('blob request', {
    requestId: s.requestId,
    method: s.method,
    registry: s.registry,
    digest: s.digest,
    status: s.status,
    bytesIn: s.bytesIn,
    bytesOut: s.bytesOut,
    complete: s.complete,
    durationMs: Math.round(s.durationMs * 10) / 10,
    errorCodes: s.errorCodes,
    subject: s.subject,
  });
}
