import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Context } from '../graphql/context';
import { ModelVersion } from '../versions/version.types';
import { User, userRef } from '../viewer/user.types';
import { AliasEventEntity } from './alias-event.entity';
import { AliasEntity } from './alias.entity';
import { isProtectedAlias } from './alias.service';
import { Alias, AliasEvent, RemoveAliasInput, RemoveAliasPayload, SetAliasInput, SetAliasPayload } from './alias.types';

@Resolver(() => Alias)
export class AliasResolver {
  @Mutation(() => SetAliasPayload, {
    description:
      'Point an alias at a version, moving it if another version holds it. Protected aliases need a registry admin.',
  })
  async setAlias(@Arg('input') input: SetAliasInput, @Ctx() ctx: Context) {
    const change = await ctx.services.aliases.set(ctx.caller, input);
    return {
      alias: change.alias,
      model: change.model,
      previousVersion: change.previousVersion,
      changed: change.changed,
    };
  }

  @Mutation(() => RemoveAliasPayload)
  async removeAlias(@Arg('input') input: RemoveAliasInput, @Ctx() ctx: Context) {
    const change = await ctx.services.aliases.remove(ctx.caller, input);
    return { alias: change.name, model: change.model, previousVersion: change.previousVersion };
  }

  @FieldResolver(() => ModelVersion)
  version(@Root() a: AliasEntity, @Ctx() ctx: Context) {
    return ctx.loaders.version.load(a.versionId);
  }

  @FieldResolver(() => Boolean)
  async protected(@Root() a: AliasEntity, @Ctx() ctx: Context) {
    const model = await ctx.loaders.model.load(a.modelId);
    const registry = await ctx.loaders.registry.load(model!.registryId);
    return isProtectedAlias(registry!, a.name);
  }

  @FieldResolver(() => User)
  updatedBy(@Root() a: AliasEntity) {
    return userRef(a.updatedBy);
  }
}

@Resolver(() => AliasEvent)
export class AliasEventResolver {
  @FieldResolver(() => ModelVersion, { nullable: true })
  fromVersion(@Root() e: AliasEventEntity, @Ctx() ctx: Context) {
    return e.fromVersionId ? ctx.loaders.version.load(e.fromVersionId) : null;
  }

  @FieldResolver(() => ModelVersion, { nullable: true })
  toVersion(@Root() e: AliasEventEntity, @Ctx() ctx: Context) {
    return e.toVersionId ? ctx.loaders.version.load(e.toVersionId) : null;
  }

  @FieldResolver(() => User)
  actor(@Root() e: AliasEventEntity) {
    return userRef(e.actor);
  }
}
