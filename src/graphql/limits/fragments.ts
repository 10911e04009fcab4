import { DocumentNode, FragmentDefinitionNode, Kind, SelectionSetNode } from 'graphql';

/** The document's fragment definitions by name. */
export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  return fragments;
}

/**
 * Folds a selection set the way execution would see it, following fragment spreads: `field`
 * combines a field with the folded value of its sub-selection, `combine` merges siblings. Each
 * fragment is folded once (memoized), so a document whose fragments spread each other many times
 * costs its size, not its expansion; a spread that would re-enter a fragment being folded (a cycle,
 * which NoFragmentCyclesRule reports) counts as `empty`.
 */
export interface Fold<T> {
  empty: T;
  field(name: string, alias: string | undefined, sub: T): T;
  combine(a: T, b: T): T;
}

export function foldSelections<T>(
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  fold: Fold<T>,
): (set: SelectionSetNode) => T {
  const done = new Map<string, T>();
  const active = new Set<string>();

  const fragment = (name: string): T => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const def = fragments.get(name);
    if (!def || active.has(name)) return fold.empty;
    active.add(name);
    const value = selectionSet(def.selectionSet);
    active.delete(name);
    done.set(name, value);
    return value;
  };

  const selectionSet = (set: SelectionSetNode): T => {
    let acc = fold.empty;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        acc = fold.combine(
          acc,
          fold.field(sel.name.value, sel.alias?.value, sel.selectionSet ? selectionSet(sel.selectionSet) : fold.empty),
        );
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        acc = fold.combine(acc, selectionSet(sel.selectionSet));
      } else {
        acc = fold.combine(acc, fragment(sel.name.value));
      }
    }
    return acc;
  };

  return selectionSet;
}

/** Introspection (`__schema`, `__type`) is answered from memory and bounded by graphql-js's MaxIntrospectionDepthRule. */
export const isIntrospection = (name: string) => name === '__schema' || name === '__type';
