import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CHANGE_TYPES, EventType } from '../changes';
import { JsonObject } from '../db/columns';
import { WebhookDeliveryStatus } from './delivery.entity';
import { WebhookFormat } from './webhook.entity';
import { Connection } from '../graphql/connection';
import { JSONObject } from '../graphql/scalars';
import { Node } from '../node/node.types';
import { Registry } from '../registry/registry.types';
import { User } from '../viewer/user.types';

/**
 * GraphQL names for the event catalogue (the delivered types of src/changes/catalogue.ts,
 * `model.created` → MODEL_CREATED); the values are the payloads' `type`s.
 */
const DELIVERED = CHANGE_TYPES.filter((e) => e.delivered);
const enumName = (type: string) => type.replace('.', '_').toUpperCase();
export const WebhookEventType: Record<string, EventType> = Object.fromEntries(
  DELIVERED.map((e) => [enumName(e.type), e.type]),
);
registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description: "An event a webhook can receive; the payload's `type` is the dotted name.",
  valuesConfig: Object.fromEntries(
    DELIVERED.map((e) => [enumName(e.type), { description: `\`${e.type}\`${e.summary ? `: ${e.summary}` : '.'}` }]),
  ),
});

registerEnumType(WebhookFormat, {
  name: 'WebhookFormat',
  valuesConfig: {
    STANDARD: {
      description: 'The event as JSON, signed per Standard Webhooks.',
    },
    SLACK: {
      description: 'A readable `{ "text": … }` message for a Slack (or compatible) incoming webhook.',
    },
  },
});

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  valuesConfig: {
    PENDING: {
      description: 'Waiting for its next attempt, or being tried now.',
    },
    SUCCEEDED: { description: 'The receiver answered 2xx.' },
    FAILED: {
      description:
        'Refused (3xx, 4xx other than 408 and 429, or an address webhooks may not reach), or still failing after the last attempt.',
    },
  },
});

@ObjectType()
export class WebhookFilter {
  @Field(() => [String], {
    nullable: true,
    description: 'Model names; null for every model. Events not about a model (role.*) are not filtered.',
  })
  models!: string[] | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Alias names for alias events; null for every alias except `latest`.',
  })
  aliases!: string[] | null;
}

@ObjectType({
  implements: Node,
  description: "Where a registry's events are POSTed. Its secret is never shown again after it is made.",
})
export class Webhook extends Node {
  @Field(() => Registry) registry!: object;
  @Field() url!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [WebhookEventType]) events!: string[];
  @Field(() => WebhookFilter) filter!: WebhookFilter;
  @Field(() => WebhookFormat) format!: string;
  @Field({ description: 'Off: no new deliveries are queued, and queued ones wait until it is on again.' })
  active!: boolean;
  @Field(() => User) createdBy!: User;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType({
  implements: Node,
  description: 'One event on its way to one webhook, with the outcome of its attempts.',
})
export class WebhookDelivery extends Node {
  @Field(() => Webhook) webhook!: object;
  @Field({
    description: "The event id: the payload's `id` and the `webhook-id` header, the same on every attempt.",
  })
  eventId!: string;
  @Field({ description: 'The event type: `alias.set`, …, or `webhook.ping`.' })
  event!: string;
  @Field(() => WebhookDeliveryStatus) status!: string;
  @Field(() => Int, { description: 'Attempts made so far.' }) attempts!: number;
  @Field(() => Int, {
    nullable: true,
    description: 'HTTP status of the last answer; null if there was none (network error, timeout).',
  })
  lastResponseCode!: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why the last attempt failed.',
  })
  lastError!: string | null;
  @Field(() => Date, { nullable: true }) lastAttemptAt!: Date | null;
  @Field(() => Date, {
    nullable: true,
    description:
      'PENDING: when the next attempt is due (during an attempt: when it is tried again should this server stop mid-attempt); null while its webhook is off. Null once finished.',
  })
  nextAttemptAt!: Date | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
  @Field(() => JSONObject, {
    description: 'The event as it was sent (STANDARD format body).',
  })
  payload!: JsonObject;
}

@ObjectType()
export class WebhookConnection extends Connection(Webhook, 'Webhook', {
  totalCount: true,
}) {}

@ObjectType()
export class WebhookDeliveryConnection extends Connection(WebhookDelivery, 'WebhookDelivery', { totalCount: true }) {}

@InputType()
export class WebhookFilterInput {
  @Field(() => [String], {
    nullable: true,
    description: 'Only events about these models (by name, at the time of the event).',
  })
  models?: string[] | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Only alias events for these aliases. Name `latest` to also get its automatic moves.',
  })
  aliases?: string[] | null;
}

@InputType()
export class CreateWebhookInput {
  @Field({ description: 'Registry name.' }) registry!: string;
  @Field({ description: 'http:// or https:// URL the events are POSTed to.' })
  url!: string;
  @Field(() => [WebhookEventType]) events!: string[];
  @Field(() => String, {
    nullable: true,
    description:
      'Standard Webhooks secret (`whsec_` + base64 of 24-64 bytes). Left out, one is generated and returned once.',
  })
  secret?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => WebhookFilterInput, { nullable: true }) filter?: WebhookFilterInput | null;
  @Field(() => WebhookFormat, { nullable: true, description: 'Default STANDARD.' }) format?: WebhookFormat | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true.' }) active?: boolean | null;
}

@InputType()
export class UpdateWebhookInput {
  @Field(() => ID) webhook!: string;
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => [WebhookEventType], {
    nullable: true,
    description: 'Replaces the list.',
  })
  events?: string[] | null;
  @Field(() => String, {
    nullable: true,
    description: 'A new secret. The old one keeps signing (as a second signature) for 24 hours.',
  })
  secret?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Generate a new secret, returned once in the payload. The old one keeps signing for 24 hours.',
  })
  rotateSecret?: boolean | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => WebhookFilterInput, {
    nullable: true,
    description: 'Replaces the filter; `{}` removes it.',
  })
  filter?: WebhookFilterInput | null;
  @Field(() => WebhookFormat, { nullable: true }) format?: WebhookFormat | null;
  @Field(() => Boolean, { nullable: true }) active?: boolean | null;
}

@InputType()
export class WebhookRefInput {
  @Field(() => ID) webhook!: string;
}

@InputType()
export class RedeliverWebhookDeliveryInput {
  @Field(() => ID, {
    description: 'A finished (SUCCEEDED or FAILED) delivery.',
  })
  delivery!: string;
}

@ObjectType()
export class CreateWebhookPayload {
  @Field(() => Webhook) webhook!: object;
  @Field(() => String, {
    nullable: true,
    description: 'The generated secret, shown only here; null if you gave one. Verify deliveries with it.',
  })
  secret!: string | null;
}

@ObjectType()
export class UpdateWebhookPayload {
  @Field(() => Webhook) webhook!: object;
  @Field(() => String, {
    nullable: true,
    description: 'The new secret when rotateSecret was true, shown only here.',
  })
  secret!: string | null;
}

@ObjectType()
export class DeleteWebhookPayload {
  @Field(() => ID, { description: 'The id of the deleted webhook.' })
  deletedWebhookId!: string;
}

@ObjectType()
export class TestWebhookPayload {
  @Field(() => WebhookDelivery, {
    description: 'The ping, after its one attempt: SUCCEEDED or FAILED with the reason.',
  })
  delivery!: object;
}

@ObjectType()
export class RedeliverWebhookDeliveryPayload {
  @Field(() => WebhookDelivery, {
    description: 'The new, PENDING delivery of the same event.',
  })
  delivery!: object;
}
