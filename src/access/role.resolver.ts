import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Context } from '../graphql/context';
import { RegistryEntity } from '../registry/registry.entity';
import { Registry } from '../registry/registry.types';
import { User, userRef } from '../viewer/user.types';
import { RoleBindingEntity } from './role-binding.entity';
import { GrantRoleInput, GrantRolePayload, RevokeRoleInput, RevokeRolePayload, RoleBinding } from './role.types';

@Resolver(() => RoleBinding)
export class RoleResolver {
  @Mutation(() => GrantRolePayload, {
    description: 'Give a user or group a role in a registry (registry admins and global admins).',
  })
  grantRole(@Arg('input') input: GrantRoleInput, @Ctx() ctx: Context) {
    return ctx.services.roles.grant(ctx.caller, input);
  }

  @Mutation(() => RevokeRolePayload, {
    description: "Take a subject's role in a registry away (registry admins and global admins).",
  })
  async revokeRole(@Arg('input') input: RevokeRoleInput, @Ctx() ctx: Context) {
    return { binding: await ctx.services.roles.revoke(ctx.caller, input) };
  }

  @FieldResolver(() => Registry)
  registry(@Root() b: RoleBindingEntity, @Ctx() ctx: Context) {
    return ctx.loaders.registry.load(b.registryId);
  }

  @FieldResolver(() => User)
  grantedBy(@Root() b: RoleBindingEntity) {
    return userRef(b.grantedBy);
  }
}

@Resolver(() => Registry)
export class RegistryMembersResolver {
  @FieldResolver(() => [RoleBinding], {
    description:
      'Who holds which role here, by subject. Shown to subjects with a role in this registry and to admins; ' +
      'empty for anyone else.',
  })
  members(@Root() r: RegistryEntity, @Ctx() ctx: Context) {
    return ctx.services.roles.members(ctx.principal, r);
  }
}
