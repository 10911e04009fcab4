import http, { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Logger } from '../common/logger';
import { recordErrorCode, RequestScope, runInRequestScope } from '../common/request-scope';
import { HttpTimeouts } from '../config';
import { drainServer, InFlight } from './drain';
import { enforceFirstHeadersDeadline, headersArrived, timeoutCheckIntervalMs } from './timeouts';

export interface HttpOptions {
  maxBodyBytes: number;
  /**
   * Checks a GraphQL document (the `query` of a POST body or a GET) before Apollo sees it: a
   * refusal is answered here, HTTP 400 with the error's message and extensions (graphql/limits).
   */
  checkDocument: (query: string) => GraphQLError | null;
  timeouts: HttpTimeouts;
  logger: Logger;
  /** Answers /readyz: resolves when the server can serve (database reachable, schema current). */
  ready: () => Promise<void>;
  /** Keep each request's SQL statements in its scope (benchmarks only: it costs memory). */
  recordStatements?: boolean;
  /** Serves GET /metrics when set; with a token, only to `Authorization: Bearer <token>`. */
  metrics?: {
    token: string | null;
    contentType: () => string;
    render: () => Promise<string>;
  };
  /** Other endpoints (the blob routes): answers true when it handled the request. */
  routes?: (req: IncomingMessage, res: ServerResponse, url: URL, scope: RequestScope) => Promise<boolean>;
  /**
   * Everything the API does not answer (the web console): answers true when it handled the request.
   * Tried last, so it can never shadow an API path.
   */
  fallback?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  /**
   * Paths whose requests have no total deadline (HTTP_REQUEST_TIMEOUT_MS): the blob routes, whose
   * bodies may take hours and which bound a stalled transfer with an idle timeout of their own.
   */
  streamingPath?: (pathname: string) => boolean;
  /** Called once per /graphql request, after its response is written. */
  onGraphQLRequest?: (summary: RequestSummary, scope: RequestScope) => void;
}

/** What one GraphQL request did: the request log line and the metrics are made of this. Never tokens or variables. */
export interface RequestSummary {
  requestId: string;
  method: string;
  operationName: string | null;
  status: number;
  durationMs: number;
  errorCodes: string[];
  subject: string | null;
  sqlStatements: number;
}

export interface HttpFront {
  server: http.Server;
  inFlight: InFlight;
  /** Stops accepting, lets requests in flight finish for up to `deadlineMs`, then cuts the rest. */
  close(deadlineMs: number): Promise<{ cut: number }>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A refusal made here rather than by Apollo, answered as a GraphQL error response. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly extensions: Record<string, unknown> = { code: 'BAD_REQUEST' },
  ) {
    super(message);
  }
}

/** The request's connection closed before its body arrived: the client hung up. Nothing is left to answer. */
class RequestCutError extends Error {
  constructor() {
    super('the connection closed before the request body arrived');
  }
}

const requestTimedOut = (ms: number) =>
  new HttpError(
    408,
    `The request did not arrive within HTTP_REQUEST_TIMEOUT_MS (${ms} ms).`,
    { connection: 'close' },
    { code: 'REQUEST_TIMEOUT' },
  );

/**
 * HTTP_REQUEST_TIMEOUT_MS, from the request's headers arriving to its body's last byte. Node's own
 * `requestTimeout` would do it for every path, blob uploads included, whose bodies may take hours:
 * it is off, and this holds the deadline for the other paths instead. When it passes with the body
 * still coming, a body being read (GraphQL) is answered 408 by its reader (`expired`); a body nobody
 * reads, after the response, has its connection closed.
 */
function armRequestDeadline(req: IncomingMessage, res: ServerResponse, ms: number): Deadline {
  const deadline = new Deadline();
  const timer = setTimeout(() => {
    if (req.complete) return;
    if (res.headersSent) req.socket.destroy();
    else deadline.pass();
  }, ms);
  timer.unref();
  res.once('close', () => clearTimeout(timer));
  return deadline;
}

/**
 * A request's deadline, told to whoever reads its body: one listener at most. An AbortSignal
 * would do, but costs an EventTarget per request (`npm run bench:profile`, L1).
 */
class Deadline {
  private passed = false;
  private listener?: () => void;
  /** A deadline that never passes (and keeps no listener): the streaming paths hold their own. */
  static readonly NEVER = new Deadline(false);

  constructor(private readonly armed = true) {}

  pass(): void {
    this.passed = true;
    this.listener?.();
  }

  onPass(listener: () => void): void {
    if (!this.armed) return;
    if (this.passed) listener();
    else this.listener = listener;
  }
}

function readBody(req: IncomingMessage, limit: number, expired: Deadline, timeoutMs: number): Promise<string> {
  // The connection closes after the 413: what is left of the body is discarded, not parsed as a next request.
  const tooLarge = () =>
    new HttpError(413, `The request body exceeds MAX_BODY_BYTES (${limit} bytes).`, { connection: 'close' });
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      // Past the limit the rest is read and dropped (armRequestDeadline bounds how long):
      // closing on a client still sending would reset the connection before it reads the 413.
      if (size > limit) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // The only error a request emits is its connection closing early ('aborted').
    req.on('error', () => reject(new RequestCutError()));
    expired.onPass(() => reject(requestTimedOut(timeoutMs)));
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

// Hashing first makes the comparison constant-time whatever the lengths.
const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * Node's http server in front of Apollo: /graphql, /healthz, /readyz and /metrics. Each request
 * gets a request id (the caller's `x-request-id` if well-formed, else a new one), echoed in the
 * response and carried by every log line and audit event it causes. Each /graphql request ends
 * with one `onGraphQLRequest` summary.
 */
export function createHttpServer<TContext extends object>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage, scope: RequestScope) => Promise<TContext>,
  opts: HttpOptions,
): HttpFront {
  let draining = false;
  const inFlight = new InFlight();

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    scope: RequestScope,
    expired: Deadline,
  ) => {
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      // A draining server tells its load balancer to send new requests elsewhere.
      if (draining) return sendJson(res, 503, { status: 'draining' });
      try {
        await opts.ready();
        return sendJson(res, 200, { status: 'ready' });
      } catch (err) {
        opts.logger.warn('not ready', { error: (err as Error).message });
        return sendJson(res, 503, { status: 'unavailable' });
      }
    }
    if (url.pathname === '/metrics' && opts.metrics) {
      const { token } = opts.metrics;
      if (token !== null && !sameSecret(req.headers.authorization ?? '', `Bearer ${token}`)) {
        throw new HttpError(401, 'GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`.', {
          'www-authenticate': 'Bearer',
        });
      }
      res.setHeader('content-type', opts.metrics.contentType());
      return res.end(await opts.metrics.render());
    }
    if (opts.routes && (await opts.routes(req, res, url, scope))) return;
    if (url.pathname !== '/graphql') {
      if (opts.fallback && (await opts.fallback(req, res, url))) return;
      return sendJson(res, 404, {
        error: 'Not found. The GraphQL endpoint is /graphql.',
      });
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, opts.maxBodyBytes, expired, opts.timeouts.requestTimeoutMs);
      const type = headers.get('content-type') ?? '';
      if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
        try {
          body = raw === '' ? undefined : JSON.parse(raw);
        } catch {
          throw new HttpError(400, 'Request body is not valid JSON.');
        }
      } else {
        // Apollo's CSRF prevention refuses other content types (text/plain, forms) before parsing.
        body = raw;
      }
    }
    const document =
      req.method === 'POST' ? (body as { query?: unknown } | undefined)?.query : url.searchParams.get('query');
    // The caller is known before the document is looked at: an anonymous or forged request costs
    // a token check, not a parse (docs/limits.md, Validation). A failed authentication is left to
    // Apollo, which answers it as it always has.
    const contextValue = context(req, scope);
    const authenticated = await contextValue.then(
      () => true,
      () => false,
    );
    const refused = authenticated && typeof document === 'string' ? opts.checkDocument(document) : null;
    if (refused) {
      const { http: _http, ...extensions } = refused.extensions;
      throw new HttpError(400, refused.message, {}, extensions);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
      context: () => contextValue,
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    headersArrived(req.socket);
    inFlight.track(res);
    if (draining) res.setHeader('connection', 'close');
    const offered = req.headers['x-request-id'];
    const requestId = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader('x-request-id', requestId);
    const scope: RequestScope = { requestId, sqlStatements: 0, statements: opts.recordStatements ? [] : undefined };
    const started = process.hrtime.bigint();
    // The path only: a GET's query string carries the document and its variables.
    const url = new URL(req.url ?? '/', 'http://localhost');
    const expired = opts.streamingPath?.(url.pathname)
      ? Deadline.NEVER
      : armRequestDeadline(req, res, opts.timeouts.requestTimeoutMs);
    runInRequestScope(scope, () => handle(req, res, url, scope, expired))
      .catch((err) => {
        if (err instanceof RequestCutError) {
          // The client's fault, not the server's: a debug line, and 408 in the request's summary.
          res.statusCode = 408;
          recordErrorCode('REQUEST_INCOMPLETE', scope);
          opts.logger.debug('request cut before its body arrived', { requestId });
          return;
        }
        if (err instanceof HttpError) {
          recordErrorCode(String(err.extensions.code), scope);
          for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
          return sendJson(res, err.status, { errors: [{ message: err.message, extensions: err.extensions }] });
        }
        recordErrorCode('INTERNAL_SERVER_ERROR', scope);
        opts.logger.error('request failed', { requestId, error: (err as Error).stack });
        if (!res.headersSent)
          sendJson(res, 500, {
            errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }],
          });
        else res.destroy();
      })
      .finally(() => {
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        if (url.pathname !== '/graphql') {
          opts.logger.debug('request', {
            requestId,
            method: req.method,
            path: url.pathname,
            status: res.statusCode,
            durationMs,
          });
          return;
        }
        opts.onGraphQLRequest?.(
          {
            requestId,
            method: req.method ?? 'GET',
            operationName: scope.operationName ?? null,
            status: res.statusCode,
            durationMs,
            errorCodes: scope.errorCodes ?? [],
            subject: scope.subject ?? null,
            sqlStatements: scope.sqlStatements,
          },
          scope,
        );
      });
  };
  const server = http.createServer(
    {
      // Off: armRequestDeadline holds HTTP_REQUEST_TIMEOUT_MS on every path but the streaming ones.
      requestTimeout: 0,
      headersTimeout: opts.timeouts.headersTimeoutMs,
      connectionsCheckingInterval: timeoutCheckIntervalMs(opts.timeouts),
    },
    onRequest,
  );
  // `Expect: 100-continue`: Node would invite the body at once. A streaming path (a blob upload)
  // invites it itself once the caller may send it, so a refused upload is never sent; others now.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!opts.streamingPath?.(new URL(req.url ?? '/', 'http://localhost').pathname)) res.writeContinue();
    onRequest(req, res);
  });
  server.keepAliveTimeout = opts.timeouts.keepAliveTimeoutMs;
  enforceFirstHeadersDeadline(server, opts.timeouts.headersTimeoutMs);

  return {
    server,
    inFlight,
    close(deadlineMs) {
      draining = true;
      return drainServer(server, inFlight, deadlineMs);
    },
  };
}
