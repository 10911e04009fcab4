/**
 * Documents built to make validation expensive, each as large as the default size limits allow
 * (GRAPHQL_MAX_DOCUMENT_BYTES 100 KiB, GRAPHQL_MAX_TOKENS 5 000, GRAPHQL_MAX_DOCUMENT_LINES
 * 5 000), with what the server must answer. test/api/limits.test.ts sends them over HTTP;
 * `npm run bench` times their validation and sends them beside normal traffic (W6).
 *
 * `refused` names the limit (or graphql-js's own error) that stops each one; `accepted` ones sit
 * just inside the limits, where validation does the most work it will ever be allowed to do.
 */
export interface CostlyDocument {
  name: string;
  query: string;
  /** What the answer must be: 200 with data, or 400 with this code and `limit` (or message). */
  expect: { status: 200 } | { status: 400; code: string; limit?: string; message?: string };
}

const times = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');
const chain = (n: number, cycle: boolean) =>
  `query { ...F0 } ${times(n, (i) => `fragment F${i} on Query { viewer { subject } ${next(i, n, cycle)} }`)}`;
const next = (i: number, n: number, cycle: boolean) => (i < n - 1 ? `...F${i + 1}` : cycle ? '...F0' : '');
/** `viewer { subject }` fields selected n times under one name: n(n-1)/2 pairs at each of two paths. */
const siblings = (n: number) => `{ ${times(n, () => 'viewer { subject }')} }`;
/** `operations` queries that each spread one fragment of `2 × pairs` fields. */
const sharing = (operations: number, pairs: number) =>
  `${times(operations, (i) => `query Q${i}($f: Int) { ...R }`)} ` +
  `fragment R on Query { ${times(pairs, (i) => `r${i}: registries(first: $f) { totalCount }`)} }`;
/**
 * Issue #11's review: fragments that each spread the next twice (`spread` writes the pair), `levels`
 * deep, ending in `last`. Without remembering each fragment, any walk of it doubles per level.
 */
const doubling = (levels: number, last: string, spread = (next: string) => `...${next} ...${next}`) =>
  `query { ...D0 } ${times(levels, (i) => `fragment D${i} on Query { ${spread(`D${i + 1}`)} }`)} ` +
  `fragment D${levels} on Query { ${last} }`;
/** `operations` queries spreading one fragment that uses the variable `$v` `uses` times. */
const variableUses = (operations: number, uses: number) =>
  `${times(operations, (i) => `query Q${i}($v: _Any!) { ...U }`)} ` +
  `fragment U on Query { _entities(representations: [${times(uses, () => '$v')}]) { __typename } }`;
/** Lines before the mistakes, so that locating each error scans them all. */
const padded = (body: string) => `${'\n'.repeat(4_900)}${body}`;

const validationFailed = (limit?: string, message?: string) => ({
  status: 400 as const,
  code: 'GRAPHQL_VALIDATION_FAILED',
  limit,
  message,
});

export const COSTLY_DOCUMENTS: CostlyDocument[] = [
  // Issue #11: 300 fragments spreading each other in a cycle, 15 995 bytes.
  {
    name: 'cycle of 300 fragments',
    query: chain(300, true),
    expect: validationFailed('GRAPHQL_MAX_FRAGMENTS'),
  },
  {
    name: 'cycle of 50 fragments',
    query: chain(50, true),
    expect: validationFailed(undefined, 'Cannot spread fragment "F0" within itself via "F1"'),
  },
  {
    name: 'chain of 300 fragments',
    query: chain(300, false),
    expect: validationFailed('GRAPHQL_MAX_FRAGMENTS'),
  },
  // As many fragments as GRAPHQL_MAX_FRAGMENTS allows, each selecting viewer { subject }.
  {
    name: 'chain of 50 fragments',
    query: chain(50, false),
    expect: { status: 200 },
  },
  {
    name: 'chain of 35 fragments, 2 viewers each',
    query: chain(35, false).replace(/viewer \{ subject \}/g, 'viewer { subject } viewer { subject }'),
    expect: { status: 200 },
  },
  {
    name: '50 fragments spread side by side',
    query:
      `query { ${times(50, (i) => `...F${i}`)} } ` + times(50, (i) => `fragment F${i} on Query { viewer { subject } }`),
    expect: { status: 200 },
  },
  {
    // 1 600 × 3 selections, within GRAPHQL_MAX_SELECTIONS; "viewer" 1 600 times at one place.
    name: 'one fragment spread 1 600 times',
    query: `query { ${times(1_600, () => '...F')} } fragment F on Query { viewer { subject } }`,
    expect: validationFailed('GRAPHQL_MAX_FIELD_PAIRS'),
  },
  {
    name: '1 200 viewer { subject } siblings',
    query: siblings(1_200),
    expect: validationFailed('GRAPHQL_MAX_FIELD_PAIRS'),
  },
  {
    name: '71 viewer { subject } siblings',
    query: siblings(71),
    expect: { status: 200 },
  },
  {
    name: '100 subject siblings',
    query: `{ viewer { ${times(100, () => 'subject')} } }`,
    expect: { status: 200 },
  },
  {
    name: '800 viewer { subject } siblings under one alias',
    query: `{ ${times(800, () => 'v: viewer { subject }')} }`,
    expect: validationFailed('GRAPHQL_MAX_FIELD_PAIRS'),
  },
  {
    // Each fragment spreads two of the next: 2^17 fields once expanded, in 49 fragments and 3 KB.
    name: 'fragments doubling 16 times',
    query:
      'query { ...D0 } ' +
      times(16, (i) =>
        [
          `fragment D${i} on Query { viewer { subject } ...E${i} ...G${i} }`,
          `fragment E${i} on Query { ...D${i + 1} }`,
          `fragment G${i} on Query { ...D${i + 1} }`,
        ].join(' '),
      ) +
      ' fragment D16 on Query { viewer { subject } }',
    expect: validationFailed('GRAPHQL_MAX_SELECTIONS'),
  },
  {
    // 43 aliased viewers each spreading 50 fragments with distinct fields: no pairs, 2 150 fields.
    name: '43 × 50 distinct fragment spreads',
    query:
      `{ ${times(43, (j) => `v${j}: viewer { ${times(50, (i) => `...V${i}`)} }`)} } ` +
      times(50, (i) => `fragment V${i} on Viewer { s${i}: subject }`),
    expect: validationFailed('GRAPHQL_MAX_FIELD_PAIRS'),
  },
  {
    // 20 × (the spread and 250 × 2 fields): 5 020 selections.
    name: '20 operations sharing a 500-field fragment',
    query: sharing(20, 250),
    expect: validationFailed('GRAPHQL_MAX_SELECTIONS'),
  },
  {
    // 20 × (1 + 248): 4 980 selections, within GRAPHQL_MAX_SELECTIONS; refused by the validation pass (aliases).
    name: '20 operations sharing a 248-field fragment',
    query: sharing(20, 124),
    expect: validationFailed('GRAPHQL_MAX_ALIASES'),
  },
  // Issue #11's review: 981 bytes, no token, 3.6 s of the event loop before the fix.
  {
    name: 'fragments doubling 24 times to an unknown fragment',
    query: doubling(24, '...Nope'),
    expect: validationFailed(undefined, 'Unknown fragment "Nope".'),
  },
  {
    name: 'fragments doubling 49 times to an unknown fragment',
    query: doubling(49, '...Nope'),
    expect: validationFailed(undefined, 'Unknown fragment "Nope".'),
  },
  {
    name: 'fragments doubling 49 times to __typename',
    query: doubling(49, '__typename'),
    expect: validationFailed('GRAPHQL_MAX_SELECTIONS'),
  },
  {
    name: 'fragments doubling 49 times through inline fragments',
    query: doubling(49, '__typename', (next) => `... on Query { ...${next} } ... { ...${next} }`),
    expect: validationFailed('GRAPHQL_MAX_SELECTIONS'),
  },
  {
    name: 'fragments doubling 49 times, spreads with directives',
    query: doubling(49, '__typename', (next) => `...${next} @include(if: true) ...${next} @skip(if: false)`),
    expect: validationFailed('GRAPHQL_MAX_SELECTIONS'),
  },
  {
    // Within GRAPHQL_MAX_SELECTIONS (2 046 spreads and 2 × 1 024 fields): the pairs are walked.
    name: 'fragments doubling 10 times',
    query: doubling(10, 'viewer { subject }'),
    expect: validationFailed('GRAPHQL_MAX_FIELD_PAIRS'),
  },
  {
    name: '1 000 operations',
    query: times(1_000, (i) => `query Q${i} { __typename }`),
    expect: validationFailed('GRAPHQL_MAX_OPERATIONS'),
  },
  {
    name: '24 operations using a variable 2 000 times',
    query: variableUses(24, 2_000),
    expect: validationFailed('GRAPHQL_MAX_OPERATIONS'),
  },
  {
    // As many operations as GRAPHQL_MAX_OPERATIONS allows: validated, then no operation is named.
    name: '20 operations using a variable 2 000 times',
    query: variableUses(20, 2_000),
    expect: { status: 400, code: 'OPERATION_RESOLUTION_FAILURE', message: 'Must provide operation name' },
  },
  {
    name: 'fields nested 1 600 deep',
    query:
      `{ modelVersion(registry: "r", model: "m", ref: "v0") { ` +
      `${times(1_600, (i) => (i % 2 ? 'latestVersion {' : 'model {'))} name ${'} '.repeat(1_600)} } }`,
    // Refused on its text, before it is parsed (graphql-js's parser would recurse 1 600 deep).
    expect: {
      status: 400,
      code: 'BAD_USER_INPUT',
      limit: 'DOCUMENT_MAX_NESTING',
    },
  },
  {
    name: '990 nested inline fragments',
    query: `{ ${'... on Query { '.repeat(990)}viewer { subject }${' }'.repeat(990)} }`,
    expect: {
      status: 400,
      code: 'BAD_USER_INPUT',
      limit: 'DOCUMENT_MAX_NESTING',
    },
  },
  {
    name: '250 nested inline fragments',
    query: `{ ${'... on Query { '.repeat(250)}viewer { subject }${' }'.repeat(250)} }`,
    expect: { status: 200 },
  },
  {
    name: '1 500 duplicate arguments after 4 900 lines',
    query: padded(`{ registries(${times(1_500, () => 'first: 1')}) { totalCount } }`),
    expect: validationFailed(undefined, 'There can be only one argument named "first".'),
  },
  {
    name: '300 unknown fields after 4 900 lines',
    query: padded(`{ viewer { ${times(300, (i) => `x${i}`)} } }`),
    expect: validationFailed(undefined, 'Cannot query field "x0"'),
  },
  {
    name: '1 000 duplicate variables after 4 900 lines',
    query: padded(`query(${times(1_000, () => '$v: Int')}) { viewer { subject } }`),
    expect: validationFailed(undefined, 'There can be only one variable named "$v".'),
  },
  {
    name: '90 000 empty lines',
    query: `${'\n'.repeat(90_000)}{ viewer { subject } }`,
    expect: {
      status: 400,
      code: 'BAD_USER_INPUT',
      limit: 'GRAPHQL_MAX_DOCUMENT_LINES',
    },
  },
];
