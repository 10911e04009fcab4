import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { toGlobalId } from '../common/global-id';
import { Context } from '../graphql/context';
import { versionName } from './version-ref';
import {
  DeleteModelVersionInput,
  DeleteModelVersionPayload,
  RestoreModelVersionInput,
  RestoreModelVersionPayload,
  ArchiveModelVersionInput,
  ArchiveModelVersionPayload,
  LinkModelVersionInput,
  LinkModelVersionPayload,
  ModelVersion,
  UpdateModelVersionInput,
  UpdateModelVersionPayload,
} from './version.types';

@Resolver(() => ModelVersion)
export class VersionResolver {
  @Query(() => ModelVersion, {
    nullable: true,
    description:
      'Resolve `registry/model:ref`, where ref is `v3`, `latest` or any alias: the deploy path. ' +
      'With `at`, what it resolved to at that time, from the alias history.',
  })
  modelVersion(
    @Arg('registry') registry: string,
    @Arg('model') model: string,
    @Arg('ref') ref: string,
    @Ctx() ctx: Context,
    @Arg('at', () => Date, {
      nullable: true,
      description: 'A past time: where the reference pointed then.',
    })
    at?: Date | null,
  ) {
    if (at) return ctx.services.versions.getAt(ctx.principal, registry, model, ref, at);
    return ctx.services.versions.get(ctx.principal, registry, model, ref);
  }

  @Mutation(() => LinkModelVersionPayload, {
    description: 'Link a model artifact as the next version, creating the model if needed; moves `latest` to it.',
  })
  linkModelVersion(@Arg('input') input: LinkModelVersionInput, @Ctx() ctx: Context) {
    return ctx.services.versions.link(ctx.caller, input);
  }

  @Mutation(() => UpdateModelVersionPayload, {
    description: 'Edit description, tags, metadata or metrics. The artifact never changes.',
  })
  async updateModelVersion(@Arg('input') input: UpdateModelVersionInput, @Ctx() ctx: Context) {
    return { version: await ctx.services.versions.update(ctx.caller, input) };
  }

  @Mutation(() => ArchiveModelVersionPayload, {
    description:
      'Hide a version from default lists; its number is never reused. CONFLICT while an alias other than `latest` points at it.',
  })
  async archiveModelVersion(@Arg('input') input: ArchiveModelVersionInput, @Ctx() ctx: Context) {
    return { version: await ctx.services.versions.archive(ctx.caller, input) };
  }

  @Mutation(() => RestoreModelVersionPayload, {
    description: 'Bring an archived version back; `latest` is recomputed. Registry admins only.',
  })
  async restoreModelVersion(@Arg('input') input: RestoreModelVersionInput, @Ctx() ctx: Context) {
    return { version: await ctx.services.versions.restore(ctx.caller, input) };
  }

  @Mutation(() => DeleteModelVersionPayload, {
    description:
      'Delete an archived version for good, once archived for VERSION_DELETE_AFTER_DAYS and holding no alias. ' +
      'Registry admins only. Audit log and alias history keep naming it.',
  })
  async deleteModelVersion(@Arg('input') input: DeleteModelVersionInput, @Ctx() ctx: Context) {
    const { version, fullName, releasedDigests } = await ctx.services.versions.delete(ctx.caller, input);
    return {
      deletedVersion: {
        id: toGlobalId('ModelVersion', version.id),
        number: version.number,
        name: versionName(version),
        fullName,
      },
      releasedDigests,
    };
  }
}
