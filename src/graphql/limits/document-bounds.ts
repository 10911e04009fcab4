import {
  DocumentNode,
  FragmentDefinitionNode,
  FragmentSpreadNode,
  GraphQLError,
  Kind,
  SelectionSetNode,
} from 'graphql';

/** What a document may hold before graphql-js validates it (docs/limits.md, Validation). */
export interface DocumentBounds {
  /** Operation definitions (GRAPHQL_MAX_OPERATIONS). */
  maxOperations: number;
  /** Fragment definitions (GRAPHQL_MAX_FRAGMENTS). */
  maxFragments: number;
  /**
   * Selections once fragments are expanded, all operations together: fields, fragment spreads and
   * inline fragments, each one unit (GRAPHQL_MAX_SELECTIONS).
   */
  maxSelections: number;
  /**
   * Pairs Field Selection Merging compares: fields selected under the same response name at the
   * same place, and fragments spread side by side (GRAPHQL_MAX_FIELD_PAIRS).
   */
  maxFieldPairs: number;
}

/**
 * Counts the work of the bounds pass, one step per node it looks at, so a test can hold it to the
 * document's size (test/unit/document-bounds.test.ts): a walk that forgets to remember a fragment
 * shows as steps far beyond the document's tokens.
 */
export interface StepMeter {
  steps: number;
}

/**
 * The refusal of a document whose validation would cost more than its size, or null. graphql-js
 * validates in one pass of all its rules, and OverlappingFieldsCanBeMergedRule (spec §5.3.2, Field
 * Selection Merging) compares every two fields that share a response name at the same place,
 * following fragment spreads: 300 fragments that spread each other, or 1 000 `viewer { subject }`
 * siblings, cost hundreds of milliseconds before the error or the answer; the rules that check
 * variables walk every operation with its fragments, so 1 000 operations cost 25–30 ms.
 *
 * The pass runs before the caller's document is known to be sensible, so none of its walks may
 * cost more than the document's size, or GRAPHQL_MAX_SELECTIONS once that is checked. In order:
 * 1. one walk over the document as written: operations and fragment definitions, counted, and
 *    every fragment spread, which must name a fragment of the document (KnownFragmentNamesRule's
 *    refusal: a spread of an unknown fragment expands to nothing, so a chain of fragments that
 *    each spread the next twice and end in one would count no fields while doubling any walk);
 * 2. fragment cycles, refused as NoFragmentCyclesRule would (without it, the counts below would not end);
 * 3. selections once fragments are expanded, every field, spread and inline fragment one unit,
 *    each fragment counted once and remembered, so a fragment spread twice in each of 30 nested
 *    fragments costs 30 steps, not 2^30, and is refused for its 2^30 spreads;
 * 4. the pairs Field Selection Merging compares: the expansion is walked (at most
 *    GRAPHQL_MAX_SELECTIONS units, checked by 3) and fields merged by response path; a path
 *    selected n times makes n(n-1)/2 pairs. n different fragments spread in one selection set
 *    make n(n-1)/2 more: graphql-js compares each two (50 sets spreading the same 50 fragments
 *    cost about 10 ms of CPU with no field in common).
 * Operations and fragments that nothing spreads are counted (graphql-js validates those too).
 */
export function documentBoundsError(
  document: DocumentNode,
  bounds: DocumentBounds,
  meter: StepMeter = { steps: 0 },
): GraphQLError | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: SelectionSetNode[] = [];
  for (const def of document.definitions) {
    meter.steps++;
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else if (def.kind === Kind.OPERATION_DEFINITION) operations.push(def.selectionSet);
  }
  if (operations.length > bounds.maxOperations) {
    return refusal(
      `The document defines ${operations.length} operations; the limit is ${bounds.maxOperations} ` +
        '(GRAPHQL_MAX_OPERATIONS). Send the operation you run, or a few.',
      'GRAPHQL_MAX_OPERATIONS',
      bounds.maxOperations,
    );
  }
  if (fragments.size > bounds.maxFragments) {
    return refusal(
      `The document defines ${fragments.size} fragments; the limit is ${bounds.maxFragments} (GRAPHQL_MAX_FRAGMENTS).`,
      'GRAPHQL_MAX_FRAGMENTS',
      bounds.maxFragments,
    );
  }
  const spreads = new Map([...fragments].map(([name, def]) => [name, spreadsIn(def.selectionSet, meter)]));
  const operationSpreads = operations.map((op) => spreadsIn(op, meter));
  for (const spread of [...spreads.values(), ...operationSpreads].flat()) {
    if (!fragments.has(spread.name.value)) {
      return new GraphQLError(`Unknown fragment "${spread.name.value}".`, {
        nodes: spread,
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
      });
    }
  }
  const cycle = findCycle(fragments, spreads, meter);
  if (cycle) return cycle;

  const spreadSomewhere = new Set([...spreads.values(), ...operationSpreads].flat().map((s) => s.name.value));
  const roots = [
    ...operations,
    ...[...fragments.values()].filter((f) => !spreadSomewhere.has(f.name.value)).map((f) => f.selectionSet),
  ];
  const selections = countSelections(fragments, roots, bounds.maxSelections + 1, meter);
  if (selections > bounds.maxSelections) {
    return refusal(
      // Counting stops just past the limit: an expansion can be exponential in the document.
      `The document makes more than ${bounds.maxSelections} selections (fields, fragment spreads and inline ` +
        'fragments) once its fragments are expanded (a fragment counts again at each spread); the limit is ' +
        `${bounds.maxSelections} (GRAPHQL_MAX_SELECTIONS).`,
      'GRAPHQL_MAX_SELECTIONS',
      bounds.maxSelections,
    );
  }
  const fields = fieldPairs(fragments, roots, meter);
  const spreadSets = spreadPairs(document, meter);
  const total = fields.total + spreadSets.total;
  if (total > bounds.maxFieldPairs) {
    const worst =
      fields.total >= spreadSets.total
        ? `"${fields.worst.path}" is selected ${fields.worst.count} times`
        : `${spreadSets.widest} fragments are spread in one place`;
    return refusal(
      'Validation compares fields selected under the same name at the same place, and fragments spread side by ' +
        `side, pair by pair: this document makes ${total} pairs (${worst}); the limit is ${bounds.maxFieldPairs} ` +
        '(GRAPHQL_MAX_FIELD_PAIRS). Select each field once where it is needed.',
      'GRAPHQL_MAX_FIELD_PAIRS',
      bounds.maxFieldPairs,
    );
  }
  return null;
}

// One node at most: graphql-js turns each node into a line and column by scanning the document.
const refusal = (message: string, limit: string, max: number) =>
  new GraphQLError(message, {
    extensions: {
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit,
      max,
      http: { status: 400 },
    },
  });

/** The fragment spreads of a selection set as written, at any depth (one step per selection). */
function spreadsIn(set: SelectionSetNode, meter: StepMeter, out: FragmentSpreadNode[] = []): FragmentSpreadNode[] {
  for (const sel of set.selections) {
    meter.steps++;
    if (sel.kind === Kind.FRAGMENT_SPREAD) out.push(sel);
    else if (sel.selectionSet) spreadsIn(sel.selectionSet, meter, out);
  }
  return out;
}

/** The first cycle of fragment spreads, refused with NoFragmentCyclesRule's wording (its path shortened). */
function findCycle(
  fragments: Map<string, FragmentDefinitionNode>,
  spreads: Map<string, FragmentSpreadNode[]>,
  meter: StepMeter,
): GraphQLError | null {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (name: string): GraphQLError | null => {
    path.push(name);
    onPath.add(name);
    for (const spread of spreads.get(name)!) {
      meter.steps++;
      const next = spread.name.value;
      if (done.has(next)) continue;
      if (onPath.has(next)) {
        const via = path.slice(path.indexOf(next) + 1).map((n) => `"${n}"`);
        const shown =
          via.length > 6 ? `${via.slice(0, 5).join(', ')}, … ${via.at(-1)} (${via.length} fragments)` : via.join(', ');
        return new GraphQLError(`Cannot spread fragment "${next}" within itself${via.length ? ` via ${shown}` : ''}.`, {
          nodes: spread,
          extensions: {
            code: 'GRAPHQL_VALIDATION_FAILED',
            http: { status: 400 },
          },
        });
      }
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    onPath.delete(name);
    done.add(name);
    return null;
  };
  for (const name of fragments.keys()) {
    if (done.has(name)) continue;
    const found = visit(name);
    if (found) return found;
  }
  return null;
}

/**
 * Selections of the roots with fragments expanded (fields, spreads and inline fragments, one unit
 * each), each fragment counted once and remembered; stops counting at `cap`.
 */
function countSelections(
  fragments: Map<string, FragmentDefinitionNode>,
  roots: SelectionSetNode[],
  cap: number,
  meter: StepMeter,
): number {
  const perFragment = new Map<string, number>();
  const count = (set: SelectionSetNode): number => {
    let n = 0;
    for (const sel of set.selections) {
      meter.steps++;
      if (sel.kind === Kind.FIELD) n += 1 + (sel.selectionSet ? count(sel.selectionSet) : 0);
      else if (sel.kind === Kind.INLINE_FRAGMENT) n += 1 + count(sel.selectionSet);
      else n += 1 + fragmentCount(sel.name.value);
      if (n >= cap) return cap;
    }
    return n;
  };
  // Every spread names a known fragment and no cycle remains (both checked before).
  const fragmentCount = (name: string): number => {
    let n = perFragment.get(name);
    if (n === undefined) {
      n = count(fragments.get(name)!.selectionSet);
      perFragment.set(name, n);
    }
    return n;
  };
  let total = 0;
  for (const root of roots) total = Math.min(cap, total + count(root));
  return total;
}

interface Merged {
  count: number;
  children?: Map<string, Merged>;
}

/**
 * Pairs of fields that share a response path in each root's expansion, and the path with the most.
 * It walks the expansion: one step per unit countSelections counted, so at most GRAPHQL_MAX_SELECTIONS.
 */
function fieldPairs(fragments: Map<string, FragmentDefinitionNode>, roots: SelectionSetNode[], meter: StepMeter) {
  const merge = (set: SelectionSetNode, into: Map<string, Merged>) => {
    for (const sel of set.selections) {
      meter.steps++;
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        let node = into.get(key);
        if (!node) into.set(key, (node = { count: 0 }));
        node.count += 1;
        if (sel.selectionSet) merge(sel.selectionSet, (node.children ??= new Map<string, Merged>()));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        merge(sel.selectionSet, into);
      } else {
        merge(fragments.get(sel.name.value)!.selectionSet, into);
      }
    }
  };
  let total = 0;
  let worst = { path: '', count: 0 };
  const sum = (tree: Map<string, Merged>, prefix: string) => {
    for (const [key, node] of tree) {
      meter.steps++;
      total += (node.count * (node.count - 1)) / 2;
      if (node.count > worst.count) worst = { path: prefix + key, count: node.count };
      if (node.children) sum(node.children, `${prefix}${key}.`);
    }
  };
  for (const root of roots) {
    const tree = new Map<string, Merged>();
    merge(root, tree);
    sum(tree, '');
  }
  return { total, worst };
}

/**
 * Pairs of different fragments spread in the same selection set (inline fragments flattened, as
 * graphql-js does), in the document as written.
 */
function spreadPairs(document: DocumentNode, meter: StepMeter) {
  let total = 0;
  let widest = 0;
  const inSet = (set: SelectionSetNode) => {
    const names = new Set<string>();
    const walk = (level: SelectionSetNode) => {
      for (const sel of level.selections) {
        meter.steps++;
        if (sel.kind === Kind.FRAGMENT_SPREAD) names.add(sel.name.value);
        else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
        else if (sel.selectionSet) inSet(sel.selectionSet);
      }
    };
    walk(set);
    total += (names.size * (names.size - 1)) / 2;
    widest = Math.max(widest, names.size);
  };
  for (const def of document.definitions)
    if (def.kind === Kind.OPERATION_DEFINITION || def.kind === Kind.FRAGMENT_DEFINITION) inSet(def.selectionSet);
  return { total, widest };
}
