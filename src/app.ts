import http from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { Authenticator } from './access/authenticator';
import { Policy } from './access/policy';
import { Config } from './config';
import { Logger } from './common/logger';
import { RequestScope } from './common/request-scope';
import { Database } from './db/database';
import { poolStats } from './db/pool-stats';
import { Context } from './graphql/context';
import { createApollo, queryCompiler } from './graphql/apollo';
import { graphqlLimits } from './graphql/limits';
import { loaderFactory } from './graphql/loaders';
import { buildRegistrySchema } from './graphql/schema';
import { createHttpServer } from './http/http-server';
import { Metrics } from './observability/metrics';
import { logBlobRequest, logRequest } from './observability/request-log';
import { createServices, Services } from './services';
import { WebhookDispatcher } from './delivery/dispatcher';
import { createFormatError } from './graphql/errors';
import { InProcessBus, LiveBus } from './live/bus';
import { LiveFanout } from './live/fanout';
import { RedisBus } from './live/redis-bus';
import { attachLiveServer, LiveServer } from './live/ws-server';

import { blobRoutes } from './files/blob.routes';
import { consoleClientConfig, consoleRoutes, defaultConsoleDir } from './console';
import { OrphanCollector } from './files/orphan-collector';
import { openBlobStore } from './storage';

/**
 * The server assembly, one of the two hubs (with graphql/schema.ts): services over a database,
 * Apollo over the schema, and the HTTP server in front. main.ts runs it; tests start it on a
 * random port against their own database.
 */
export interface App {
  services: Services;
  /** Sends queued webhook deliveries; `outboxDepth()` says how many wait. */
  dispatcher: WebhookDispatcher;
  http: http.Server;
  url: string;
  metrics: Metrics;
  /** Subscriptions: the fan-out of this server, and its WebSocket endpoint. */
  live: LiveFanout;
  liveServer: LiveServer;
  /**
   * Graceful stop: no new connections and no new webhook claims, requests in flight finish, then
   * background workers drain, all within SHUTDOWN_TIMEOUT_MS. The caller closes the database
   * afterwards.
   */
  stop(): Promise<void>;
}

/** Work that runs beside the HTTP server (the webhook dispatcher) and must finish before the database closes. */
export interface BackgroundWorker {
  /** For the log line when it does not stop in time. */
  name?: string;
  stop(): Promise<void>;
}

export interface AppOptions {
  onGraphQLResponse?: (scope: RequestScope) => void;
  recordStatements?: boolean;
  workers?: BackgroundWorker[];
}

export async function startApp(config: Config, ds: DataSource, logger: Logger, opts: AppOptions = {}): Promise<App> {
  const db = new Database(ds);
  const authenticator = await Authenticator.create(config.auth, logger);
  const policy = new Policy(db, config.auth.admins, logger);
  await policy.start(config.auth.policyPollMs);
  const metrics = new Metrics((metric, err) =>
    logger.warn('a metric could not be read; it keeps its last value', {
      metric,
      error: (err as Error)?.message ?? String(err),
    }),
  );
  const bus: LiveBus = config.live.redisUrl
    ? new RedisBus({
        url: config.live.redisUrl,
        channel: config.live.redisChannel,
        logger,
        onDropped: (n) => metrics.liveEventsDropped(n),
      })
    : new InProcessBus();
  const blobStore = await openBlobStore(config.storage.location);
  const services = createServices(db, policy, {
    lineage: config.lineage,
    webhooks: config.webhooks,
    storage: config.storage,
    governance: config.governance,
    modelCache: config.modelCache,
    blobStore,
    onCommitted: (events) => bus.publish(events),
  });
  const live = new LiveFanout(bus, services.authz, logger, config.live, {
    delivered: (type) => metrics.liveEventDelivered(type),
  });
  await bus.start();
  if (config.webhooks.allowPrivateNetworks)
    logger.warn(
      'webhooks may be delivered to private, loopback and link-local addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
    );
  // Drained in order on stop, after the HTTP server (the webhook dispatcher is added below).
  const workers: BackgroundWorker[] = [...(opts.workers ?? [])];
  const limits = graphqlLimits(config.graphql, config.lineage);
  metrics.registerPool(() => poolStats(ds));

  const newLoaders = loaderFactory(db, services.modelCache);
  const schema = await buildRegistrySchema();
  const compiler = queryCompiler(config, schema);
  const apollo = createApollo<Context>(config, logger, schema, limits, compiler);
  await apollo.start();

  const front = createHttpServer(
    apollo,
    async (req, scope) => {
      scope.readStamp = db.cleanReadStamp();
      const principal = await authenticator.authenticate(req.headers.authorization);
      scope.subject = principal.subject;
      return {
        principal,
        caller: { principal, requestId: scope.requestId },
        services,
        loaders: newLoaders(),
        live,
      };
    },
    {
      maxBodyBytes: config.maxBodyBytes,
      checkDocument: limits.checkDocument,
      timeouts: config.http,
      logger,
      ready: async () => {
        await ds.query('SELECT 1');
        if (await ds.showMigrations()) throw new Error('migrations pending');
      },
      recordStatements: opts.recordStatements,
      routes: blobRoutes({
        authenticator,
        blobs: services.blobs,
        logger,
        presignedDownloads: config.storage.presignedDownloads,
        idleTimeoutMs: config.storage.idleTimeoutMs,
        onBlobRequest: (summary) => {
          logBlobRequest(logger, summary);
          metrics.observeBlobRequest(summary);
        },
      }),
      fallback: consoleRoutes({
        dir: config.console.dir ?? defaultConsoleDir(),
        clientConfig: consoleClientConfig(config),
      }),
      streamingPath: (pathname) => pathname.startsWith('/v1/'),
      metrics: config.metrics.enabled
        ? {
            token: config.metrics.token,
            contentType: () => metrics.contentType,
            render: () => metrics.render(),
          }
        : undefined,
      onGraphQLRequest: (summary, scope) => {
        logRequest(logger, summary);
        metrics.observeRequest(summary);
        opts.onGraphQLResponse?.(scope);
      },
    },
  );
  metrics.registerGauge(
    'model_registry_http_requests_in_flight',
    'HTTP requests being served, this scrape included.',
    () => front.inFlight.size,
  );
  const server = front.server;
  const liveServer = attachLiveServer(server, {
    schema,
    config: config.live,
    limits,
    maxDocumentBytes: config.graphql.maxDocumentBytes,
    logger,
    authenticate: (authorization) => authenticator.authenticateSession(authorization),
    // Audit rows need a request id; subscriptions write nothing, but the context has one field for all.
    context: ({ principal }): Context => ({
      principal,
      caller: { principal, requestId: 'subscription' },
      services,
      loaders: newLoaders(),
      live,
    }),
    formatError: createFormatError(logger, {
      exposeDetails: config.env === 'development' && config.exposeErrors,
      hideSuggestions: !config.graphql.introspection,
    }),
  });
  const cache = services.modelCache;
  metrics.registerGauge('model_registry_model_cache_entries', 'Entries in the model cache.', () => cache.size);
  metrics.registerGauge(
    'model_registry_model_cache_bytes',
    'Approximate bytes held by the model cache (MODEL_CACHE_BYTES bounds it).',
    () => cache.bytes,
  );
  metrics.registerGauge('model_registry_model_cache_hits', 'Model cache hits since start.', () => cache.hits);
  metrics.registerGauge('model_registry_model_cache_misses', 'Model cache misses since start.', () => cache.misses);
  metrics.registerGauge(
    'model_registry_model_cache_evictions',
    'Model cache entries dropped to stay within its bounds, since start.',
    () => cache.evictions,
  );
  metrics.registerGauge(
    'model_registry_graphql_compiled_documents',
    'Query documents holding a graphql-jit compiled function (GRAPHQL_JIT_MAX_COMPILED bounds it).',
    () => compiler.size,
  );
  metrics.registerGauge(
    'model_registry_graphql_compilations',
    'Query documents compiled with graphql-jit since start.',
    () => compiler.compilations,
  );
  metrics.registerGauge('model_registry_live_connections', 'Open WebSocket connections.', () => liveServer.connections);
  metrics.registerGauge('model_registry_live_subscriptions', 'Open subscriptions on this server.', () => live.size);
  metrics.registerGauge(
    'model_registry_live_bus_up',
    '1 while events reach subscribers (with REDIS_URL: subscribed to Redis), else 0.',
    () => (bus.up ? 1 : 0),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const orphans = new OrphanCollector(db, blobStore, config.storage.orphanTtlHours, logger);
  workers.push({ name: 'orphaned blob collector', stop: () => orphans.stop() });
  orphans.start();
  // Deliveries in flight are recorded before the database may close.
  const dispatcher = new WebhookDispatcher(services.webhookDelivery, config.webhooks, logger);
  workers.push({ name: 'webhook dispatcher', stop: () => dispatcher.stop() });
  metrics.registerGauge('model_registry_webhook_outbox_depth', 'Webhook deliveries waiting to be sent (PENDING).', () =>
    dispatcher.outboxDepth(),
  );
  dispatcher.start();
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

  const shutdown = async () => {
    const deadline = Date.now() + config.shutdownTimeoutMs;
    // Claim no more webhook deliveries from now on, so the sends in flight have the whole
    // SHUTDOWN_TIMEOUT_MS (more than WEBHOOK_TIMEOUT_MS by default) to finish while requests
    // drain. What is queued meanwhile waits for another server or the restart. The dispatcher's
    // turn in the loop below waits for this same stop (and reports its errors).
    dispatcher.stop().catch(() => undefined);
    // Subscribers are told to reconnect (to another replica) at once: a subscription has no end to wait for.
    const liveClosed = liveServer.close('Server shutting down: reconnect');
    const { cut } = await front.close(config.shutdownTimeoutMs);
    await liveClosed;
    if (cut > 0)
      logger.warn('shutdown cut requests still running at the deadline', {
        cut,
        shutdownTimeoutMs: config.shutdownTimeoutMs,
      });
    for (const worker of workers) {
      const left = Math.max(0, deadline - Date.now());
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), left)));
      const stopped = worker.stop().then(
        () => 'stopped' as const,
        (err) =>
          logger.error('background worker failed to stop', {
            worker: worker.name,
            error: (err as Error)?.stack ?? String(err),
          }),
      );
      const outcome = await Promise.race([stopped, late]);
      clearTimeout(timer);
      if (outcome === 'late')
        logger.warn('background worker did not stop before the deadline', {
          worker: worker.name,
          shutdownTimeoutMs: config.shutdownTimeoutMs,
        });
    }
    await apollo.stop();
    // Last: mutations that finished above have published their events.
    await bus.stop();
    policy.stop();
    services.webhookSender.close();
  };
  let stopping: Promise<void> | undefined;

  return {
    services,
    http: server,
    url: `http://${host}:${port}/graphql`,
    metrics,
    dispatcher,
    live,
    liveServer,
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
  };
}
