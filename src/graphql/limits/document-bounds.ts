import {
  DocumentNode,
  FragmentDefinitionNode,
  FragmentSpreadNode,
  GraphQLError,
  Kind,
  SelectionSetNode,
} from 'graphql';
import { fragmentsOf } from './fragments';

/** What a document may hold before graphql-js validates it (docs/limits.md). */
export interface DocumentBounds {
  /** Fragment definitions (GRAPHQL_MAX_FRAGMENTS). */
  maxFragments: number;
  /** Fields once fragments are expanded, all operations together (GRAPHQL_MAX_SELECTIONS). */
  maxSelections: number;
  /**
   * Pairs Field Selection Merging compares: fields selected under the same response name at the
   * same place, and fragments spread side by side (GRAPHQL_MAX_FIELD_PAIRS).
   */
  maxFieldPairs: number;
}

/**
 * The refusal of a document whose validation would cost more than its size, or null. graphql-js
 * validates in one pass of all its rules, and OverlappingFieldsCanBeMergedRule (spec §5.3.2, Field
 * Selection Merging) compares every two fields that share a response name at the same place,
 * following fragment spreads: 300 fragments that spread each other, or 1 000 `viewer { subject }`
 * siblings, cost hundreds of milliseconds before the error or the answer. Every check here is
 * linear in the document (or bounded by GRAPHQL_MAX_SELECTIONS), in this order:
 * 1. fragment definitions, counted;
 * 2. fragment cycles, refused as NoFragmentCyclesRule would (without it, the counts below would not end);
 * 3. fields once fragments are expanded, each fragment counted once and remembered, so a fragment
 *    spread twice in each of 30 nested fragments costs 30 steps, not 2^30;
 * 4. the pairs Field Selection Merging compares: the expansion is walked (at most
 *    GRAPHQL_MAX_SELECTIONS fields, checked by 3) and fields merged by response path; a path
 *    selected n times makes n(n-1)/2 pairs. n different fragments spread in one selection set
 *    make n(n-1)/2 more: graphql-js compares each two (50 sets spreading the same 50 fragments
 *    cost about 10 ms of CPU with no field in common).
 * Operations and fragments that nothing spreads are counted (graphql-js validates those too).
 */
export function documentBoundsError(document: DocumentNode, bounds: DocumentBounds): GraphQLError | null {
  const fragments = fragmentsOf(document);
  if (fragments.size > bounds.maxFragments) {
    return refusal(
      `The document defines ${fragments.size} fragments; the limit is ${bounds.maxFragments} (GRAPHQL_MAX_FRAGMENTS).`,
      'GRAPHQL_MAX_FRAGMENTS',
      bounds.maxFragments,
    );
  }
  const spreads = new Map(
    [...fragments].map(([name, def]) => [name, spreadsIn(def.selectionSet).filter((s) => fragments.has(s.name.value))]),
  );
  const cycle = findCycle(fragments, spreads);
  if (cycle) return cycle;

  const operations = document.definitions.flatMap((d) =>
    d.kind === Kind.OPERATION_DEFINITION ? [d.selectionSet] : [],
  );
  const spreadSomewhere = new Set(
    [...spreads.values(), ...operations.map((op) => spreadsIn(op))].flat().map((s) => s.name.value),
  );
  const roots = [
    ...operations,
    ...[...fragments.values()].filter((f) => !spreadSomewhere.has(f.name.value)).map((f) => f.selectionSet),
  ];
  const selections = countSelections(fragments, roots, bounds.maxSelections + 1);
  if (selections > bounds.maxSelections) {
    return refusal(
      // Counting stops just past the limit: an expansion can be exponential in the document.
      `The document selects more than ${bounds.maxSelections} fields once its fragments are expanded ` +
        `(a fragment counts again at each spread); the limit is ${bounds.maxSelections} (GRAPHQL_MAX_SELECTIONS).`,
      'GRAPHQL_MAX_SELECTIONS',
      bounds.maxSelections,
    );
  }
  const fields = fieldPairs(fragments, roots);
  const spreadSets = spreadPairs(document);
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

function spreadsIn(set: SelectionSetNode, out: FragmentSpreadNode[] = []): FragmentSpreadNode[] {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FRAGMENT_SPREAD) out.push(sel);
    else if (sel.selectionSet) spreadsIn(sel.selectionSet, out);
  }
  return out;
}

/** The first cycle of fragment spreads, refused with NoFragmentCyclesRule's wording (its path shortened). */
function findCycle(
  fragments: Map<string, FragmentDefinitionNode>,
  spreads: Map<string, FragmentSpreadNode[]>,
): GraphQLError | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (name: string): GraphQLError | null => {
    path.push(name);
    for (const spread of spreads.get(name)!) {
      const next = spread.name.value;
      if (done.has(next)) continue;
      const at = path.indexOf(next);
      if (at >= 0) {
        const via = path.slice(at + 1).map((n) => `"${n}"`);
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

/** Fields of the roots with fragments expanded, each fragment counted once; stops counting at `cap`. */
function countSelections(
  fragments: Map<string, FragmentDefinitionNode>,
  roots: SelectionSetNode[],
  cap: number,
): number {
  const perFragment = new Map<string, number>();
  const count = (set: SelectionSetNode): number => {
    let n = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) n += 1 + (sel.selectionSet ? count(sel.selectionSet) : 0);
      else if (sel.kind === Kind.INLINE_FRAGMENT) n += count(sel.selectionSet);
      else n += fragmentCount(sel.name.value);
      if (n >= cap) return cap;
    }
    return n;
  };
  const fragmentCount = (name: string): number => {
    let n = perFragment.get(name);
    if (n === undefined) {
      const def = fragments.get(name);
      n = def ? count(def.selectionSet) : 0;
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

/** Pairs of fields that share a response path in each root's expansion, and the path with the most. */
function fieldPairs(fragments: Map<string, FragmentDefinitionNode>, roots: SelectionSetNode[]) {
  const merge = (set: SelectionSetNode, into: Map<string, Merged>) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        let node = into.get(key);
        if (!node) into.set(key, (node = { count: 0 }));
        node.count += 1;
        if (sel.selectionSet) merge(sel.selectionSet, (node.children ??= new Map<string, Merged>()));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        merge(sel.selectionSet, into);
      } else {
        const def = fragments.get(sel.name.value);
        if (def) merge(def.selectionSet, into);
      }
    }
  };
  let total = 0;
  let worst = { path: '', count: 0 };
  const sum = (tree: Map<string, Merged>, prefix: string) => {
    for (const [key, node] of tree) {
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
function spreadPairs(document: DocumentNode) {
  let total = 0;
  let widest = 0;
  const inSet = (set: SelectionSetNode) => {
    const names = new Set<string>();
    const walk = (level: SelectionSetNode) => {
      for (const sel of level.selections) {
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
