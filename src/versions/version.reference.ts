import { Context } from '../graphql/context';
import { ReferenceResolvers } from '../graphql/federation';

/** `_entities` for a ModelVersion the gateway names by `{ id }`: null when missing or unreadable. */
export const versionReference: ReferenceResolvers = {
  ModelVersion: {
    __resolveReference: (ref: { id: string }, ctx: Context) =>
      ctx.services.nodes.reference(ctx.principal, ctx.loaders, 'ModelVersion', ref.id),
  },
};
