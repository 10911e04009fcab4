import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../common/global-id';
import { Context } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { RegistryEntity } from '../registry/registry.entity';
import { Registry } from '../registry/registry.types';
import { User, userRef } from '../viewer/user.types';
import { WebhookDeliveryEntity } from './delivery.entity';
import { WebhookEntity } from './webhook.entity';
import {
  CreateWebhookInput,
  CreateWebhookPayload,
  DeleteWebhookPayload,
  RedeliverWebhookDeliveryInput,
  RedeliverWebhookDeliveryPayload,
  TestWebhookPayload,
  UpdateWebhookInput,
  UpdateWebhookPayload,
  Webhook,
  WebhookConnection,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookFilter,
  WebhookRefInput,
} from './webhook.types';
import { WebhookDeliveryStatus } from './delivery.entity';

@Resolver(() => Webhook)
export class WebhookResolver {
  @Mutation(() => CreateWebhookPayload, {
    description: "POST this registry's events to a URL (registry admins). Returns the secret once.",
  })
  createWebhook(@Arg('input') input: CreateWebhookInput, @Ctx() ctx: Context) {
    return ctx.services.webhooks.create(ctx.caller, input);
  }

  @Mutation(() => UpdateWebhookPayload, {
    description: 'Change a webhook: URL, events, filter, format, on/off, or its secret.',
  })
  updateWebhook(@Arg('input') input: UpdateWebhookInput, @Ctx() ctx: Context) {
    return ctx.services.webhooks.update(ctx.caller, input);
  }

  @Mutation(() => DeleteWebhookPayload, {
    description: 'Delete a webhook with its delivery history; unsent deliveries are dropped.',
  })
  async deleteWebhook(@Arg('input') input: WebhookRefInput, @Ctx() ctx: Context) {
    const deleted = await ctx.services.webhooks.delete(ctx.caller, input.webhook);
    return { deletedWebhookId: toGlobalId('Webhook', deleted.id) };
  }

  @Mutation(() => TestWebhookPayload, {
    description: 'Send a `webhook.ping` now, once, and return how it went.',
  })
  async testWebhook(@Arg('input') input: WebhookRefInput, @Ctx() ctx: Context) {
    return {
      delivery: await ctx.services.webhooks.test(ctx.caller, input.webhook),
    };
  }

  @Mutation(() => RedeliverWebhookDeliveryPayload, {
    description: "Send a finished delivery's event again, as a new delivery with the same event id.",
  })
  async redeliverWebhookDelivery(@Arg('input') input: RedeliverWebhookDeliveryInput, @Ctx() ctx: Context) {
    return {
      delivery: await ctx.services.webhooks.redeliver(ctx.caller, input.delivery),
    };
  }

  @FieldResolver(() => ID)
  id(@Root() w: WebhookEntity) {
    return toGlobalId('Webhook', w.id);
  }

  @FieldResolver(() => Registry)
  registry(@Root() w: WebhookEntity, @Ctx() ctx: Context) {
    return ctx.loaders.registry.load(w.registryId);
  }

  @FieldResolver(() => WebhookFilter)
  filter(@Root() w: WebhookEntity): WebhookFilter {
    return { models: w.models, aliases: w.aliases };
  }

  @FieldResolver(() => User)
  createdBy(@Root() w: WebhookEntity) {
    return userRef(w.createdBy);
  }

  @FieldResolver(() => WebhookDeliveryConnection, {
    description: 'Deliveries, newest first.',
  })
  async deliveries(
    @Root() w: WebhookEntity,
    @Ctx() ctx: Context,
    @Arg('status', () => WebhookDeliveryStatus, { nullable: true })
    status?: WebhookDeliveryStatus,
    @Arg('first', () => Int, {
      nullable: true,
      description: 'At most 100; default 20.',
    })
    first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    // Each delivery's `webhook` is this one: no statement for it, however the pages interleave.
    ctx.loaders.webhook.prime(w.id, w);
    return toConnection(
      await ctx.services.webhooks.deliveries(ctx.principal, w, status, {
        first,
        after,
      }),
    );
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => ID)
  id(@Root() d: WebhookDeliveryEntity) {
    return toGlobalId('WebhookDelivery', d.id);
  }

  @FieldResolver(() => Webhook)
  webhook(@Root() d: WebhookDeliveryEntity, @Ctx() ctx: Context) {
    return ctx.loaders.webhook.load(d.webhookId);
  }

  @FieldResolver(() => String)
  event(@Root() d: WebhookDeliveryEntity) {
    return d.eventType;
  }
}

@Resolver(() => Registry)
export class RegistryWebhooksResolver {
  @FieldResolver(() => WebhookConnection, {
    nullable: true,
    description: "This registry's webhooks, oldest first. Registry admins only: FORBIDDEN (and null) for others.",
  })
  async webhooks(
    @Root() r: RegistryEntity,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, {
      nullable: true,
      description: 'At most 100; default 20.',
    })
    first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return toConnection(await ctx.services.webhooks.list(ctx.principal, r, { first, after }));
  }
}
