import { ApolloServer, BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLSchema } from 'graphql';
import { Config } from '../config';
import { Logger } from '../common/logger';
import { operationNamePlugin } from '../observability/operation.plugin';
import { createFormatError } from './errors';
import { executingGateway, QueryCompiler } from './jit';

import { wellFormedVariablesPlugin } from './well-formed.plugin';
import { GraphQLLimits, VALIDATION_MAX_ERRORS } from './limits';

/**
 * Apollo Server with our settings, in one place: the registry runs it, and `npm run bench` runs
 * the same settings over a one-field schema to measure the ceiling (L2) the registry is held to.
 */
export function createApollo<TContext extends BaseContext>(
  config: Config,
  logger: Logger,
  schema: GraphQLSchema,
  limits: GraphQLLimits,
  compiler = queryCompiler(config, schema),
): ApolloServer<TContext> {
  const production = config.env === 'production';
  return new ApolloServer<TContext>({
    // Apollo's gateway interface is how a server chooses its executor: graphql-jit for the
    // queries asked often (jit.ts), graphql-js for the rest (all of them with GRAPHQL_JIT_AFTER=-1).
    gateway: executingGateway(schema, compiler.executor),
    nodeEnv: config.env,
    formatError: createFormatError(logger, {
      exposeDetails: config.env === 'development' && config.exposeErrors,
      hideSuggestions: !config.graphql.introspection,
    }),
    includeStacktraceInErrorResponses: false,
    introspection: config.graphql.introspection,
    validationOptions: {
      hideSuggestions: !config.graphql.introspection,
      maxErrors: VALIDATION_MAX_ERRORS,
    },
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Automatic persisted queries would keep documents in memory by hash for anyone to call; no
    // client of ours sends them, and a gateway or router speaks plain documents to subgraphs.
    persistedQueries: false,
    // Apollo pretty-prints responses by default: 2-space indentation makes a page of versions a
    // third larger and costs a tenth of the request's CPU. Clients do not read raw JSON.
    stringifyResult: (result) => JSON.stringify(result),
    // main.ts drains on SIGTERM; Apollo's own handler would stop it mid-drain and re-raise the signal.
    stopOnTerminationSignals: false,
    // Apollo would add federated tracing (ftv1) to a subgraph on its own, and say so in the log;
    // traces carry resolver timings and error messages to the gateway, so they stay off.
    // Cache-control hints are unused (nothing caches our responses: they depend on the caller),
    // and the plugin wraps every field resolver to compute them.
    plugins: [
      wellFormedVariablesPlugin,
      limits.plugin,
      operationNamePlugin,
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
}

/** The query compiler of a server's schema, with the configured bounds (graphql/jit.ts). */
export function queryCompiler(config: Config, schema: GraphQLSchema): QueryCompiler {
  const { jitAfter, jitMinFields, jitMaxCompiled } = config.graphql;
  return new QueryCompiler(schema, { compileAfter: jitAfter, minFields: jitMinFields, maxCompiled: jitMaxCompiled });
}
