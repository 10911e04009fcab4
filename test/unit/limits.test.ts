import { buildSchema, GraphQLError, Kind, OperationDefinitionNode, parse, validate } from 'graphql';
import { documentSizeError, nameTokenLimit } from '../../src/graphql/limits';
import { maxAliasesRule } from '../../src/graphql/limits/max-aliases.rule';
import { CostOptions, DEFAULT_COST_OPTIONS, operationCost } from '../../src/graphql/limits/max-cost';
import { maxDepthRule } from '../../src/graphql/limits/max-depth.rule';

// The request limits as pure functions of a schema, a document and its variables: no server.
// The schema is a small stand-in with the shapes that matter (connections, a plain list, a list
// argument, a walk with a depth); test/api/limits.test.ts checks the same limits on the real API.

const schema = buildSchema(`
  type Query {
    registry(name: String!): Registry
    registries(first: Int, after: String): RegistryConnection!
    lineage(depth: Int = 3): LineageGraph
    _entities(representations: [String!]!): [Entity]!
  }
  union Entity = Registry | Model
  type RegistryConnection { edges: [RegistryEdge!]! nodes: [Registry!]! totalCount: Int! }
  type RegistryEdge { cursor: String! node: Registry! }
  type Registry { id: ID! name: String! members: [Member!]! models(first: Int): ModelConnection! }
  type Member { subject: String! }
  type ModelConnection { edges: [ModelEdge!]! }
  type ModelEdge { node: Model! }
  type Model { id: ID! name: String! registry: Registry! tags: [String!]! }
  type LineageGraph { truncated: Boolean! nodes: [LineageNode!]! }
  type LineageNode { id: ID! }
`);

function cost(
  source: string,
  variables: Record<string, unknown> = {},
  opts: CostOptions = DEFAULT_COST_OPTIONS,
): number {
  const document = parse(source);
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return operationCost(schema, document, op, variables, opts);
}

/** The error a function throws, to assert on its message and extensions together. */
function thrown(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (err) {
    return err as GraphQLError;
  }
  throw new Error('expected an error');
}

describe('operation cost', () => {
  it('counts each field once, and an object at least 1 even when it asks only for __typename', () => {
    expect(cost('{ registry(name: "a") { name id } }')).toBe(3);
    expect(cost('{ registry(name: "a") { __typename } }')).toBe(2);
  });

  it('makes __typename and introspection free', () => {
    expect(cost('{ __typename }')).toBe(0);
    expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
  });

  it("multiplies a connection's selection by first, counting edges and node once", () => {
    // registries: 1 + 5 × (edges: 1 + node: (1 + name: 1))
    expect(cost('{ registries(first: 5) { edges { node { name } } } }')).toBe(16);
    expect(cost('{ registries(first: 0) { totalCount } }')).toBe(1);
  });

  it('weighs a connection without first as the page cap, since the default page could change', () => {
    expect(cost('{ registries { edges { node { name } } } }')).toBe(1 + 100 * 3);
    expect(cost('{ registries { totalCount } }', {}, { ...DEFAULT_COST_OPTIONS, maxPage: 7 })).toBe(1 + 7);
  });

  it('multiplies nested connections', () => {
    const q =
      'query($a: Int, $b: Int) { registries(first: $a) { edges { node { models(first: $b) { edges { node { name } } } } } } }';
    // registries: 1 + a × (edges 1 + node (1 + models (1 + b × (edges 1 + node (1 + name 1)))))
    expect(cost(q, { a: 10, b: 15 })).toBe(1 + 10 * (1 + 1 + 1 + 15 * 3));
  });

  it('reads first from a variable, or from the variable default when none is sent', () => {
    expect(cost('query($n: Int) { registries(first: $n) { totalCount } }', { n: 7 })).toBe(8);
    expect(cost('query($n: Int = 4) { registries(first: $n) { totalCount } }')).toBe(5);
    expect(
      cost('query($n: Int = 4) { registries(first: $n) { totalCount } }', {
        n: 9,
      }),
    ).toBe(10);
  });

  it('weighs a first that is not a whole number as the cap, leaving the refusal to variable coercion', () => {
    expect(
      cost('query($n: Int) { registries(first: $n) { totalCount } }', {
        n: 2.5,
      }),
    ).toBe(101);
    expect(
      cost('query($n: Int) { registries(first: $n) { totalCount } }', {
        n: 'ten',
      }),
    ).toBe(101);
  });

  it("refuses a first outside 0..maxPage before execution, with pagination's message", () => {
    for (const first of [101, -1]) {
      const err = thrown(() => cost(`{ registries(first: ${first}) { totalCount } }`));
      expect(err.message).toBe(`"first" must be between 0 and 100; got ${first}.`);
      expect(err.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'first',
        max: 100,
      });
    }
    expect(
      thrown(() =>
        cost('query($n: Int) { registries(first: $n) { totalCount } }', {
          n: 500,
        }),
      ).message,
    ).toContain('got 500');
  });

  it('weighs a list of objects without first as listSize, or as its own size when one is configured', () => {
    expect(cost('{ registry(name: "a") { members { subject } } }')).toBe(1 + (1 + 10 * 1));
    const opts = {
      ...DEFAULT_COST_OPTIONS,
      listSizes: { 'Registry.members': 50 },
    };
    expect(cost('{ registry(name: "a") { members { subject } } }', {}, opts)).toBe(1 + (1 + 50));
  });

  it('counts a list of scalars as one field', () => {
    expect(cost('{ registry(name: "a") { models(first: 2) { edges { node { tags } } } } }')).toBe(
      1 + (1 + 2 * (1 + (1 + 1))),
    );
  });

  it('sizes a list by the list argument it was given (federation representations)', () => {
    expect(cost('{ _entities(representations: ["a", "b", "c"]) { ... on Registry { name } } }')).toBe(1 + 3 * 1);
    const q = 'query($r: [String!]!) { _entities(representations: $r) { ... on Model { name id } } }';
    expect(cost(q, { r: ['1', '2', '3', '4', '5'] })).toBe(1 + 5 * 2);
  });

  it('adds the configured weight of a field whose work outweighs what it returns', () => {
    const opts = {
      ...DEFAULT_COST_OPTIONS,
      fieldWeights: { 'Query.lineage': 2000 },
    };
    expect(cost('{ lineage { truncated } }', {}, opts)).toBe(2000 + 1);
    expect(cost('{ lineage { truncated } }')).toBe(2);
  });

  it('counts a fragment once per spread, whatever its size, and stops at a fragment cycle', () => {
    const spread =
      '{ a: registry(name: "a") { ...F } b: registry(name: "b") { ...F } } fragment F on Registry { name id }';
    expect(cost(spread)).toBe(2 * (1 + 2));
    const cyclic =
      '{ registry(name: "a") { ...A } } fragment A on Registry { name ...B } fragment B on Registry { id ...A }';
    expect(cost(cyclic)).toBe(1 + 2);
  });

  describe('depth of a bounded walk', () => {
    const opts: CostOptions = {
      ...DEFAULT_COST_OPTIONS,
      depthLimits: { 'Query.lineage': { max: 20, limit: 'LINEAGE_MAX_DEPTH' } },
    };

    it('accepts 1..max, and the default when depth is left out', () => {
      expect(cost('{ lineage(depth: 1) { truncated } }', {}, opts)).toBe(2);
      expect(cost('{ lineage(depth: 20) { truncated } }', {}, opts)).toBe(2);
      expect(cost('{ lineage { truncated } }', {}, opts)).toBe(2);
    });

    it('refuses a depth out of range, naming the variable that sets the bound', () => {
      for (const depth of [0, 21]) {
        const err = thrown(() => cost(`{ lineage(depth: ${depth}) { truncated } }`, {}, opts));
        expect(err.message).toBe(`depth must be between 1 and 20 (LINEAGE_MAX_DEPTH); got ${depth}.`);
        expect(err.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'depth',
          limit: 'LINEAGE_MAX_DEPTH',
          max: 20,
        });
      }
      expect(
        thrown(() => cost('query($d: Int) { lineage(depth: $d) { truncated } }', { d: 50 }, opts)).message,
      ).toContain('got 50');
    });

    it('refuses an explicit null, literal or through a variable, which is not the default', () => {
      expect(thrown(() => cost('{ lineage(depth: null) { truncated } }', {}, opts)).message).toContain('got null');
      expect(
        thrown(() => cost('query($d: Int) { lineage(depth: $d) { truncated } }', { d: null }, opts)).message,
      ).toContain('got null');
    });
  });
});

describe('depth rule', () => {
  const errors = (source: string, max: number) => validate(schema, parse(source), [maxDepthRule(max)]);

  it('counts nesting, a connection as three levels', () => {
    expect(errors('{ registry(name: "a") { name } }', 2)).toEqual([]);
    expect(errors('{ registries { edges { node { name } } } }', 4)).toEqual([]);
    const [err] = errors('{ registries { edges { node { name } } } }', 3);
    expect(err.message).toBe('The operation nests fields 4 deep; the limit is 3 (GRAPHQL_MAX_DEPTH).');
    expect(err.extensions).toEqual({ limit: 'GRAPHQL_MAX_DEPTH', max: 3 });
  });

  it('names the operation when it has a name', () => {
    const [err] = errors('query Deep { registry(name: "a") { models { edges { node { name } } } } }', 4);
    expect(err.message).toBe('Operation "Deep" nests fields 5 deep; the limit is 4 (GRAPHQL_MAX_DEPTH).');
  });

  it('counts through fragments and inline fragments', () => {
    const q =
      '{ registry(name: "a") { ...M } } fragment M on Registry { models { edges { ... on ModelEdge { node { name } } } } }';
    expect(errors(q, 5)).toEqual([]);
    expect(errors(q, 4)).toHaveLength(1);
  });

  it('leaves introspection to graphql-js, which bounds it itself', () => {
    expect(errors('{ __schema { types { fields { type { ofType { name } } } } } }', 2)).toEqual([]);
  });

  it('stops at a fragment cycle (which NoFragmentCyclesRule reports)', () => {
    const q =
      '{ registry(name: "a") { ...A } } fragment A on Registry { name ...B } fragment B on Registry { id ...A }';
    expect(errors(q, 2)).toEqual([]);
  });
});

describe('aliases rule', () => {
  const errors = (source: string, max: number) => validate(schema, parse(source), [maxAliasesRule(max)]);

  it('counts aliased fields anywhere in the operation', () => {
    const q = '{ a: registry(name: "a") { n: name } b: registry(name: "b") { name } }';
    expect(errors(q, 3)).toEqual([]);
    const [err] = errors(q, 2);
    expect(err.message).toBe('The operation uses 3 aliases; the limit is 2 (GRAPHQL_MAX_ALIASES).');
    expect(err.extensions).toEqual({ limit: 'GRAPHQL_MAX_ALIASES', max: 2 });
  });

  it('counts a fragment once per spread, so spreading it repeats its aliases', () => {
    const q =
      '{ a: registry(name: "a") { ...F } b: registry(name: "b") { ...F } } fragment F on Registry { x: name y: id }';
    expect(errors(q, 6)).toEqual([]);
    expect(errors(q, 5)[0].message).toBe('The operation uses 6 aliases; the limit is 5 (GRAPHQL_MAX_ALIASES).');
  });

  it('allows none with a limit of 0', () => {
    expect(errors('{ registry(name: "a") { name } }', 0)).toEqual([]);
    expect(errors('{ r: registry(name: "a") { name } }', 0)).toHaveLength(1);
  });
});

describe('document size and token limits', () => {
  it('counts the document in UTF-8 bytes', () => {
    expect(documentSizeError('x'.repeat(1024), 1024, 5000)).toBeNull();
    const err = documentSizeError('é'.repeat(600), 1024, 5000)!;
    expect(err.message).toBe('The document is 1200 bytes; the limit is 1024 (GRAPHQL_MAX_DOCUMENT_BYTES).');
    expect(err.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      limit: 'GRAPHQL_MAX_DOCUMENT_BYTES',
      max: 1024,
    });
  });

  it("names the variable in graphql-js's token-limit message, and leaves other messages alone", () => {
    let message = '';
    try {
      parse('{ a b c d e f }', { maxTokens: 3 });
    } catch (err) {
      message = nameTokenLimit((err as Error).message);
    }
    expect(message).toMatch(
      /^Syntax Error: Document contains more tha[nt] 3 tokens \(GRAPHQL_MAX_TOKENS\)\. Parsing aborted\.$/,
    );
    expect(nameTokenLimit('Syntax Error: Expected Name, found "}".')).toBe('Syntax Error: Expected Name, found "}".');
  });
});
