import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { execute, GraphQLSchema, lexicographicSortSchema, parse } from 'graphql';
import { createResolversMap } from 'type-graphql';
import { BadInputError } from '../common/errors';
import { Context } from './context';

/**
 * The Federation 2 glue. type-graphql builds the schema from our classes (entities carry `@key`
 * through `@Directive`); @apollo/subgraph rebuilds it from that SDL as a subgraph, which adds
 * `_service` and `_entities`, with type-graphql's own resolvers plus a `__resolveReference` per
 * entity. The SDL is sorted first, so `_service { sdl }`, and the file checked in from it, only
 * change when the API does.
 *
 * Federation v2.0 is the lowest version that has what we use (`@key`, `resolvable: false`, `@shareable`), so
 * any Federation 2 gateway or router composes us. https://www.apollographql.com/docs/graphos/schema-design/federated-schemas/reference/versions
 */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key", "@shareable"])';

/** `__resolveReference` per entity type: the representation is `{ __typename, id }`, id a global id. */
export type ReferenceResolvers = Record<
  string,
  {
    __resolveReference(reference: { id: string }, ctx: Context): Promise<object | null>;
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
  for (const map of [...references, ...fieldResolvers]) {
    for (const [type, fields] of Object.entries(map)) resolvers[type] = { ...resolvers[type], ...fields };
  }
  const schema = buildSubgraphSchema({
    typeDefs: parse(sdl),
    resolvers: resolvers as SubgraphResolvers,
  });
  guardRepresentations(schema, new Set(references.flatMap((r) => Object.keys(r))));
  return schema;
}

/**
 * Representations are `_Any`, so nothing has checked them. @apollo/subgraph fails on a typename
 * that is not one of our entities with a plain Error, which would be masked as an internal error
 * and logged as a bug: a client's mistake is BAD_USER_INPUT, before anything is loaded.
 */
function guardRepresentations(schema: GraphQLSchema, entityTypes: Set<string>): void {
  const field = schema.getQueryType()!.getFields()._entities;
  const resolve = field.resolve!;
  field.resolve = (source, args: { representations: unknown[] }, ctx, info) => {
    for (const representation of args.representations) {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      if (typeof typename !== 'string' || !entityTypes.has(typename)) {
        throw new BadInputError(
          `Each representation needs a __typename of an entity of this subgraph ` +
            `(${[...entityTypes].sort().join(', ')}); got ${JSON.stringify(typename ?? null)}.`,
          'representations',
        );
      }
    }
    return resolve(source, args, ctx, info);
  };
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
