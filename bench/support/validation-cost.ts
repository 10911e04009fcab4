import { GraphQLError, GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import { GraphQLConfig } from '../../src/config';
import { graphqlLimits, VALIDATION_MAX_ERRORS } from '../../src/graphql/limits';
import { CostlyDocument } from '../../test/support/costly-documents';

/**
 * What the server does with a document before executing it, in its order, timed: the HTTP
 * front's check (size, lines, then parsed, the document's bounds), then Apollo's parse with the
 * token limit and graphql-js's rules and ours in one `validate`, as Apollo calls it.
 */
export function validationPath(schema: GraphQLSchema, config: GraphQLConfig) {
  const rules = [...specifiedRules, ...graphqlLimits(config).validationRules];
  return (query: string): { outcome: string; ms: number; cpuMs: number } => {
    // A new check each time: the server remembers accepted documents, which would skip the work.
    const { checkDocument, parseOptions } = graphqlLimits(config);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const outcome = ((): string => {
      const refused = checkDocument(query);
      if (refused) {
        const limit = refused.extensions.limit;
        return `refused: ${typeof limit === 'string' ? limit : refused.message.slice(0, 40)}`;
      }
      let document;
      try {
        document = parse(query, parseOptions);
      } catch (err) {
        return `parse error: ${(err as Error).message.slice(0, 60)}`;
      }
      const errors = validate(schema, document, rules, {
        maxErrors: VALIDATION_MAX_ERRORS,
        hideSuggestions: !config.introspection,
      });
      return errors.length ? `${errors.length} validation errors: ${describe(errors[0])}` : 'valid';
    })();
    const used = process.cpuUsage(cpu);
    return {
      outcome,
      ms: performance.now() - started,
      cpuMs: (used.user + used.system) / 1000,
    };
  };
}

const describe = (e: GraphQLError) => (e.extensions?.limit as string | undefined) ?? e.message.slice(0, 50);

export interface ValidationCost {
  name: string;
  bytes: number;
  outcome: string;
  /** Wall-clock milliseconds: median and slowest of the timed runs, after one untimed run. */
  median: number;
  max: number;
  /**
   * CPU milliseconds (user and system, this process), median: what the document costs the
   * server, less sensitive than wall time to other processes sharing the cores.
   */
  cpuMedian: number;
}

/** Each document through `validationPath` `runs` times. */
export function validationCosts(
  schema: GraphQLSchema,
  config: GraphQLConfig,
  documents: CostlyDocument[],
  runs = 15,
): ValidationCost[] {
  const path = validationPath(schema, config);
  return documents.map((d) => {
    path(d.query);
    const times: number[] = [];
    const cpu: number[] = [];
    let outcome = '';
    for (let i = 0; i < runs; i++) {
      const r = path(d.query);
      times.push(r.ms);
      cpu.push(r.cpuMs);
      outcome = r.outcome;
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return {
      name: d.name,
      bytes: Buffer.byteLength(d.query),
      outcome,
      median: median(times),
      max: Math.max(...times),
      cpuMedian: median(cpu),
    };
  });
}
