import 'reflect-metadata';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSchema } from 'graphql';
import { startApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/common/logger';
import { createDataSource } from '../../src/db/data-source';
import { createApollo } from '../../src/graphql/apollo';
import { graphqlLimits } from '../../src/graphql/limits';
import { createHttpServer } from '../../src/http/http-server';
import { Metrics } from '../../src/observability/metrics';
import { logRequest } from '../../src/observability/request-log';
import { floorServer } from './floor-server';

/**
 * The server side of `npm run bench`, in a process of its own so the load generator does not
 * share its event loop. BENCH_SERVER picks what it serves:
 *  - L0: a bare node:http server answering a fixed JSON body (the machine's ceiling);
 *  - L2stock (L2'): a stock Apollo Server (`startStandaloneServer`, default settings) answering
 *    `{ __typename }`: the ceiling issue #18 measures against;
 *  - floor: W1, W2 and W5 answered from their SQL through the bare driver (floor-server.ts);
 *  - L2: Apollo Server behind our HTTP front with our production settings, answering
 *    `{ __typename }` on a one-field schema (the GraphQL ceiling: no auth, no database);
 *  - app: the registry itself, configured from the environment (NODE_ENV=production).
 * It tells the parent its URL over IPC, and answers "how many SQL statements did request X run"
 * and "what is your resident set size" (and the clock, for `npm run bench:profile`).
 */
async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function main(): Promise<void> {
  const mode = process.env.BENCH_SERVER;
  const sqlCounts = new Map<string, number>();
  let url: string;
  if (mode === 'L0') {
    const body = JSON.stringify({ data: { __typename: 'Query' } });
    url = await listen(
      http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body)),
    );
  } else if (mode === 'L2stock') {
    const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }' });
    ({ url } = await startStandaloneServer(apollo, { listen: { port: 0, host: '127.0.0.1' } }));
  } else if (mode === 'floor') {
    url = await listen(floorServer(process.env.DATABASE_URL!, process.env.BENCH_REGISTRY!));
  } else if (mode === 'L2') {
    // Our Apollo settings and HTTP front (limits, timeouts, request log, metrics), over a schema
    // with one field: what any request costs before authentication and the database.
    const config = loadConfig();
    const logger = createLogger('error');
    const limits = graphqlLimits(config.graphql);
    const apollo = createApollo(config, logger, buildSchema('type Query { ok: Boolean }'), limits);
    await apollo.start();
    const metrics = new Metrics();
    const front = createHttpServer(apollo, async () => ({}), {
      maxBodyBytes: config.maxBodyBytes,
      checkDocument: limits.checkDocument,
      timeouts: config.http,
      logger,
      ready: async () => {},
      onGraphQLRequest: (summary) => {
        logRequest(logger, summary);
        metrics.observeRequest(summary);
      },
    });
    url = `${await listen(front.server)}/graphql`;
  } else {
    const config = loadConfig();
    const ds = createDataSource(config.database);
    await ds.initialize();
    const app = await startApp(config, ds, createLogger('error'), {
      onGraphQLResponse: (scope) =>
        scope.requestId.startsWith('probe-') && sqlCounts.set(scope.requestId, scope.sqlStatements),
    });
    url = app.url;
  }
  process.on('message', (msg: { sqlFor?: string; rss?: boolean; clock?: boolean; cpu?: boolean }) => {
    // The monotonic clock CPU profiles are stamped with, in µs: where a profile's measured part starts.
    if (msg.clock) process.send!({ clock: Number(process.hrtime.bigint() / 1000n) });
    // CPU time this process has used, in µs: divided by the requests of a window, its cost per request.
    if (msg.cpu) {
      const { user, system } = process.cpuUsage();
      process.send!({ cpu: user + system });
    }
    if (msg.rss) {
      // After a full collection when --expose-gc allows it, so what is left is what is held.
      (globalThis as { gc?: () => void }).gc?.();
      process.send!({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
    }
    if (msg.sqlFor)
      process.send!({
        sqlFor: msg.sqlFor,
        count: sqlCounts.get(msg.sqlFor) ?? -1,
      });
  });
  // Exit normally on a signal, so `--cpu-prof` (when profiling the server) writes its profile.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
  process.send!({ url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
