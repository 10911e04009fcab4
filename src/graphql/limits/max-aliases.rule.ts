import { GraphQLError, ValidationRule } from 'graphql';
import { foldSelections, fragmentsOf } from './fragments';

/**
 * Refuses an operation with more than `max` aliased fields (GRAPHQL_MAX_ALIASES), counting a
 * fragment once per spread. Aliases let one request repeat the same expensive field under many
 * names (`a1: lineage(…) a2: lineage(…) …`), which depth and page limits alone do not bound.
 */
export function maxAliasesRule(max: number): ValidationRule {
  return (context) => {
    const fragments = fragmentsOf(context.getDocument());
    const aliasesIn = foldSelections<number>(fragments, {
      empty: 0,
      field: (_name, alias, sub) => (alias ? 1 : 0) + sub,
      combine: (a, b) => a + b,
    });
    return {
      OperationDefinition(op) {
        const count = aliasesIn(op.selectionSet);
        if (count > max) {
          context.reportError(
            new GraphQLError(
              `${op.name ? `Operation "${op.name.value}"` : 'The operation'} uses ${count} aliases; ` +
                `the limit is ${max} (GRAPHQL_MAX_ALIASES).`,
              {
                nodes: op,
                extensions: { limit: 'GRAPHQL_MAX_ALIASES', max },
              },
            ),
          );
        }
        return false;
      },
    };
  };
}
