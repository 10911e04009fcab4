import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { CHANGE_TYPES } from '../changes';
import { Connection } from '../graphql/connection';
import { JSONObject } from '../graphql/scalars';
import { Registry } from '../registry/registry.types';
import { User } from '../viewer/user.types';
import { JsonObject } from '../db/columns';

@ObjectType({
  description: 'One change, as the audit log recorded it. Append-only: nothing updates or deletes these.',
})
export class AuditEvent {
  @Field(() => ID) id!: string;
  @Field() at!: Date;
  @Field(() => User) actor!: User;
  @Field({
    description: `The change type: ${CHANGE_TYPES.map((e) => `\`${e.type}\``).join(', ')}.`,
  })
  action!: string;
  @Field(() => Registry, { nullable: true }) registry!: object | null;
  @Field({
    description: `${[...new Set(CHANGE_TYPES.map((e) => e.target))].join(', ')}.`,
  })
  targetType!: string;
  @Field(() => ID, {
    description: 'Global id of the target (for Alias and RoleBinding: of its model or registry).',
  })
  targetId!: string;
  @Field(() => JSONObject, { nullable: true }) before!: JsonObject | null;
  @Field(() => JSONObject, { nullable: true }) after!: JsonObject | null;
  @Field(() => String, {
    nullable: true,
    description: 'The request that made the change (x-request-id).',
  })
  requestId!: string | null;
}

@ObjectType()
export class AuditEventConnection extends Connection(AuditEvent, 'AuditEvent', {
  totalCount: true,
}) {}

@InputType()
export class AuditEventFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Registry name. Without it: every registry you administer.',
  })
  registry?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Model name, within `registry`.',
  })
  model?: string | null;
  @Field(() => String, { nullable: true }) action?: string | null;
  @Field(() => String, { nullable: true, description: 'Subject of the actor.' })
  actor?: string | null;
  @Field(() => Date, {
    nullable: true,
    description: 'From this time, inclusive.',
  })
  since?: Date | null;
  @Field(() => Date, {
    nullable: true,
    description: 'Until this time, exclusive.',
  })
  until?: Date | null;
}
