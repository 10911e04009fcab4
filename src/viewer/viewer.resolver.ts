import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Context } from '../graphql/context';
import { User } from './user.types';

@ObjectType({ description: 'The caller, as the server sees them.' })
export class Viewer {
  @Field(() => User) user!: User;
  @Field(() => [String], { description: 'Groups from the token; role bindings can name them as `group:<name>`.' }) groups!: string[];
  @Field({ description: 'Listed in AUTH_ADMINS: admin of every registry, may create registries.' }) globalAdmin!: boolean;
}

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer)
  viewer(@Ctx() ctx: Context): Viewer {
    const p = ctx.principal;
    return { user: { id: p.subject }, groups: p.groups, globalAdmin: p.globalAdmin };
  }
}
