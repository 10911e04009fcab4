import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JSONObject, SafeInt } from '../graphql/scalars';
import { WebhookEventType } from '../webhooks/webhook.types';

/**
 * The GraphQL shape of an event payload (EventPayload, src/changes/payload.ts): the fields a
 * webhook receives, field for field (test/unit/live-event.test.ts holds the two together).
 */
@ObjectType({ description: 'A registry, as an event names it.' })
export class EventRegistry {
  @Field(() => ID, { description: 'Its global id (`node(id:)`).' }) id!: string;
  @Field() name!: string;
}

@ObjectType({ description: 'A registered model, as an event names it.' })
export class EventModel {
  @Field(() => ID) id!: string;
  @Field({ description: 'Its name when the event happened.' }) name!: string;
}

@ObjectType({ description: "A version's artifact, as an event shows it (its files are left out)." })
export class EventArtifact {
  @Field() uri!: string;
  @Field() digest!: string;
  @Field(() => SafeInt) sizeBytes!: number;
}

@ObjectType({ description: 'A model version, as an event shows it.' })
export class EventVersion {
  @Field(() => ID) id!: string;
  @Field(() => Int) number!: number;
  @Field({ description: '`v{n}`.' }) name!: string;
  @Field(() => EventArtifact) artifact!: EventArtifact;
}

@ObjectType({ description: 'Who made the change.' })
export class EventActor {
  @Field({ description: 'The token subject.' }) id!: string;
}

@ObjectType({
  description:
    'A change as subscriptions send it: the same fields, with the same values, as the webhook payload of the event ' +
    '(docs/webhooks.md). Fields that do not apply to its type are null.',
})
export class LiveEvent {
  @Field(() => ID, { description: "The event id, `evt_…`: the webhook payload's `id` for the same change." })
  id!: string;
  @Field(() => WebhookEventType) type!: string;
  @Field(() => Date, { description: 'When the change was made (ISO 8601).' }) occurredAt!: string;
  @Field(() => EventRegistry) registry!: EventRegistry;
  @Field(() => EventModel, { nullable: true }) model!: EventModel | null;
  @Field(() => EventVersion, {
    nullable: true,
    description: 'The version linked, changed, or where the alias points now (null when it was removed).',
  })
  version!: EventVersion | null;
  @Field(() => String, { nullable: true }) alias!: string | null;
  @Field(() => EventVersion, {
    nullable: true,
    description: 'For alias events, where the alias pointed before (null when it was new).',
  })
  previousVersion!: EventVersion | null;
  @Field(() => EventActor) actor!: EventActor;
  @Field(() => JSONObject, { description: "The type's details, as in the webhook payload's `data`." })
  data!: Record<string, unknown>;
}
