import { GraphQLError, ValidationRule } from 'graphql';
import { foldSelections, fragmentsOf, isIntrospection } from './fragments';

/**
 * Refuses an operation whose fields nest deeper than `max` (GRAPHQL_MAX_DEPTH), counting through
 * fragments. `{ registry { name } }` has depth 2; a connection costs three levels
 * (`models { edges { node { … } } }`). The schema has cycles (registry → models → registry …), so
 * without this a short document could ask for an arbitrarily deep response.
 */
export function maxDepthRule(max: number): ValidationRule {
  return (context) => {
    const fragments = fragmentsOf(context.getDocument());
    const depthOf = foldSelections<number>(fragments, {
      empty: 0,
      field: (name, _alias, sub) => (isIntrospection(name) ? 0 : 1 + sub),
      combine: Math.max,
    });
    return {
      OperationDefinition(op) {
        const depth = depthOf(op.selectionSet);
        if (depth > max) {
          context.reportError(
            new GraphQLError(
              `${op.name ? `Operation "${op.name.value}"` : 'The operation'} nests fields ${depth} deep; ` +
                `the limit is ${max} (GRAPHQL_MAX_DEPTH).`,
              {
                nodes: op,
                extensions: { limit: 'GRAPHQL_MAX_DEPTH', max },
              },
            ),
          );
        }
        return false;
      },
    };
  };
}
