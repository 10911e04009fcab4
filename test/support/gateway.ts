import { composeServices } from '@apollo/composition';
import { ApolloGateway, GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parse } from 'graphql';

export interface Subgraph {
  name: string;
  url: string;
  typeDefs: string;
}

interface GatewayContext {
  authorization?: string;
}

/** @apollo/composition over the subgraphs' SDL: the supergraph, or the composition errors. */
export function compose(subgraphs: Subgraph[]) {
  const result = composeServices(
    subgraphs.map((s) => ({
      name: s.name,
      url: s.url,
      typeDefs: parse(s.typeDefs),
    })),
  );
  return {
    errors: result.errors?.map((e) => e.message),
    supergraphSdl: result.errors ? undefined : result.supergraphSdl,
    hints: (result.hints ?? []).map((h) => h.toString()),
  };
}

/**
 * The gateway forwards no client header by itself; the platform's gateway must pass the bearer
 * token on to every subgraph, as this data source does.
 */
export class AuthForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
  }
}

export interface Gateway {
  url: string;
  stop(): Promise<void>;
}

/** An @apollo/gateway on 127.0.0.1 serving a static supergraph, as a platform gateway would. */
export async function startGateway(supergraphSdl: string): Promise<Gateway> {
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ url }) => new AuthForwardingDataSource({ url }),
  });
  const server = new ApolloServer<GatewayContext>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url, stop: () => server.stop() };
}
