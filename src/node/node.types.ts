import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * Relay's Node: anything with a global id that `node(id:)` can fetch again. Roots are entity
 * rows; the type is told apart by a column only that entity has.
 */
export function nodeTypeOf(value: object): string | undefined {
  if ('eventId' in value) return 'WebhookDelivery';
  if ('expectedVersionId' in value) return 'AliasChangeRequest';
  if ('events' in value) return 'Webhook';
  if ('protectedAliases' in value) return 'Registry';
  if ('nextVersionNumber' in value) return 'RegisteredModel';
  if ('artifactDigest' in value) return 'ModelVersion';
  if ('externalId' in value) return 'Run';
  if ('digest' in value) return 'Artifact';
  return undefined;
}

@InterfaceType({
  description: 'An object with a global id, fetchable with `node(id:)`.',
  resolveType: nodeTypeOf,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id, stable across renames.' })
  id!: string;
}
