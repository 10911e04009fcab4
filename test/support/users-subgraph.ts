import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/**
 * A stand-in for the platform's users subgraph: it owns User (the registry only knows its id) and
 * adds `email`, and `pinnedVersion`, a ModelVersion reference by id that the gateway resolves
 * through the registry's `_entities`. It records each batch of users it was asked for.
 */
export const USERS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key"])

  type User @key(fields: "id") {
    id: ID!
    email: String!
    pinnedVersion: ModelVersion
  }

  type ModelVersion @key(fields: "id", resolvable: false) {
    id: ID!
  }
`;

export interface UsersSubgraph {
  url: string;
  typeDefs: string;
  /** The user ids of each `_entities` call, in order. */
  lookups: string[][];
  /** Global id of the ModelVersion each user has pinned. */
  pins: Map<string, string>;
  stop(): Promise<void>;
}

export const emailOf = (id: string) => `${id}@users.test`;

export async function startUsersSubgraph(): Promise<UsersSubgraph> {
  const lookups: string[][] = [];
  const pins = new Map<string, string>();
  let batch: string[] | null = null;
  const schema = buildSubgraphSchema({
    typeDefs: parse(USERS_SDL),
    resolvers: {
      User: {
        __resolveReference(ref: { id: string }) {
          // All references of one `_entities` call arrive in the same tick.
          if (!batch) {
            batch = [];
            lookups.push(batch);
            queueMicrotask(() => (batch = null));
          }
          batch.push(ref.id);
          return { id: ref.id, email: emailOf(ref.id) };
        },
        pinnedVersion: (user: { id: string }) => (pins.has(user.id) ? { id: pins.get(user.id) } : null),
      },
    },
  });
  const server = new ApolloServer({
    schema,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
  });
  return { url, typeDefs: USERS_SDL, lookups, pins, stop: () => server.stop() };
}
