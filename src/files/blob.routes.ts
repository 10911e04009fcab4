import { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Authenticator } from '../access/authenticator';
import { Logger } from '../common/logger';
import { RegistryError } from '../common/errors';
import { recordErrorCode, RequestScope } from '../common/request-scope';
import { BlobLengthError, BlobTooLargeError, DigestMismatchError } from '../storage';
import { blobHex, BlobService } from './blob.service';
import { ByteMeter, IdleTimeoutError } from './byte-meter';
import { noneMatch, parseRange } from './http-range';

const BLOB_PATH = /^\/v1\/registries\/([^/]+)\/blobs\/([^/]+)$/;
const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

/** A refusal of the byte endpoints that is not a RegistryError (wrong method, bad range). */
class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface BlobRoutesDeps {
  authenticator: Authenticator;
  blobs: BlobService;
  logger: Logger;
  /** GET answers a redirect to a presigned URL of the backend (STORAGE_PRESIGNED_DOWNLOADS). */
  presignedDownloads?: boolean;
  /** BLOB_IDLE_TIMEOUT_MS: an upload or download that moves no byte for this long is abandoned. */
  idleTimeoutMs: number;
  /** Called once per blob request, when its connection is done with it (the log line and the metrics). */
  onBlobRequest?: (summary: BlobRequestSummary) => void;
}

/** What one blob request did. Never the token. */
export interface BlobRequestSummary {
  requestId: string;
  method: string;
  /** As the path names them; null when the path is not a blob's. */
  registry: string | null;
  digest: string | null;
  status: number;
  /** Body bytes received (PUT) and sent (GET). */
  bytesIn: number;
  bytesOut: number;
  /** False when the connection closed before the response was completely written. */
  complete: boolean;
  durationMs: number;
  errorCodes: string[];
  subject: string | null;
}

/** The bytes a request moved, filled in as its meters are made. */
interface Transfer {
  upload?: ByteMeter;
  download?: ByteMeter;
}

// Long enough to start a download, short enough that a leaked URL soon stops working.
const PRESIGNED_SECONDS = 300;

/** The path of a blob in a registry, as `downloadUrl` and the docs spell it. */
export const blobPath = (registry: string, digest: string) =>
  `/v1/registries/${encodeURIComponent(registry)}/blobs/${digest}`;

/**
 * PUT, HEAD and GET /v1/registries/{registry}/blobs/sha256:{hex}: the bytes of model files,
 * outside GraphQL. Same bearer tokens as /graphql; errors are `{ "error": { "code", "message" } }`
 * with the GraphQL API's codes. Answers false for paths that are not its own.
 */
export function blobRoutes(deps: BlobRoutesDeps) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL, scope: RequestScope): Promise<boolean> => {
    if (!url.pathname.startsWith('/v1/')) return false;
    const started = process.hrtime.bigint();
    const match = BLOB_PATH.exec(url.pathname);
    const transfer: Transfer = {};
    res.once('close', () =>
      deps.onBlobRequest?.({
        requestId: scope.requestId,
        method: req.method ?? 'GET',
        registry: match ? safeDecode(match[1]) : null,
        digest: match ? safeDecode(match[2]) : null,
        status: res.statusCode,
        bytesIn: transfer.upload?.bytes ?? 0,
        bytesOut: transfer.download?.bytes ?? 0,
        complete: res.writableFinished,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        errorCodes: scope.errorCodes ?? [],
        subject: scope.subject ?? null,
      }),
    );
    try {
      if (!match)
        throw new HttpProblem(
          404,
          'NOT_FOUND',
          'Not found. Blobs live at /v1/registries/{registry}/blobs/sha256:{hex}.',
        );
      const method = req.method ?? 'GET';
      if (!['PUT', 'GET', 'HEAD'].includes(method))
        throw new HttpProblem(405, 'BAD_REQUEST', `${method} is not allowed here.`, { allow: 'PUT, GET, HEAD' });
      const [registry, digest] = [match[1], match[2]].map(decodePathSegment);
      const principal = await deps.authenticator.authenticate(req.headers.authorization);
      scope.subject = principal.subject;
      const hex = blobHex(digest);
      if (method === 'PUT')
        await put(deps, req, res, transfer, { principal, requestId: scope.requestId }, registry, hex);
      else await get(deps, req, res, transfer, url, principal, registry, hex);
    } catch (err) {
      fail(deps.logger, req, res, scope, err);
    }
    return true;
  };
}

async function put(
  deps: BlobRoutesDeps,
  req: IncomingMessage,
  res: ServerResponse,
  transfer: Transfer,
  caller: Parameters<BlobService['upload']>[0],
  registry: string,
  hex: string,
) {
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  // The body reaches the store through the meter: a client that stalls is cut after BLOB_IDLE_TIMEOUT_MS.
  // pipe(), not pipeline(): an idle upload must not destroy the request, so that its 408 can still be sent.
  const body = (transfer.upload = new ByteMeter(deps.idleTimeoutMs));
  req.pipe(body);
  req.once('error', (err) => body.destroy(err));
  // The store's pipeline hears the meter's errors once it reads; until then (a refused upload is
  // never read) an idle timeout must not be an unhandled error. The request's end disarms it.
  body.on('error', () => undefined);
  res.once('close', () => body.destroy());
  // `Expect: 100-continue` (see http-server.ts): the body is invited once the upload is allowed.
  const invite = req.headers.expect?.toLowerCase() === '100-continue' ? () => res.writeContinue() : undefined;
  const result = await deps.blobs.upload(caller, registry, hex, body, declared, invite);
  if (result.created) res.setHeader('location', blobPath(registry, `sha256:${hex}`));
  res.setHeader('etag', `"sha256:${hex}"`);
  sendJson(res, result.created ? 201 : 200, {
    digest: `sha256:${hex}`,
    sizeBytes: result.sizeBytes,
    created: result.created,
  });
}

async function get(
  deps: BlobRoutesDeps,
  req: IncomingMessage,
  res: ServerResponse,
  transfer: Transfer,
  url: URL,
  principal: Parameters<BlobService['locate']>[0],
  registry: string,
  hex: string,
) {
  const { blob, registry: found } = await deps.blobs.locate(principal, registry, hex);
  const etag = `"sha256:${hex}"`;
  res.setHeader('etag', etag);
  res.setHeader('accept-ranges', 'bytes');
  // The bytes never change, but who may read them can: caches must ask again each time.
  res.setHeader('cache-control', 'private, no-cache');
  if (noneMatch(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    return res.end();
  }
  // If-Range naming another entity asks for the whole blob (RFC 9110 §13.1.5).
  const ifRange = req.headers['if-range'];
  const range = ifRange && ifRange !== etag ? null : parseRange(req.headers.range, blob.sizeBytes);
  if (range === 'unsatisfiable')
    throw new HttpProblem(416, 'BAD_USER_INPUT', `The range is outside the blob's ${blob.sizeBytes} bytes.`, {
      'content-range': `bytes */${blob.sizeBytes}`,
    });
  res.setHeader('content-type', 'application/octet-stream');
  res.setHeader('content-length', range ? range.end - range.start + 1 : blob.sizeBytes);
  if (range) res.setHeader('content-range', `bytes ${range.start}-${range.end}/${blob.sizeBytes}`);
  res.statusCode = range ? 206 : 200;
  if (req.method === 'HEAD') return res.end();
  // A file counts as fetched when a response carrying its last byte completes: probes of its first
  // bytes, and downloads abandoned half-way, do not count; a download resumed to its end counts once.
  const reachesEnd = !range || range.end === blob.sizeBytes - 1;
  const count = () => deps.blobs.countDownload(found, hex, url.searchParams.get('version'));
  const presigned = deps.presignedDownloads ? await deps.blobs.store.presignedUrl?.(hex, PRESIGNED_SECONDS) : null;
  if (presigned) {
    // Whether the storage service's download completes is not seen here: the redirect counts.
    if (reachesEnd) await count();
    // The client follows it with the same Range header; the storage service answers the bytes.
    for (const h of ['content-type', 'content-length', 'content-range', 'accept-ranges']) res.removeHeader(h);
    res.statusCode = 307;
    res.setHeader('location', presigned);
    return res.end();
  }
  const bytes = await deps.blobs.store.open(hex, range ?? undefined);
  // A client that stops reading stalls the meter once the socket's buffers are full: cut after BLOB_IDLE_TIMEOUT_MS.
  // The count is made just before the last byte goes out, so the client that fetched the file sees it counted.
  const length = range ? range.end - range.start + 1 : blob.sizeBytes;
  transfer.download = new ByteMeter(deps.idleTimeoutMs, reachesEnd ? { total: length, before: count } : undefined);
  await pipeline(bytes, transfer.download, res);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpProblem(400, 'BAD_USER_INPUT', 'The path is not valid percent-encoding.');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function fail(logger: Logger, req: IncomingMessage, res: ServerResponse, scope: RequestScope, err: unknown): void {
  let status: number;
  let code: string;
  let message: string;
  if (err instanceof RegistryError) [status, code, message] = [STATUS[err.code] ?? 400, err.code, err.message];
  else if (err instanceof HttpProblem) {
    [status, code, message] = [err.status, err.code, err.message];
    for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  } else if (err instanceof BlobTooLargeError) [status, code, message] = [413, 'BAD_USER_INPUT', err.message];
  else if (err instanceof DigestMismatchError || err instanceof BlobLengthError)
    [status, code, message] = [400, 'BAD_USER_INPUT', err.message];
  else if (err instanceof IdleTimeoutError && !res.headersSent) {
    // An upload that stalled: nothing was stored, and the client may still read the answer.
    [status, code, message] = [408, 'REQUEST_TIMEOUT', err.message];
  } else if (req.destroyed || res.destroyed) {
    // The client went away (an upload cut off, a download abandoned): nobody to answer.
    logger.debug('blob request ended by the client', {
      requestId: scope.requestId,
      error: (err as Error)?.message,
    });
    return;
  } else {
    recordErrorCode('INTERNAL_SERVER_ERROR', scope);
    logger.error('blob request failed', {
      requestId: scope.requestId,
      error: (err as Error)?.stack ?? String(err),
    });
    if (res.headersSent) return void res.destroy();
    return sendJson(res, 500, {
      error: {
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Internal server error.',
        requestId: scope.requestId,
      },
    });
  }
  recordErrorCode(code, scope);
  if (res.headersSent) return void res.destroy();
  if (status === 401) res.setHeader('www-authenticate', 'Bearer');
  // A refused upload's body is not read: close the connection rather than receive it all.
  if (req.method === 'PUT' && !req.complete) res.setHeader('connection', 'close');
  sendJson(res, status, { error: { code, message } });
}
