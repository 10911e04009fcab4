import { Context } from '../graphql/context';
import { ReferenceResolvers } from '../graphql/federation';
import { RegistryEntity } from './registry.entity';

/** `_entities` for a Registry the gateway names by `{ id }`: null when missing or unreadable. */
export const registryReference: ReferenceResolvers = {
  Registry: {
    entity: RegistryEntity,
    resolve: (ids: readonly unknown[], ctx: Context) =>
      ctx.services.nodes.references(ctx.principal, ctx.loaders, 'Registry', ids),
  },
};
