import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { DataSource } from 'typeorm';
import { Authenticator } from './access/authenticator';
import { Policy } from './access/policy';
import { Config } from './config';
import { Logger } from './common/logger';
import { RequestScope } from './common/request-scope';
import { Database } from './db/database';
import { Context } from './graphql/context';
import { createFormatError } from './graphql/errors';
import { createLoaders } from './graphql/loaders';
import { buildRegistrySchema } from './graphql/schema';
import { createHttpServer } from './http/http-server';
import { createServices, Services } from './services';
import { WebhookDispatcher } from './webhooks/dispatcher';

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
  stop(): Promise<void>;
}

export interface AppOptions {
  onGraphQLResponse?: (scope: RequestScope) => void;
}

export async function startApp(config: Config, ds: DataSource, logger: Logger, opts: AppOptions = {}): Promise<App> {
  const db = new Database(ds);
  const authenticator = await Authenticator.create(config.auth, logger);
  const policy = new Policy(db, config.auth.admins, logger);
  await policy.start(config.auth.policyPollMs);
  const services = createServices(db, policy, { lineage: { maxDepth: config.lineage.maxDepth, maxNodes: config.lineage.maxNodes }, webhooks: config.webhooks });
  if (config.webhooks.allowPrivateNetworks) logger.warn('webhooks may be delivered to private, loopback and link-local addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS)');
  const production = config.env === 'production';

  const apollo = new ApolloServer<Context>({
    schema: await buildRegistrySchema(),
    formatError: createFormatError(logger, config.env === 'development' && config.exposeErrors),
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    plugins: production ? [ApolloServerPluginLandingPageDisabled()] : [],
  });
  await apollo.start();

  const server = createHttpServer(
    apollo,
    async (req, scope) => {
      const principal = await authenticator.authenticate(req.headers.authorization);
      return { principal, caller: { principal, requestId: scope.requestId }, services, loaders: createLoaders(db) };
    },
    {
      maxBodyBytes: config.maxBodyBytes,
      logger,
      ready: async () => {
        await ds.query('SELECT 1');
        if (await ds.showMigrations()) throw new Error('migrations pending');
      },
      onGraphQLResponse: opts.onGraphQLResponse,
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const dispatcher = new WebhookDispatcher(services.webhookDelivery, config.webhooks, logger);
  dispatcher.start();
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

  let stopped: Promise<void> | null = null;
  const stop = async () => {
    // Requests finish and deliveries in flight are recorded before the database may close.
    await Promise.all([
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
      dispatcher.stop(),
    ]);
    await apollo.stop();
    policy.stop();
    services.webhookSender.close();
  };
  return {
    services,
    dispatcher,
    http: server,
    url: `http://${host}:${port}/graphql`,
    /** Stops serving and delivering; calling it again waits for the same stop. */
    stop: () => (stopped ??= stop()),
  };
}
