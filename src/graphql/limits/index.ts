import { GraphQLError, ValidationRule } from 'graphql';
import { ApolloServerPlugin } from '@apollo/server';
import { GraphQLConfig } from '../../config';
import { documentCheck } from './document-check';
import { limitsPlugin } from './limits.plugin';
import { DEFAULT_COST_OPTIONS } from './max-cost';
import { maxAliasesRule } from './max-aliases.rule';
import { maxDepthRule } from './max-depth.rule';

export { documentSizeError } from './document-check';

/**
 * Bounds on what one GraphQL request may ask for (docs/limits.md). Each refusal names the limit's
 * environment variable and its value, and comes before any resolver runs:
 * - depth and aliases: validation rules (GRAPHQL_VALIDATION_FAILED);
 * - operations, fragments, unknown fragments, fragment cycles, expanded selections and field pairs:
 *   the HTTP front, once the caller is authenticated, which parses the document before Apollo
 *   does and graphql-js validates it (GRAPHQL_VALIDATION_FAILED, HTTP 400; see document-check.ts);
 * - tokens: graphql-js's parser (GRAPHQL_PARSE_FAILED);
 * - cost and `first`: the limits plugin (BAD_USER_INPUT, HTTP 400);
 * - document size in bytes and lines: the HTTP front, before Apollo sees the request
 *   (BAD_USER_INPUT, HTTP 400), since an error thrown from an Apollo hook before parsing becomes a 500.
 */
export interface GraphQLLimits {
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
  plugin: ApolloServerPlugin;
  /** For the HTTP front: size, lines and bounds of a document, before Apollo parses it. */
  checkDocument: (query: string) => GraphQLError | null;
}

export function graphqlLimits(
  config: GraphQLConfig,
  lineage: { maxNodes: number; maxDepth: number } = {
    maxNodes: 1000,
    maxDepth: 20,
  },
): GraphQLLimits {
  // A lineage graph is a recursive walk that may visit LINEAGE_MAX_NODES nodes, whatever is
  // selected from it, and holds that many nodes (and about as many edges): both are weighed, so a
  // request may ask for a graph or two, not one per version of a page.
  // A graph is one walk per direction, and BOTH (the default) is two: the field weighs two.
  // `mermaid` writes out every node and edge, so it weighs what `nodes` and `edges` do.
  const walks = ['Query.lineage', 'ModelVersion.lineage'];
  const costOptions = {
    ...DEFAULT_COST_OPTIONS,
    listSizes: {
      'LineageGraph.nodes': lineage.maxNodes,
      'LineageGraph.edges': lineage.maxNodes,
    },
    fieldWeights: {
      ...Object.fromEntries(walks.map((w) => [w, 2 * lineage.maxNodes])),
      'LineageGraph.mermaid': 2 * lineage.maxNodes,
    },
    depthLimits: Object.fromEntries(walks.map((w) => [w, { max: lineage.maxDepth, limit: 'LINEAGE_MAX_DEPTH' }])),
  };
  const parseOptions = { maxTokens: config.maxTokens };
  return {
    validationRules: [maxDepthRule(config.maxDepth), maxAliasesRule(config.maxAliases)],
    parseOptions,
    plugin: limitsPlugin(config, costOptions),
    checkDocument: documentCheck(config, parseOptions),
  };
}

/**
 * Validation stops after this many errors (graphql-js's default is 100): each error's location is
 * found by scanning the document's line breaks (GRAPHQL_MAX_DOCUMENT_LINES), so errors times lines
 * is what a document full of mistakes costs. A client fixes the first few and asks again.
 */
export const VALIDATION_MAX_ERRORS = 20;

/** graphql-js's token-limit message ("… more that 5000 tokens", sic), with the variable that sets it. */
export function nameTokenLimit(message: string): string {
  return message.replace(/^(Syntax Error: Document contains more tha[nt] \d+ tokens)\./, '$1 (GRAPHQL_MAX_TOKENS).');
}
