import { Context } from '../graphql/context';
import { ReferenceResolvers } from '../graphql/federation';

/** `_entities` for a RegisteredModel the gateway names by `{ id }`: null when missing or unreadable. */
export const modelReference: ReferenceResolvers = {
  RegisteredModel: {
    __resolveReference: (ref: { id: string }, ctx: Context) =>
      ctx.services.nodes.reference(ctx.principal, ctx.loaders, 'RegisteredModel', ref.id),
  },
};
