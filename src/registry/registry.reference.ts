import { Context } from '../graphql/context';
import { ReferenceResolvers } from '../graphql/federation';

/** `_entities` for a Registry the gateway names by `{ id }`: null when missing or unreadable. */
export const registryReference: ReferenceResolvers = {
  Registry: {
    __resolveReference: (ref: { id: string }, ctx: Context) =>
      ctx.services.nodes.reference(ctx.principal, ctx.loaders, 'Registry', ref.id),
  },
};
