import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Context } from '../graphql/context';
import { Node } from './node.types';

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: 'Any registry, model, version, run, artifact, webhook or webhook delivery by global id.',
  })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.nodes.get(ctx.principal, id);
  }
}
