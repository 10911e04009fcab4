import { ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import { LimitExceededError, WrongTransportError } from '../../common/errors';
import { GraphQLConfig } from '../../config';
import { CostOptions, DEFAULT_COST_OPTIONS, operationCost } from './max-cost';

/**
 * The limit that validation rules cannot hold: the operation's cost, which depends on the
 * variables of each request. Runs once the operation is known, before execution. Also refuses a
 * subscription: this plugin runs on the HTTP path only (src/live checks WebSocket documents itself).
 */
export function limitsPlugin(
  limits: GraphQLConfig,
  costOptions: CostOptions = DEFAULT_COST_OPTIONS,
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          // Over HTTP a subscription would reach the resolver and fail there as an internal error.
          if (operation.operation === OperationTypeNode.SUBSCRIPTION)
            throw new WrongTransportError('Subscriptions go over WebSocket on /graphql (graphql-transport-ws)');
          const cost = operationCost(schema, document, operation, request.variables ?? {}, costOptions);
          if (cost > limits.maxCost) {
            throw new LimitExceededError(
              `The query's cost is ${cost}; the limit is ${limits.maxCost} (GRAPHQL_MAX_COST). Ask for fewer items with "first" or fewer nested lists, or split the query.`,
              { limit: 'GRAPHQL_MAX_COST', max: limits.maxCost, cost },
            );
          }
        },
      };
    },
  };
}
