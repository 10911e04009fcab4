import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { NodeType, toGlobalId } from '../common/global-id';
import { Context } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { Registry } from '../registry/registry.types';
import { User, userRef } from '../viewer/user.types';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEvent, AuditEventConnection, AuditEventFilter } from './audit.types';

// Alias and RoleBinding events point at their model and registry, which are nodes.
const NODE_OF_TARGET: Record<string, NodeType> = {
  Registry: 'Registry',
  RoleBinding: 'Registry',
  RegisteredModel: 'RegisteredModel',
  Alias: 'RegisteredModel',
  ModelVersion: 'ModelVersion',
  Webhook: 'Webhook',
};

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Query(() => AuditEventConnection, {
    description: 'The audit log, newest first. Registry admins see their registries; global admins see all.',
  })
  async auditEvents(
    @Ctx() ctx: Context,
    @Arg('filter', () => AuditEventFilter, { nullable: true })
    filter?: AuditEventFilter,
    @Arg('first', () => Int, {
      nullable: true,
      description: 'At most 100; default 20.',
    })
    first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return toConnection(
      await ctx.services.audit.list(ctx.principal, filter ?? {}, {
        first,
        after,
      }),
    );
  }

  @FieldResolver(() => User)
  actor(@Root() e: AuditEventEntity) {
    return userRef(e.actor);
  }

  @FieldResolver(() => Registry, { nullable: true })
  registry(@Root() e: AuditEventEntity, @Ctx() ctx: Context) {
    return e.registryId ? ctx.loaders.registry.load(e.registryId) : null;
  }

  @FieldResolver(() => ID)
  targetId(@Root() e: AuditEventEntity) {
    const type = NODE_OF_TARGET[e.targetType];
    return type ? toGlobalId(type, e.targetId) : e.targetId;
  }
}
