import { ValidationRule } from 'graphql';
import { ApolloServerPlugin } from '@apollo/server';
import { LimitExceededError } from '../../common/errors';
import { GraphQLConfig } from '../../config';
import { limitsPlugin } from './limits.plugin';
import { DEFAULT_COST_OPTIONS } from './max-cost';
import { maxAliasesRule } from './max-aliases.rule';
import { maxDepthRule } from './max-depth.rule';

/**
 * Bounds on what one GraphQL request may ask for (README, Limits). Each refusal names the limit's
 * environment variable and its value, and comes before any resolver runs:
 * - depth and aliases: validation rules (GRAPHQL_VALIDATION_FAILED);
 * - tokens: graphql-js's parser (GRAPHQL_PARSE_FAILED);
 * - cost and `first`: the limits plugin (BAD_USER_INPUT, HTTP 400);
 * - document size: the HTTP front, before Apollo sees the request (BAD_USER_INPUT, HTTP 400),
 *   since an error thrown from an Apollo hook before parsing becomes a 500.
 */
export interface GraphQLLimits {
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
  plugin: ApolloServerPlugin;
}

export function graphqlLimits(
  config: GraphQLConfig,
  lineage: { maxNodes: number; maxDepth: number } = { maxNodes: 1000, maxDepth: 20 },
): GraphQLLimits {
  // A lineage graph is a recursive walk that may visit LINEAGE_MAX_NODES nodes, whatever is
  // selected from it, and holds that many nodes (and about as many edges): both are weighed, so a
  // request may ask for a graph or two, not one per version of a page.
  // A graph is one walk per direction, and BOTH (the default) is two: the field weighs two.
  // `mermaid` writes out every node and edge, so it weighs what `nodes` and `edges` do.
  const walks = ['Query.lineage', 'ModelVersion.lineage'];
  const costOptions = {
    ...DEFAULT_COST_OPTIONS,
    listSizes: { 'LineageGraph.nodes': lineage.maxNodes, 'LineageGraph.edges': lineage.maxNodes },
    fieldWeights: {
      ...Object.fromEntries(walks.map((w) => [w, 2 * lineage.maxNodes])),
      'LineageGraph.mermaid': 2 * lineage.maxNodes,
    },
    depthLimits: Object.fromEntries(walks.map((w) => [w, { max: lineage.maxDepth, limit: 'LINEAGE_MAX_DEPTH' }])),
  };
  return {
    validationRules: [maxDepthRule(config.maxDepth), maxAliasesRule(config.maxAliases)],
    parseOptions: { maxTokens: config.maxTokens },
    plugin: limitsPlugin(config, costOptions),
  };
}

/** graphql-js's token-limit message ("… more that 5000 tokens", sic), with the variable that sets it. */
export function nameTokenLimit(message: string): string {
  return message.replace(/^(Syntax Error: Document contains more tha[nt] \d+ tokens)\./, '$1 (GRAPHQL_MAX_TOKENS).');
}

/** The document-size refusal, or null when `document` fits in `max` bytes. */
export function documentSizeError(document: string, max: number): LimitExceededError | null {
  const bytes = Buffer.byteLength(document, 'utf8');
  if (bytes <= max) return null;
  return new LimitExceededError(`The document is ${bytes} bytes; the limit is ${max} (GRAPHQL_MAX_DOCUMENT_BYTES).`, {
    limit: 'GRAPHQL_MAX_DOCUMENT_BYTES',
    max,
  });
}
