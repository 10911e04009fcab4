import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Context } from '../graphql/context';
import { ModelVersion } from '../versions/version.types';
import { User, userRef } from '../viewer/user.types';
import { AliasEventEntity } from './alias-event.entity';
import { AliasEntity } from './alias.entity';
import { isProtectedAlias } from './alias.service';
import {
  Alias,
  AliasEvent,
  RemoveAliasInput,
  RemoveAliasPayload,
  SetAliasesInput,
  SetAliasesPayload,
  SetAliasInput,
  SetAliasPayload,
} from './alias.types';
import { versionName } from '../versions/version-ref';

const orNull = (n: number | null) => (n === null ? null : versionName({ number: n }));

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

  @Mutation(() => SetAliasesPayload, {
    description:
      'Several setAlias calls as one transaction: all apply or none does. Each change needs what its own setAlias needs.',
  })
  async setAliases(@Arg('input') input: SetAliasesInput, @Ctx() ctx: Context) {
    const changes = await ctx.services.aliases.setMany(ctx.caller, input.changes, input.reason);
    return {
      results: changes.map((c) => ({
        alias: c.alias,
        model: c.model,
        previousVersion: c.previousVersion,
        changed: c.changed,
      })),
    };
  }

  @Mutation(() => RemoveAliasPayload)
  async removeAlias(@Arg('input') input: RemoveAliasInput, @Ctx() ctx: Context) {
    const change = await ctx.services.aliases.remove(ctx.caller, input);
    return {
      alias: change.name,
      model: change.model,
      previousVersion: change.previousVersion,
    };
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

  @FieldResolver(() => String, { nullable: true })
  fromVersionName(@Root() e: AliasEventEntity) {
    return orNull(e.fromVersionNumber);
  }

  @FieldResolver(() => String, { nullable: true })
  toVersionName(@Root() e: AliasEventEntity) {
    return orNull(e.toVersionNumber);
  }

  @FieldResolver(() => Boolean)
  async versionDeleted(@Root() e: AliasEventEntity, @Ctx() ctx: Context) {
    const ids = [e.fromVersionId, e.toVersionId].filter((id): id is string => id !== null);
    const rows = await Promise.all(ids.map((id) => ctx.loaders.version.load(id)));
    return rows.some((v) => v === null);
  }

  @FieldResolver(() => User)
  actor(@Root() e: AliasEventEntity) {
    return userRef(e.actor);
  }
}
