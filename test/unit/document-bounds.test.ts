import { Lexer, parse, Source, TokenKind } from 'graphql';
import { documentBoundsError, StepMeter } from '../../src/graphql/limits/document-bounds';
import { COSTLY_DOCUMENTS } from '../support/costly-documents';

// The bounds pass runs on every document before anything else looks at it, for callers not yet
// known: its work must follow the document's size. A step is one node looked at; the pair walk
// follows the expansion, which the selection count has first held to GRAPHQL_MAX_SELECTIONS.

const DEFAULTS = { maxOperations: 20, maxFragments: 50, maxSelections: 5000, maxFieldPairs: 5000 };

function tokens(query: string): number {
  const lexer = new Lexer(new Source(query));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
}

function bounded(query: string, bounds = DEFAULTS) {
  const meter: StepMeter = { steps: 0 };
  const error = documentBoundsError(parse(query, { maxTokens: 1_000_000 }), bounds, meter);
  return { error, steps: meter.steps, tokens: tokens(query) };
}

const parseable = COSTLY_DOCUMENTS.filter((d) => {
  try {
    parse(d.query, { maxTokens: 5000 });
    return true;
  } catch {
    return false;
  }
});

describe('the document bounds pass', () => {
  it('takes at most 4 steps per token, plus the bounded pair walk, on every costly document', () => {
    expect(parseable.length).toBeGreaterThan(20);
    for (const d of parseable) {
      const { steps, tokens: n } = bounded(d.query);
      expect({ name: d.name, within: steps <= 4 * n + DEFAULTS.maxSelections }).toEqual({ name: d.name, within: true });
    }
  });

  it('takes at most 4 steps per token when it refuses before the pair walk', () => {
    for (const d of parseable) {
      const { error, steps, tokens: n } = bounded(d.query);
      if (error?.extensions.limit === 'GRAPHQL_MAX_FIELD_PAIRS' || error === null) continue;
      expect({ name: d.name, within: steps <= 4 * n }).toEqual({ name: d.name, within: true });
    }
  });

  it('stays linear for fragments that double to an unknown fragment, with every bound opened', () => {
    const open = { maxOperations: 1e9, maxFragments: 1e9, maxSelections: 1e9, maxFieldPairs: 1e9 };
    for (const end of ['...Nope', '__typename']) {
      const levels = 40;
      const query =
        `query { ...D0 } ${Array.from({ length: levels }, (_, i) => `fragment D${i} on Query { ...D${i + 1} ...D${i + 1} }`).join(' ')} ` +
        `fragment D${levels} on Query { ${end} }`;
      const { error, steps, tokens: n } = bounded(query, open);
      expect(steps).toBeLessThanOrEqual(4 * n);
      expect(error?.message).toEqual(
        end === '...Nope' ? 'Unknown fragment "Nope".' : expect.stringContaining('GRAPHQL_MAX_SELECTIONS'),
      );
    }
  });

  it('counts fields, fragment spreads and inline fragments as selections', () => {
    const frag = 'fragment R on Query { registries { totalCount } }';
    // viewer, subject, the inline fragment, two spreads, and R twice (2 each): 9.
    const query = `{ viewer { subject } ... on Query { ...R } ...R } ${frag}`;
    expect(bounded(query, { ...DEFAULTS, maxSelections: 9 }).error).toBeNull();
    expect(bounded(query, { ...DEFAULTS, maxSelections: 8 }).error?.extensions).toMatchObject({
      limit: 'GRAPHQL_MAX_SELECTIONS',
      max: 8,
    });
  });

  it('refuses more operations than GRAPHQL_MAX_OPERATIONS, naming the limit', () => {
    const ops = (n: number) => Array.from({ length: n }, (_, i) => `query Q${i} { __typename }`).join(' ');
    expect(bounded(ops(20)).error).toBeNull();
    const { error } = bounded(ops(21));
    expect(error?.message).toBe(
      'The document defines 21 operations; the limit is 20 (GRAPHQL_MAX_OPERATIONS). Send the operation you run, or a few.',
    );
    expect(error?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'GRAPHQL_MAX_OPERATIONS',
      max: 20,
    });
  });

  it('refuses a spread of an unknown fragment, in an operation or a fragment, as graphql-js would', () => {
    expect(bounded('{ ...Nope }').error?.message).toBe('Unknown fragment "Nope".');
    expect(bounded('{ ...A } fragment A on Query { viewer { ...B } }').error?.message).toBe('Unknown fragment "B".');
  });
});
