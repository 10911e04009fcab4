import { Ctx, Field, FieldResolver, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { RegistryRole } from '../access/role.types';
import { Context } from '../graphql/context';
import { User } from './user.types';

@ObjectType({ description: 'The caller, as the server sees them.' })
export class Viewer {
  @Field(() => User) user!: User;
  @Field({ description: 'The token subject (`sub`).' }) subject!: string;
  @Field(() => [String], {
    description: 'Groups from the token; role bindings can name them as `group:<name>`.',
  })
  groups!: string[];
  @Field({
    description: 'Listed in AUTH_ADMINS, by subject or group: admin of every registry, may create registries.',
  })
  globalAdmin!: boolean;
}

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer)
  viewer(@Ctx() ctx: Context): Viewer {
    const p = ctx.principal;
    return {
      user: { id: p.subject },
      subject: p.subject,
      groups: p.groups,
      globalAdmin: p.globalAdmin,
    };
  }

  @FieldResolver(() => [RegistryRole], {
    description: 'Your strongest role in each registry where you or one of your groups hold one.',
  })
  async roles(@Root() _viewer: Viewer, @Ctx() ctx: Context) {
    const roles = await ctx.services.roles.rolesOf(ctx.principal);
    const registries = await ctx.loaders.registry.loadMany(roles.map((r) => r.registryId));
    return roles
      .map((r, i) => ({ registry: registries[i], role: r.role }))
      .filter((r) => r.registry && !(r.registry instanceof Error));
  }
}
