import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../common/global-id';
import { Context } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { ModelFilter, ModelOrder, RegisteredModel, RegisteredModelConnection } from '../models/model.types';
import { ModelOrderField } from '../models/model.service';
import { OrderDirection } from '../common/pagination';
import { User, userRef } from '../viewer/user.types';
import { RegistryEntity } from './registry.entity';
import {
  CreateRegistryInput,
  CreateRegistryPayload,
  Registry,
  RegistryConnection,
  UpdateRegistryInput,
  UpdateRegistryPayload,
} from './registry.types';

@Resolver(() => Registry)
export class RegistryResolver {
  @Query(() => RegistryConnection, {
    description: 'Registries you can read, by name.',
  })
  async registries(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, {
      nullable: true,
      description: 'At most 100; default 20.',
    })
    first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return toConnection(await ctx.services.registries.list(ctx.principal, { first, after }));
  }

  @Query(() => Registry, {
    nullable: true,
    description: 'A registry by name. NOT_FOUND if it does not exist or you cannot read it.',
  })
  registry(@Arg('name') name: string, @Ctx() ctx: Context) {
    return ctx.services.registries.get(ctx.principal, name);
  }

  @Mutation(() => CreateRegistryPayload)
  async createRegistry(@Arg('input') input: CreateRegistryInput, @Ctx() ctx: Context) {
    return {
      registry: await ctx.services.registries.create(ctx.caller, input),
    };
  }

  @Mutation(() => UpdateRegistryPayload)
  async updateRegistry(@Arg('input') input: UpdateRegistryInput, @Ctx() ctx: Context) {
    return {
      registry: await ctx.services.registries.update(ctx.caller, input),
    };
  }

  @FieldResolver(() => ID)
  id(@Root() r: RegistryEntity) {
    return toGlobalId('Registry', r.id);
  }

  @FieldResolver(() => User)
  createdBy(@Root() r: RegistryEntity) {
    return userRef(r.createdBy);
  }

  @FieldResolver(() => RegisteredModelConnection, {
    description: 'Models in this registry; archived ones only when the filter asks.',
  })
  async models(
    @Root() r: RegistryEntity,
    @Ctx() ctx: Context,
    @Arg('filter', () => ModelFilter, { nullable: true }) filter?: ModelFilter,
    @Arg('orderBy', () => ModelOrder, { nullable: true }) orderBy?: ModelOrder,
    @Arg('first', () => Int, {
      nullable: true,
      description: 'At most 100; default 20.',
    })
    first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = await ctx.services.models.list(
      r,
      filter ?? {},
      orderBy?.field ?? ModelOrderField.NAME,
      orderBy?.direction ?? OrderDirection.ASC,
      { first, after },
    );
    return toConnection(page);
  }

  @FieldResolver(() => RegisteredModel, {
    nullable: true,
    description: 'A model of this registry by name (archived ones too).',
  })
  model(@Root() r: RegistryEntity, @Arg('name') name: string, @Ctx() ctx: Context) {
    return ctx.services.models.getIn(r, name);
  }
}
