import http, { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { randomUUID } from 'node:crypto';
import { Logger } from '../common/logger';
import { RequestScope, runInRequestScope } from '../common/request-scope';

export interface HttpOptions {
  maxBodyBytes: number;
  logger: Logger;
  /** Answers /readyz: resolves when the server can serve (database reachable, schema current). */
  ready: () => Promise<void>;
  /** Called after each GraphQL response, with the request's scope (tests read SQL counts here). */
  onGraphQLResponse?: (scope: RequestScope) => void;
  /** Keep each request's SQL statements in its scope (benchmarks only: it costs memory). */
  recordStatements?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new HttpError(413, `Request body exceeds ${limit} bytes.`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `Request body exceeds ${limit} bytes.`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * Node's http server in front of Apollo: /graphql, /healthz and /readyz. Each request gets a
 * request id (the caller's `x-request-id` if well-formed, else a new one), echoed in the response
 * and carried by every log line and audit event it causes.
 */
export function createHttpServer<TContext extends object>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage, scope: RequestScope) => Promise<TContext>,
  opts: HttpOptions,
): http.Server {
  const handle = async (req: IncomingMessage, res: ServerResponse, scope: RequestScope) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      try {
        await opts.ready();
        return sendJson(res, 200, { status: 'ready' });
      } catch (err) {
        opts.logger.warn('not ready', { error: (err as Error).message });
        return sendJson(res, 503, { status: 'unavailable' });
      }
    }
    if (url.pathname !== '/graphql') return sendJson(res, 404, { error: 'Not found. The GraphQL endpoint is /graphql.' });

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, opts.maxBodyBytes);
      const type = headers.get('content-type') ?? '';
      if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
        try {
          body = raw === '' ? undefined : JSON.parse(raw);
        } catch {
          throw new HttpError(400, 'Request body is not valid JSON.');
        }
      } else {
        body = raw;
      }
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
      context: () => context(req, scope),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
    opts.onGraphQLResponse?.(scope);
  };

  return http.createServer((req, res) => {
    const offered = req.headers['x-request-id'];
    const requestId = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader('x-request-id', requestId);
    const scope: RequestScope = { requestId, sqlStatements: 0, statements: opts.recordStatements ? [] : undefined };
    const started = process.hrtime.bigint();
    runInRequestScope(scope, () => handle(req, res, scope))
      .catch((err) => {
        if (err instanceof HttpError) return sendJson(res, err.status, { errors: [{ message: err.message, extensions: { code: 'BAD_REQUEST' } }] });
        opts.logger.error('request failed', { requestId, error: (err as Error).stack });
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
        else res.destroy();
      })
      .finally(() => {
        opts.logger.debug('request', {
          requestId,
          method: req.method,
          path: req.url,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          sqlStatements: scope.sqlStatements,
        });
      });
  });
}
