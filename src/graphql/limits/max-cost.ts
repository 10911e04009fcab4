import {
  DocumentNode,
  FieldNode,
  getNamedType,
  getNullableType,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValueNode,
} from 'graphql';
import { LimitExceededError } from '../../common/errors';
import { MAX_PAGE } from '../../common/pagination';
import { fragmentsOf } from './fragments';

export interface CostOptions {
  /** The `first` cap of every connection (pagination's MAX_PAGE); also a missing `first`'s weight. */
  maxPage: number;
  /** Assumed length of a list of objects that takes no `first` (aliases, members). */
  listSize: number;
  /** Lists whose length is known to be larger, by `Type.field`: a lineage graph's nodes and edges. */
  listSizes?: Record<string, number>;
  /**
   * Fields whose own work outweighs what they return, by `Type.field`: a lineage graph is a
   * recursive walk whatever is selected from it (`truncated` alone runs the whole walk).
   */
  fieldWeights?: Record<string, number>;
  /** `depth` bounds of fields that take one (lineage walks), refused here, before execution. */
  depthLimits?: Record<string, { max: number; limit: string }>;
}

export const DEFAULT_COST_OPTIONS: CostOptions = {
  maxPage: MAX_PAGE,
  listSize: 10,
};

type Variables = Record<string, unknown>;

/**
 * The cost of running an operation with these variables: every field counts 1 for each object it
 * is resolved on, and a field's sub-selection is multiplied by how many objects the field can
 * return. A connection returns `first` of them (the cap when `first` is absent, since the default
 * page could change); a list of objects without `first` counts `listSize`, or the length of a list
 * argument such as federation's `representations`. Introspection and `__typename` are free.
 *
 * Depends on variables, so it runs for every request once the operation is known (Apollo caches
 * validated documents and skips validation rules on a cache hit). A `first` outside 0..maxPage is
 * refused here, before execution, with pagination's own message.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  op: OperationDefinitionNode,
  variables: Variables,
  opts: CostOptions,
): number {
  const fragments = fragmentsOf(document);
  const perFragment = new Map<string, number>();
  const active = new Set<string>();

  const value = (node: ValueNode): unknown => {
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.LIST) return node.values;
    if (node.kind !== Kind.VARIABLE) return null;
    const name = node.name.value;
    if (variables[name] !== undefined) return variables[name];
    const declared = op.variableDefinitions?.find((v) => v.variable.name.value === name)?.defaultValue;
    return declared ? value(declared) : null;
  };

  const itemsOf = (field: FieldNode, def: GraphQLField<unknown, unknown>, parent: GraphQLNamedType): number => {
    if (def.args.some((a) => a.name === 'first')) {
      const arg = field.arguments?.find((a) => a.name.value === 'first');
      const first = arg ? value(arg.value) : null;
      // Not a whole number: variable coercion refuses it at execution; weigh it as the cap meanwhile.
      if (typeof first !== 'number' || !Number.isInteger(first)) return opts.maxPage;
      if (first < 0 || first > opts.maxPage)
        throw new LimitExceededError(`"first" must be between 0 and ${opts.maxPage}; got ${first}.`, {
          field: 'first',
          max: opts.maxPage,
        });
      return first;
    }
    const type = getNullableType(def.type);
    if (!isListType(type) || !isCompositeType(getNamedType(type))) return 1;
    // A connection's `edges` and `nodes` are already counted by its `first`.
    if (parent.name.endsWith('Connection')) return 1;
    for (const arg of field.arguments ?? []) {
      const v = value(arg.value);
      if (Array.isArray(v)) return v.length;
    }
    return opts.listSizes?.[`${parent.name}.${def.name}`] ?? opts.listSize;
  };

  const checkDepth = (field: FieldNode, key: string) => {
    const bound = opts.depthLimits?.[key];
    const arg = bound && field.arguments?.find((a) => a.name.value === 'depth');
    if (!bound || !arg) return;
    // An explicit null (literal, or a variable sent as null) is not the default: refuse it here too.
    const explicitNull =
      arg.value.kind === Kind.NULL || (arg.value.kind === Kind.VARIABLE && variables[arg.value.name.value] === null);
    const depth = explicitNull ? null : value(arg.value);
    if (explicitNull || (typeof depth === 'number' && (!Number.isInteger(depth) || depth < 1 || depth > bound.max))) {
      throw new LimitExceededError(`depth must be between 1 and ${bound.max} (${bound.limit}); got ${String(depth)}.`, {
        field: 'depth',
        limit: bound.limit,
        max: bound.max,
      });
    }
  };

  const costOf = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__') || !parent || !(isObjectType(parent) || isInterfaceType(parent))) continue;
        const def = parent.getFields()[sel.name.value];
        if (!def) continue;
        const key = `${parent.name}.${def.name}`;
        checkDepth(sel, key);
        // An object costs at least 1 even when only `__typename` is asked of it.
        total +=
          (opts.fieldWeights?.[key] ?? 1) +
          (sel.selectionSet
            ? itemsOf(sel, def, parent) * Math.max(1, costOf(sel.selectionSet, getNamedType(def.type)))
            : 0);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        total += costOf(
          sel.selectionSet,
          sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? undefined) : parent,
        );
      } else {
        total += fragmentCost(sel.name.value);
      }
    }
    return total;
  };

  // A fragment costs the same wherever it is spread, so each is counted once per request.
  const fragmentCost = (name: string): number => {
    const known = perFragment.get(name);
    if (known !== undefined) return known;
    const def = fragments.get(name);
    if (!def || active.has(name)) return 0;
    active.add(name);
    const cost = costOf(def.selectionSet, schema.getType(def.typeCondition.name.value) ?? undefined);
    active.delete(name);
    perFragment.set(name, cost);
    return cost;
  };

  return costOf(op.selectionSet, schema.getRootType(op.operation) ?? undefined);
}
