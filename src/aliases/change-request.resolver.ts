import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../common/global-id';
import { Context } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { ModelEntity } from '../models/model.entity';
import { RegisteredModel } from '../models/model.types';
import { RegistryEntity } from '../registry/registry.entity';
import { Registry } from '../registry/registry.types';
import { ModelVersion } from '../versions/version.types';
import { User, userRef } from '../viewer/user.types';
import { AliasChangeRequestEntity } from './change-request.entity';
import { stateOf } from './change-request.service';
import {
  AliasChangeApproval,
  AliasChangeRequest,
  AliasChangeRequestConnection,
  AliasChangeRequestPayload,
  AliasChangeRequestState,
  ApproveAliasChangePayload,
  DecideAliasChangeInput,
  RequestAliasChangeInput,
} from './change-request.types';

const PAGE_ARGS = { nullable: true, description: 'At most 100; default 20.' };

@Resolver(() => AliasChangeRequest)
export class ChangeRequestResolver {
  @Mutation(() => AliasChangeRequestPayload, {
    description: 'Ask for a protected alias to move (members and admins). Admins other than you approve it.',
  })
  async requestAliasChange(@Arg('input') input: RequestAliasChangeInput, @Ctx() ctx: Context) {
    return {
      request: await ctx.services.changeRequests.request(ctx.caller, input),
    };
  }

  @Mutation(() => ApproveAliasChangePayload, {
    description:
      'Approve a PENDING request (admins other than the requester). The approval that reaches requiredApprovals ' +
      'moves the alias if it still points where it did when the request was made; else the request is STALE.',
  })
  approveAliasChange(@Arg('input') input: DecideAliasChangeInput, @Ctx() ctx: Context) {
    return ctx.services.changeRequests.approve(ctx.caller, input);
  }

  @Mutation(() => AliasChangeRequestPayload, {
    description: 'Reject a PENDING request (admins).',
  })
  async rejectAliasChange(@Arg('input') input: DecideAliasChangeInput, @Ctx() ctx: Context) {
    return {
      request: await ctx.services.changeRequests.reject(ctx.caller, input),
    };
  }

  @Mutation(() => AliasChangeRequestPayload, {
    description: 'Withdraw your own PENDING request.',
  })
  async cancelAliasChange(@Arg('input') input: DecideAliasChangeInput, @Ctx() ctx: Context) {
    return {
      request: await ctx.services.changeRequests.cancel(ctx.caller, input),
    };
  }

  @FieldResolver(() => ID)
  id(@Root() r: AliasChangeRequestEntity) {
    return toGlobalId('AliasChangeRequest', r.id);
  }

  @FieldResolver(() => Registry)
  registry(@Root() r: AliasChangeRequestEntity, @Ctx() ctx: Context) {
    return ctx.loaders.registry.load(r.registryId);
  }

  @FieldResolver(() => RegisteredModel)
  model(@Root() r: AliasChangeRequestEntity, @Ctx() ctx: Context) {
    return ctx.loaders.model.load(r.modelId);
  }

  @FieldResolver(() => ModelVersion, { nullable: true })
  version(@Root() r: AliasChangeRequestEntity, @Ctx() ctx: Context) {
    return ctx.loaders.version.load(r.versionId);
  }

  @FieldResolver(() => String)
  versionName(@Root() r: AliasChangeRequestEntity) {
    return `v${r.versionNumber}`;
  }

  @FieldResolver(() => String, { nullable: true })
  expectedVersionName(@Root() r: AliasChangeRequestEntity) {
    return r.expectedVersionNumber === null ? null : `v${r.expectedVersionNumber}`;
  }

  @FieldResolver(() => AliasChangeRequestState)
  state(@Root() r: AliasChangeRequestEntity) {
    return stateOf(r);
  }

  @FieldResolver(() => User)
  requestedBy(@Root() r: AliasChangeRequestEntity) {
    return userRef(r.requestedBy);
  }

  @FieldResolver(() => User, { nullable: true })
  decidedBy(@Root() r: AliasChangeRequestEntity) {
    return r.decidedBy === null ? null : userRef(r.decidedBy);
  }

  @FieldResolver(() => [AliasChangeApproval])
  async approvals(@Root() r: AliasChangeRequestEntity, @Ctx() ctx: Context) {
    const rows = await ctx.loaders.approvalsOfRequest.load(r.id);
    return rows.map((a) => ({
      approver: userRef(a.approver),
      comment: a.comment,
      at: a.at,
    }));
  }

  @FieldResolver(() => Int)
  async requiredApprovals(@Root() r: AliasChangeRequestEntity, @Ctx() ctx: Context) {
    return (await ctx.loaders.registry.load(r.registryId))!.requiredApprovals;
  }
}

@Resolver(() => Registry)
export class RegistryChangeRequestsResolver {
  @FieldResolver(() => AliasChangeRequestConnection, {
    description: "Change requests for this registry's protected aliases, newest first.",
  })
  async aliasChangeRequests(
    @Root() r: RegistryEntity,
    @Ctx() ctx: Context,
    @Arg('state', () => AliasChangeRequestState, { nullable: true })
    state?: AliasChangeRequestState,
    @Arg('first', () => Int, PAGE_ARGS) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = await ctx.services.changeRequests.list({ registryId: r.id }, { state }, { first, after });
    return toConnection(page);
  }
}

@Resolver(() => RegisteredModel)
export class ModelChangeRequestsResolver {
  @FieldResolver(() => AliasChangeRequestConnection, {
    description: "Change requests for this model's protected aliases, newest first; one alias or all.",
  })
  async aliasChangeRequests(
    @Root() m: ModelEntity,
    @Ctx() ctx: Context,
    @Arg('state', () => AliasChangeRequestState, { nullable: true })
    state?: AliasChangeRequestState,
    @Arg('alias', () => String, { nullable: true }) alias?: string,
    @Arg('first', () => Int, PAGE_ARGS) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = await ctx.services.changeRequests.list({ modelId: m.id }, { state, alias }, { first, after });
    return toConnection(page);
  }
}
