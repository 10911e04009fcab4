import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { execute, GraphQLSchema, GraphQLUnionType, lexicographicSortSchema, parse } from 'graphql';
import { createResolversMap } from 'type-graphql';
import { BadInputError } from '../common/errors';
import { Context } from './context';

/**
 * The Federation 2 glue. type-graphql builds the schema from our classes (entities carry `@key`
 * through `@Directive`); @apollo/subgraph rebuilds it from that SDL as a subgraph, which adds
 * `_service` and `_entities`, with type-graphql's own resolvers; `_entities` is resolved per
 * entity type in batches (resolveEntitiesInBatches). The SDL is sorted first, so `_service { sdl }`, and the file checked in from it, only
 * change when the API does.
 *
 * Federation v2.0 is the lowest version that has what we use (`@key`, `resolvable: false`, `@shareable`), so
 * any Federation 2 gateway or router composes us. https://www.apollographql.com/docs/graphos/schema-design/federated-schemas/reference/versions
 */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key", "@shareable"])';

/**
 * How `_entities` resolves each entity type: the representation is `{ __typename, id }`, id a
 * global id. `resolve` takes every representation of its type in one call, and answers in their
 * order an entity, null (missing, or not the caller's to read) or the error of that one
 * representation. `entity` is the class of what it answers, by which `_Entity` tells the types apart.
 */
export type ReferenceResolvers = Record<
  string,
  {
    entity: abstract new (...args: never[]) => object;
    resolve(ids: readonly unknown[], ctx: Context): Promise<(object | Error | null)[]>;
  }
>;
type SubgraphResolvers = Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>['resolvers'];

/**
 * Plain graphql-js resolvers for fields type-graphql declares (`@Field`) but does not resolve, by
 * type and field: for the hot fields of a model page (see src/versions/version.fields.ts).
 */
export type FieldResolvers = Record<string, Record<string, (parent: never, args: never, ctx: Context) => unknown>>;

export function buildSubgraph(
  typeGraphqlSchema: GraphQLSchema,
  references: ReferenceResolvers[],
  fieldResolvers: FieldResolvers[] = [],
): GraphQLSchema {
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(lexicographicSortSchema(typeGraphqlSchema))}`;
  const resolvers: Record<string, object> = createResolversMap(typeGraphqlSchema);
  for (const map of fieldResolvers) {
    for (const [type, fields] of Object.entries(map)) resolvers[type] = { ...resolvers[type], ...fields };
  }
  const schema = buildSubgraphSchema({
    typeDefs: parse(sdl),
    resolvers: resolvers as SubgraphResolvers,
  });
  resolveEntitiesInBatches(schema, Object.assign({}, ...references) as ReferenceResolvers);
  return schema;
}

/**
 * `_entities`, resolved per type in one call rather than @apollo/subgraph's `__resolveReference`
 * per representation: a gateway sends a hundred at once, and a promise chain with its own loads
 * and access decision for each cost more than the statements (`npm run bench`, W5).
 *
 * Representations are `_Any`, so nothing has checked them. A typename that is not one of our
 * entities is the client's mistake, BAD_USER_INPUT, before anything is loaded; the error of one
 * representation (a malformed id) is returned in its place, which graphql-js reports at that
 * entity's path and nulls only it, as it does for a rejected `__resolveReference`.
 */
function resolveEntitiesInBatches(schema: GraphQLSchema, references: ReferenceResolvers): void {
  const types = Object.keys(references).sort();
  const field = schema.getQueryType()!.getFields()._entities;
  field.resolve = async (_source, args: { representations: unknown[] }, ctx: Context) => {
    const byType = new Map<string, number[]>();
    args.representations.forEach((representation, i) => {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      if (typeof typename !== 'string' || !Object.hasOwn(references, typename)) {
        throw new BadInputError(
          `Each representation needs a __typename of an entity of this subgraph ` +
            `(${types.join(', ')}); got ${JSON.stringify(typename ?? null)}.`,
          'representations',
        );
      }
      const indexes = byType.get(typename);
      if (indexes) indexes.push(i);
      else byType.set(typename, [i]);
    });
    const entities = new Array<object | Error | null>(args.representations.length);
    for (const [typename, indexes] of byType) {
      const ids = indexes.map((i) => (args.representations[i] as { id?: unknown }).id);
      const resolved = await references[typename].resolve(ids, ctx);
      indexes.forEach((at, j) => (entities[at] = resolved[j]));
    }
    return entities;
  };
  // Entities come back as they are loaded (cached rows are frozen, so no `__typename` is added to
  // them): the union tells them apart by class.
  const classes = types.map((name) => [references[name].entity, name] as const);
  (schema.getType('_Entity') as GraphQLUnionType).resolveType = (value: object) =>
    classes.find(([entity]) => value instanceof entity)?.[1];
}

/** What a gateway or router reads from the subgraph: `{ _service { sdl } }`, run on the schema itself. */
export async function subgraphSdl(schema: GraphQLSchema): Promise<string> {
  const result = await execute({
    schema,
    document: parse('{ _service { sdl } }'),
  });
  if (result.errors?.length) throw result.errors[0];
  return (result.data as { _service: { sdl: string } })._service.sdl;
}
