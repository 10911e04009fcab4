/**
 * An enum-like object (`{ ADMIN: 'ADMIN', … }`) built from a const list of names, so a list the
 * database, the services and GraphQL share is declared once: the list for checks, this object
 * for type-graphql's `registerEnumType` and for defaults (`OrderDirection.ASC`).
 */
export function enumOf<const T extends string>(values: readonly T[]): { readonly [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}
