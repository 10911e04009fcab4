import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { RegistryMembersResolver, RoleResolver } from '../access/role.resolver';
import { AliasEventResolver, AliasResolver } from '../aliases/alias.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import { ArtifactResolver, LineageResolver, RunResolver, VersionLineageResolver } from '../lineage/lineage.resolver';
import { ModelResolver } from '../models/model.resolver';
import { NodeResolver } from '../node/node.resolver';
import { RegistryResolver } from '../registry/registry.resolver';
import { VersionResolver } from '../versions/version.resolver';
import { ViewerResolver } from '../viewer/viewer.resolver';
import { RegistryWebhooksResolver, WebhookDeliveryResolver, WebhookResolver } from '../webhooks/webhook.resolver';

/** Every resolver class. The schema is generated from these; schema/ holds its printed SDL. */
export const RESOLVERS = [RegistryResolver, ModelResolver, VersionResolver, AliasResolver, AliasEventResolver, NodeResolver, ViewerResolver, RoleResolver, RegistryMembersResolver, AuditResolver,
  LineageResolver, RunResolver, ArtifactResolver, VersionLineageResolver, WebhookResolver, WebhookDeliveryResolver, RegistryWebhooksResolver] as const;

export async function buildRegistrySchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: RESOLVERS, validate: false });
}

/** The SDL checked in under schema/: sorted, so the file changes only when the API does. */
export function printRegistrySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
