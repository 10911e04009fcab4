import { Context } from '../graphql/context';
import { ReferenceResolvers } from '../graphql/federation';
import { VersionEntity } from './version.entity';

/** `_entities` for a ModelVersion the gateway names by `{ id }`: null when missing or unreadable. */
export const versionReference: ReferenceResolvers = {
  ModelVersion: {
    entity: VersionEntity,
    resolve: (ids: readonly unknown[], ctx: Context) =>
      ctx.services.nodes.references(ctx.principal, ctx.loaders, 'ModelVersion', ids),
  },
};
