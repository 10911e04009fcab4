import { Context } from '../graphql/context';
import { ReferenceResolvers } from '../graphql/federation';
import { ModelEntity } from './model.entity';

/** `_entities` for a RegisteredModel the gateway names by `{ id }`: null when missing or unreadable. */
export const modelReference: ReferenceResolvers = {
  RegisteredModel: {
    entity: ModelEntity,
    resolve: (ids: readonly unknown[], ctx: Context) =>
      ctx.services.nodes.references(ctx.principal, ctx.loaders, 'RegisteredModel', ids),
  },
};
