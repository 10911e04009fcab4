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
import { createApollo } from './graphql/apollo';
import { graphqlLimits } from './graphql/limits';
import { createLoaders } from './graphql/loaders';
import { buildRegistrySchema } from './graphql/schema';
import { createHttpServer } from './http/http-server';
import { Metrics } from './observability/metrics';
import { logBlobRequest, logRequest } from './observability/request-log';
import { createServices, Services } from './services';
import { WebhookDispatcher } from './delivery/dispatcher';

import { blobRoutes } from './files/blob.routes';
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
  const blobStore = await openBlobStore(config.storage.location);
  const services = createServices(db, policy, {
    lineage: config.lineage,
    webhooks: config.webhooks,
    storage: config.storage,
    blobStore,
  });
  if (config.webhooks.allowPrivateNetworks)
    logger.warn(
      'webhooks may be delivered to private, loopback and link-local addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
    );
  // Drained in order on stop, after the HTTP server (the webhook dispatcher is added below).
  const workers: BackgroundWorker[] = [...(opts.workers ?? [])];
  const limits = graphqlLimits(config.graphql, config.lineage);
  const metrics = new Metrics((metric, err) =>
    logger.warn('a metric could not be read; it keeps its last value', {
      metric,
      error: (err as Error)?.message ?? String(err),
    }),
  );
  metrics.registerPool(() => poolStats(ds));

  const apollo = createApollo<Context>(config, logger, await buildRegistrySchema(), limits);
  await apollo.start();

  const front = createHttpServer(
    apollo,
    async (req, scope) => {
      const principal = await authenticator.authenticate(req.headers.authorization);
      scope.subject = principal.subject;
      return { principal, caller: { principal, requestId: scope.requestId }, services, loaders: createLoaders(db) };
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
      streamingPath: (pathname) => pathname.startsWith('/v1/'),
      metrics: config.metrics.enabled
        ? { token: config.metrics.token, contentType: () => metrics.contentType, render: () => metrics.render() }
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
    const { cut } = await front.close(config.shutdownTimeoutMs);
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
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
  };
}
