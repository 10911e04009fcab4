import { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { RegistryMembersResolver, RoleResolver } from '../access/role.resolver';
import { AliasEventResolver, AliasResolver } from '../aliases/alias.resolver';
import {
  ChangeRequestResolver,
  ModelChangeRequestsResolver,
  RegistryChangeRequestsResolver,
} from '../aliases/change-request.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import {
  ArtifactResolver,
  LineageGraphResolver,
  LineageResolver,
  RunResolver,
  VersionLineageResolver,
} from '../lineage/lineage.resolver';
import { modelReference } from '../models/model.reference';
import { ModelResolver } from '../models/model.resolver';
import { NodeResolver } from '../node/node.resolver';
import { nodeTypeOf } from '../node/node.types';
import { registryReference } from '../registry/registry.reference';
import { RegistryResolver } from '../registry/registry.resolver';
import { versionReference } from '../versions/version.reference';
import { versionFields } from '../versions/version.fields';
import { VersionResolver } from '../versions/version.resolver';
import { ViewerResolver } from '../viewer/viewer.resolver';
import { LiveResolver } from '../live/live.resolver';
import { RegistryWebhooksResolver, WebhookDeliveryResolver, WebhookResolver } from '../webhooks/webhook.resolver';
import { buildSubgraph, FieldResolvers, subgraphSdl } from './federation';

/** Every resolver class. The schema is generated from these; schema/ holds its printed SDL. */
export const RESOLVERS = [
  RegistryResolver,
  ModelResolver,
  VersionResolver,
  AliasResolver,
  AliasEventResolver,
  ChangeRequestResolver,
  RegistryChangeRequestsResolver,
  ModelChangeRequestsResolver,
  NodeResolver,
  ViewerResolver,
  RoleResolver,
  RegistryMembersResolver,
  AuditResolver,
  LineageResolver,
  LineageGraphResolver,
  RunResolver,
  ArtifactResolver,
  VersionLineageResolver,
  WebhookResolver,
  WebhookDeliveryResolver,
  RegistryWebhooksResolver,
  LiveResolver,
] as const;

/** `__resolveReference` of every `@key` entity (User is a stub others resolve). */
export const REFERENCES = [registryReference, modelReference, versionReference];

/**
 * Fields resolved by plain functions rather than type-graphql's wrappers (see federation.ts), and
 * Node's type resolver unwrapped: type-graphql's wrapper returns a promise, which graphql-jit
 * (graphql/jit.ts) does not wait for.
 */
export const FIELD_RESOLVERS: FieldResolvers[] = [versionFields, { Node: { __resolveType: nodeTypeOf } }];

const NO_PUBSUB = {
  publish(): never {
    throw new Error('subscriptions are fanned out by src/live, not by a type-graphql PubSub');
  },
  subscribe(): never {
    throw new Error('subscriptions are fanned out by src/live, not by a type-graphql PubSub');
  },
};

/** The schema the server serves: a Federation 2 subgraph built from the type-graphql classes. */
export async function buildRegistrySchema(): Promise<GraphQLSchema> {
  // skipCheck: type-graphql's own check runs before @apollo/subgraph adds the definitions of
  // @key and @link; buildSubgraphSchema validates the result instead.
  // pubSub: type-graphql insists on one once a @Subscription exists, though ours all bring their own
  // `subscribe` (src/live fans events out itself); this one refuses use.
  const classes = await buildSchema({ resolvers: RESOLVERS, validate: false, skipCheck: true, pubSub: NO_PUBSUB });
  return buildSubgraph(classes, REFERENCES, FIELD_RESOLVERS);
}

/**
 * The SDL checked in as schema/schema.graphql: exactly what `{ _service { sdl } }` answers, which
 * is what a gateway, router or schema registry reads. Sorted, so it changes only when the API does.
 */
export function printRegistrySchema(schema: GraphQLSchema): Promise<string> {
  return subgraphSdl(schema);
}
