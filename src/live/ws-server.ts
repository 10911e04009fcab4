import http from 'node:http';
import { Duplex } from 'node:stream';
import {
  CloseCode,
  makeServer,
  SubscribePayload,
  GRAPHQL_TRANSPORT_WS_PROTOCOL,
  Context as WsContext,
} from 'graphql-ws';
import {
  DocumentNode,
  ExecutionArgs,
  getOperationAST,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { WebSocket, WebSocketServer } from 'ws';
import { Session, TokenUncheckableError, VERIFIED_TTL_MS } from '../access/authenticator';
import { LimitExceededError, RegistryError } from '../common/errors';
import { Logger } from '../common/logger';
import { LiveConfig } from '../config';
import { GraphQLLimits, nameTokenLimit, VALIDATION_MAX_ERRORS } from '../graphql/limits';
import { headersArrived } from '../http/timeouts';

/**
 * Close codes this server uses besides graphql-ws's own (4400 bad message, 4401 subscribe before
 * `connection_init`, 4406 subprotocol, 4408 no `connection_init` within LIVE_AUTH_TIMEOUT_MS, 4409,
 * 4429) and ws's 1009 (a message over LIVE_MAX_MESSAGE_BYTES). docs/live.md lists them all.
 */
export const LIVE_CLOSE = {
  /** No token, a bad one, or the token expired while connected: reconnect with a fresh token. */
  forbidden: CloseCode.Forbidden,
  /** No subscription for LIVE_IDLE_TIMEOUT_MS. */
  idle: 1000,
  /** The server is shutting down: reconnect (to another replica). */
  goingAway: 1001,
  /** The token could not be checked (the identity provider's JWKS is unreachable): reconnect later. */
  tryAgain: 1013,
} as const;

/** How often a connection is pinged; one that has not answered by the next ping is dropped. */
const PING_INTERVAL_MS = 30_000;

interface Extra {
  socket: WebSocket;
  request: http.IncomingMessage;
  session?: Session;
}
type Ctx = WsContext<Record<string, unknown> | undefined, Extra>;

export interface LiveServerOptions {
  schema: GraphQLSchema;
  config: LiveConfig;
  limits: GraphQLLimits;
  maxDocumentBytes: number;
  logger: Logger;
  /** The bearer token check of HTTP requests, with the token's expiry. */
  authenticate(authorization: string | undefined): Promise<Session>;
  /** The resolvers' context for one subscription. */
  context(session: Session): object;
  /** The HTTP path's error formatting: our codes shown, anything else masked and logged. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
}

export interface LiveServer {
  readonly connections: number;
  /** Accepts no new connection and closes the open ones with 1001 and a reason. */
  close(reason: string): Promise<void>;
}

/**
 * GraphQL subscriptions over WebSocket (the graphql-transport-ws protocol, via graphql-ws) on the
 * HTTP server's /graphql. The HTTP path's limits apply to each `subscribe` (document size and
 * nesting, tokens, depth, aliases); queries and mutations are refused here, since they belong to
 * HTTP, where cost limits, request ids and request logs apply.
 */
export function attachLiveServer(server: http.Server, opts: LiveServerOptions): LiveServer {
  const { config, logger } = opts;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxMessageBytes,
    handleProtocols: (protocols) =>
      protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : false,
  });
  let closing = false;

  const format = (error: GraphQLError): GraphQLFormattedError => {
    // graphql-ws wraps an error thrown while iterating in a GraphQLError of its own: ours is inside.
    const original = error.originalError instanceof RegistryError ? error.originalError : error;
    const formatted = opts.formatError(original.toJSON(), original);
    // extensions.http is Apollo's instruction for an HTTP status: meaningless on a WebSocket.
    const { http: _status, ...extensions } = formatted.extensions ?? {};
    return {
      ...formatted,
      message: nameTokenLimit(formatted.message),
      ...(formatted.extensions ? { extensions } : {}),
    };
  };

  const gql = makeServer<Record<string, unknown> | undefined, Extra>({
    schema: opts.schema,
    connectionInitWaitTimeout: config.authTimeoutMs,
    onConnect: async (ctx) => {
      const params = ctx.connectionParams ?? {};
      const offered = params.authorization ?? params.Authorization ?? ctx.extra.request.headers.authorization;
      if (typeof offered !== 'string') {
        closeWith(
          ctx,
          LIVE_CLOSE.forbidden,
          'Forbidden: send connection_init with {"authorization": "Bearer <token>"}',
        );
        return false;
      }
      let session: Session;
      try {
        session = await opts.authenticate(offered);
      } catch (err) {
        refuse(ctx, err, 'Forbidden: invalid or expired token');
        return false;
      }
      ctx.extra.session = session;
      expireAt(ctx, session.expiresAt);
      reverify(ctx, offered);
      return true;
    },
    onSubscribe: (ctx, _id, payload) => {
      const checked = checkSubscribe(ctx, payload, opts);
      if ('refused' in checked) return checked.refused;
      return { ...checked, contextValue: opts.context(ctx.extra.session!) };
    },
    onOperation: (ctx) => activity(ctx),
    onComplete: (ctx) => activity(ctx),
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: result.errors.map(format) } : undefined,
    onError: (_ctx, _id, _payload, errors) => errors.map(format),
  });

  const timers = new WeakMap<
    WebSocket,
    { expiry?: NodeJS.Timeout; idle?: NodeJS.Timeout; reverify?: NodeJS.Timeout }
  >();
  function timersOf(socket: WebSocket) {
    let t = timers.get(socket);
    if (!t) timers.set(socket, (t = {}));
    return t;
  }
  function closeWith(ctx: Ctx, code: number, reason: string) {
    const { socket } = ctx.extra;
    if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
  }
  /** A token error closes with 4403; a JWKS that cannot be reached is no fault of the token: 1013, try again. */
  function refuse(ctx: Ctx, err: unknown, forbidden: string) {
    if (err instanceof TokenUncheckableError)
      closeWith(
        ctx,
        LIVE_CLOSE.tryAgain,
        'Try again later: the token could not be checked (identity provider unreachable)',
      );
    else closeWith(ctx, LIVE_CLOSE.forbidden, forbidden);
  }
  /**
   * HTTP checks a token again every VERIFIED_TTL_MS (a key withdrawn from the JWKS, a changed
   * AUTH_* setting): a connection holding the token does the same, and closes when it fails.
   */
  function reverify(ctx: Ctx, authorization: string) {
    const t = timersOf(ctx.extra.socket);
    t.reverify = setInterval(() => {
      if (ctx.extra.socket.readyState !== WebSocket.OPEN) return clearInterval(t.reverify);
      opts.authenticate(authorization).catch((err: unknown) => {
        clearInterval(t.reverify);
        refuse(ctx, err, 'Forbidden: the token is no longer accepted; reconnect with a fresh one');
      });
    }, VERIFIED_TTL_MS).unref();
  }
  function expireAt(ctx: Ctx, expiresAt: number) {
    // setTimeout takes at most 2^31 - 1 ms (about 24.8 days); a longer-lived token is checked again then.
    if (ctx.extra.socket.readyState !== WebSocket.OPEN) return;
    const wait = Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1);
    timersOf(ctx.extra.socket).expiry = setTimeout(() => {
      if (Date.now() >= expiresAt)
        closeWith(ctx, LIVE_CLOSE.forbidden, 'Forbidden: the token expired; reconnect with a fresh one');
      else expireAt(ctx, expiresAt);
    }, wait).unref();
  }
  /** The idle timer runs while the connection has no subscription. */
  function activity(ctx: Ctx) {
    const t = timersOf(ctx.extra.socket);
    clearTimeout(t.idle);
    // Read after graphql-ws has updated its table: on the next turn.
    setImmediate(() => {
      if (ctx.extra.socket.readyState !== WebSocket.OPEN || Object.keys(ctx.subscriptions).length > 0) return;
      clearTimeout(t.idle);
      t.idle = setTimeout(
        () => closeWith(ctx, LIVE_CLOSE.idle, `Idle: no subscription for ${config.idleTimeoutMs} ms`),
        config.idleTimeoutMs,
      ).unref();
    });
  }

  wss.on('connection', (socket: WebSocket, request: http.IncomingMessage) => {
    const t = timersOf(socket);
    // ws closes an oversized message with 1009 and no reason: name the limit, as other refusals do.
    const close = socket.close.bind(socket);
    socket.close = (code?: number, reason?: string | Buffer) =>
      code === 1009 && !reason
        ? close(code, `Message too big: the limit is ${config.maxMessageBytes} bytes (LIVE_MAX_MESSAGE_BYTES)`)
        : close(code, reason);
    t.idle = setTimeout(() => {
      if (socket.readyState === WebSocket.OPEN)
        socket.close(LIVE_CLOSE.idle, `Idle: no subscription for ${config.idleTimeoutMs} ms`);
    }, config.idleTimeoutMs).unref();
    let alive = true;
    socket.on('pong', () => (alive = true));
    const ping = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, PING_INTERVAL_MS).unref();
    socket.on('error', (err) => logger.debug('websocket error', { error: err.message }));
    const closed = gql.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== WebSocket.OPEN) return resolve();
            socket.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => {
          if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
        },
        onMessage: (cb) =>
          socket.on('message', (data: Buffer) => {
            cb(data.toString('utf8')).catch((err) => {
              logger.error('live: a WebSocket message failed', { error: (err as Error)?.stack ?? String(err) });
              if (socket.readyState === WebSocket.OPEN)
                socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(ping);
      clearTimeout(t.idle);
      clearTimeout(t.expiry);
      clearInterval(t.reverify);
      void closed(code, reason.toString());
    });
  });

  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    // Past LIVE_MAX_CONNECTIONS, refused before the upgrade: an open socket costs even before it authenticates.
    const full = wss.clients.size >= config.maxConnections;
    if (closing || full || path !== '/graphql') {
      const status = closing || path === '/graphql' ? '503 Service Unavailable' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    // The upgrade request's headers have arrived: the HTTP front's first-headers deadline
    // (HTTP_HEADERS_TIMEOUT_MS from connecting) must not cut the WebSocket it becomes.
    headersArrived(request.socket);
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  return {
    get connections() {
      return wss.clients.size;
    },
    async close(reason) {
      closing = true;
      const all = [...wss.clients];
      await Promise.all(
        all.map(
          (socket) =>
            new Promise<void>((resolve) => {
              if (socket.readyState === WebSocket.CLOSED) return resolve();
              socket.once('close', () => resolve());
              socket.close(LIVE_CLOSE.goingAway, reason);
              // A client that does not answer the close handshake is cut.
              setTimeout(() => socket.terminate(), 1000).unref();
            }),
        ),
      );
      server.off('upgrade', onUpgrade);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** The codes Apollo gives parse and validation errors on the HTTP path, so clients see the same. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}

/** The HTTP path's limits and rules, applied to one `subscribe`; GraphQL errors or the arguments to run it with. */
function checkSubscribe(
  ctx: Ctx,
  payload: SubscribePayload,
  opts: LiveServerOptions,
): { refused: GraphQLError[] } | ExecutionArgs {
  const open = Object.keys(ctx.subscriptions).length;
  if (open > opts.config.maxSubscriptionsPerConnection) {
    const max = opts.config.maxSubscriptionsPerConnection;
    const message = `This connection has ${max} subscriptions open; the limit is ${max} (LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION).`;
    return { refused: [new LimitExceededError(message, { limit: 'LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION', max })] };
  }
  // The HTTP path's document checks (size, lines, nesting, operations, fragments, selections, field
  // pairs), before graphql-js's rules run: the same bounds on their cost over WebSocket.
  const refusedDocument = typeof payload.query === 'string' ? opts.limits.checkDocument(payload.query) : null;
  if (refusedDocument) return { refused: [refusedDocument] };
  let document: DocumentNode;
  try {
    document = parse(payload.query, opts.limits.parseOptions);
  } catch (err) {
    return {
      refused: [withCode(err instanceof GraphQLError ? err : new GraphQLError(String(err)), 'GRAPHQL_PARSE_FAILED')],
    };
  }
  const errors = validate(opts.schema, document, [...specifiedRules, ...opts.limits.validationRules], {
    maxErrors: VALIDATION_MAX_ERRORS,
  });
  if (errors.length > 0) return { refused: errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED')) };
  const operation = getOperationAST(document, payload.operationName);
  const refuse = (message: string) => ({
    refused: [new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } })],
  });
  if (!operation) return refuse('Name the operation to run (`operationName`).');
  const kind: string = operation.operation;
  if (kind !== 'subscription')
    return refuse(
      `Only subscriptions go over WebSocket; send ${kind === 'query' ? 'queries' : 'mutations'} as HTTP POST to /graphql.`,
    );
  return {
    schema: opts.schema,
    document,
    operationName: payload.operationName,
    variableValues: payload.variables,
  };
}
