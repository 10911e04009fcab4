import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AliasEventConnection, Alias, AliasEvent } from '../aliases/alias.types';
import { toGlobalId } from '../common/global-id';
import { LATEST } from '../common/validate';
import { Context } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { Registry } from '../registry/registry.types';
import { ModelVersion, ModelVersionConnection, VersionFilter, VersionOrder } from '../versions/version.types';
import { VersionOrderField } from '../versions/version.service';
import { OrderDirection } from '../common/pagination';
import { User, userRef } from '../viewer/user.types';
import { ModelEntity } from './model.entity';
import {
  ArchiveModelInput,
  ArchiveModelPayload,
  CreateModelInput,
  CreateModelPayload,
  RegisteredModel,
  RestoreModelInput,
  RestoreModelPayload,
  UpdateModelInput,
  UpdateModelPayload,
} from './model.types';

@Resolver(() => RegisteredModel)
export class ModelResolver {
  @Query(() => RegisteredModel, {
    nullable: true,
    description: 'A model by registry and name. NOT_FOUND if either does not exist.',
  })
  async model(@Arg('registry') registry: string, @Arg('name') name: string, @Ctx() ctx: Context) {
    const found = await ctx.services.models.getWithRegistry(ctx.principal, registry, name);
    // Read with the model: its fields (aliases' `protected`, `fullName`) need not read them again.
    ctx.loaders.registry.prime(found.registry.id, found.registry);
    ctx.loaders.model.prime(found.model.id, found.model);
    return found.model;
  }

  @Mutation(() => CreateModelPayload)
  async createModel(@Arg('input') input: CreateModelInput, @Ctx() ctx: Context) {
    return { model: await ctx.services.models.create(ctx.caller, input) };
  }

  @Mutation(() => UpdateModelPayload, {
    description:
      'Edit description and tags, or rename. Ids, grants and history survive a rename. ' +
      'Renaming a model that holds a protected alias needs ADMIN.',
  })
  async updateModel(@Arg('input') input: UpdateModelInput, @Ctx() ctx: Context) {
    return { model: await ctx.services.models.update(ctx.caller, input) };
  }

  @Mutation(() => RestoreModelPayload, {
    description: 'Bring an archived model back into lists; it takes links again. Registry admins only.',
  })
  async restoreModel(@Arg('input') input: RestoreModelInput, @Ctx() ctx: Context) {
    return { model: await ctx.services.models.restore(ctx.caller, input) };
  }

  @Mutation(() => ArchiveModelPayload, {
    description:
      'Hide a model from default lists. It stays readable by name, id and in history. ' +
      'A model that holds a protected alias needs ADMIN.',
  })
  async archiveModel(@Arg('input') input: ArchiveModelInput, @Ctx() ctx: Context) {
    return { model: await ctx.services.models.archive(ctx.caller, input) };
  }

  @FieldResolver(() => ID)
  id(@Root() m: ModelEntity) {
    return toGlobalId('RegisteredModel', m.id);
  }

  @FieldResolver(() => Registry)
  registry(@Root() m: ModelEntity, @Ctx() ctx: Context) {
    return ctx.loaders.registry.load(m.registryId);
  }

  @FieldResolver(() => String, { description: '`registry/model`.' })
  async fullName(@Root() m: ModelEntity, @Ctx() ctx: Context) {
    const registry = await ctx.loaders.registry.load(m.registryId);
    return `${registry!.name}/${m.name}`;
  }

  @FieldResolver(() => Boolean)
  archived(@Root() m: ModelEntity) {
    return m.archivedAt !== null;
  }

  @FieldResolver(() => User)
  createdBy(@Root() m: ModelEntity) {
    return userRef(m.createdBy);
  }

  @FieldResolver(() => ModelVersionConnection, {
    description: 'Versions, newest first by default; archived ones only when the filter asks.',
  })
  async versions(
    @Root() m: ModelEntity,
    @Ctx() ctx: Context,
    @Arg('filter', () => VersionFilter, { nullable: true })
    filter?: VersionFilter,
    @Arg('orderBy', () => VersionOrder, { nullable: true })
    orderBy?: VersionOrder,
    @Arg('first', () => Int, {
      nullable: true,
      description: 'At most 100; default 20.',
    })
    first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = await ctx.services.versions.list(
      m,
      filter ?? {},
      orderBy?.field ?? VersionOrderField.NUMBER,
      orderBy?.direction ?? OrderDirection.DESC,
      orderBy?.metric,
      { first, after },
      ctx.loaders,
    );
    return toConnection(page);
  }

  @FieldResolver(() => ModelVersion, {
    nullable: true,
    description: 'A version by reference: `v3`, `latest` or any alias. NOT_FOUND if there is none.',
  })
  version(@Root() m: ModelEntity, @Arg('ref') ref: string, @Ctx() ctx: Context) {
    return ctx.services.versions.getIn(m, ref, ctx.loaders.versionByRef);
  }

  @FieldResolver(() => ModelVersion, {
    nullable: true,
    description: 'The highest-numbered version that is not archived.',
  })
  async latestVersion(@Root() m: ModelEntity, @Ctx() ctx: Context) {
    const latest = (await ctx.services.models.aliases(m, ctx.loaders)).find((a) => a.name === LATEST);
    return latest ? ctx.loaders.version.load(latest.versionId) : null;
  }

  @FieldResolver(() => [Alias], {
    description: 'Every alias of this model, `latest` included, by name.',
  })
  aliases(@Root() m: ModelEntity, @Ctx() ctx: Context) {
    return ctx.services.models.aliases(m, ctx.loaders);
  }

  @FieldResolver(() => AliasEventConnection, {
    description: 'Alias sets, moves and removals, newest first; one alias or all.',
  })
  async aliasHistory(
    @Root() m: ModelEntity,
    @Ctx() ctx: Context,
    @Arg('alias', () => String, { nullable: true }) alias?: string,
    @Arg('since', () => Date, {
      nullable: true,
      description: 'Only events at or after this time.',
    })
    since?: Date,
    @Arg('until', () => Date, {
      nullable: true,
      description: 'Only events before this time.',
    })
    until?: Date,
    @Arg('first', () => Int, {
      nullable: true,
      description: 'At most 100; default 20.',
    })
    first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return toConnection(await ctx.services.aliases.history(m, { alias, since, until }, { first, after }));
  }

  @FieldResolver(() => [AliasEvent], {
    description:
      'Where each alias pointed at `time` (`latest` included): for each alias that pointed somewhere then, ' +
      'the event that put it there, by alias name.',
  })
  aliasesAt(@Root() m: ModelEntity, @Arg('time', () => Date) time: Date, @Ctx() ctx: Context) {
    return ctx.services.aliases.at(m, time);
  }
}
