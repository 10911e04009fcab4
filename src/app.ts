import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
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

/**
 * The server assembly, one of the two hubs (with graphql/schema.ts): services over a database,
 * Apollo over the schema, and the HTTP server in front. main.ts runs it; tests start it on a
 * random port against their own database.
 */
export interface App {
  services: Services;
  http: http.Server;
  url: string;
  stop(): Promise<void>;
}

export interface AppOptions {
  onGraphQLResponse?: (scope: RequestScope) => void;
  recordStatements?: boolean;
}

export async function startApp(config: Config, ds: DataSource, logger: Logger, opts: AppOptions = {}): Promise<App> {
  const db = new Database(ds);
  const authenticator = await Authenticator.create(config.auth, logger);
  const policy = new Policy(db, config.auth.admins, logger);
  await policy.start(config.auth.policyPollMs);
  const services = createServices(db, policy, { maxDepth: config.lineage.maxDepth, maxNodes: config.lineage.maxNodes });
  const production = config.env === 'production';

  const apollo = new ApolloServer<Context>({
    schema: await buildRegistrySchema(),
    formatError: createFormatError(logger, config.env === 'development' && config.exposeErrors),
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Apollo pretty-prints responses by default: 2-space indentation makes a page of versions a
    // third larger and costs a tenth of the request's CPU. Clients do not read raw JSON.
    stringifyResult: (result) => JSON.stringify(result),
    // Apollo would add federated tracing (ftv1) to a subgraph on its own, and say so in the log;
    // traces carry resolver timings and error messages to the gateway, so they stay off.
    // Cache-control hints are unused (nothing caches our responses: they depend on the caller),
    // and the plugin wraps every field resolver to compute them.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), ...(production ? [ApolloServerPluginLandingPageDisabled()] : [])],
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
      recordStatements: opts.recordStatements,
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

  return {
    services,
    http: server,
    url: `http://${host}:${port}/graphql`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
      policy.stop();
    },
  };
}
