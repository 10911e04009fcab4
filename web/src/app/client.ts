import { cacheExchange, Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient } from 'graphql-ws';

/**
 * The console's one GraphQL client: queries and mutations over HTTP at /graphql with
 * `Authorization: Bearer`, subscriptions over graphql-ws at ws(s)://<host>/graphql with the token
 * in connectionParams (docs/live.md). A response with UNAUTHENTICATED (expired or revoked token)
 * calls `onUnauthenticated`, which signs out and sends the user to /login.
 */
export function createGraphQLClient(token: string, onUnauthenticated: () => void): Client {
  const authorization = `Bearer ${token}`;
  const wsUrl = `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}/graphql`;
  const ws = createWsClient({ url: wsUrl, lazy: true, connectionParams: () => ({ authorization }) });
  return new Client({
    url: '/graphql',
    // POST for every operation: a GET would need Apollo's CSRF preflight header, and would put the
    // document and its variables in a URL (and in access logs).
    preferGetMethod: false,
    // No cookies: the token is the only credential, so no CSRF surface.
    fetchOptions: () => ({ headers: { authorization }, credentials: 'omit' }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
