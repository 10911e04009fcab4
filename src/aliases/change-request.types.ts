import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../graphql/connection';
import { RegisteredModel } from '../models/model.types';
import { Node } from '../node/node.types';
import { Registry } from '../registry/registry.types';
import { ModelVersion } from '../versions/version.types';
import { User } from '../viewer/user.types';

export enum AliasChangeRequestState {
  PENDING = 'PENDING',
  APPLIED = 'APPLIED',
  REJECTED = 'REJECTED',
  CANCELLED = 'CANCELLED',
  STALE = 'STALE',
  EXPIRED = 'EXPIRED',
}
registerEnumType(AliasChangeRequestState, {
  name: 'AliasChangeRequestState',
  valuesConfig: {
    PENDING: { description: 'Waiting for approvals.' },
    APPLIED: { description: 'Approved; the alias moved.' },
    REJECTED: { description: 'An admin rejected it.' },
    CANCELLED: { description: 'The requester withdrew it.' },
    STALE: {
      description: 'The alias had moved since the request was made: nothing moved.',
    },
    EXPIRED: {
      description: 'Still PENDING after ALIAS_REQUEST_TTL_DAYS: it can no longer be decided.',
    },
  },
});

@ObjectType({ description: "One admin's approval of a change request." })
export class AliasChangeApproval {
  @Field(() => User) approver!: User;
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field() at!: Date;
}

@ObjectType({
  implements: Node,
  description:
    'A request to point a protected alias at a version, applied when enough admins other than the requester approve.',
})
export class AliasChangeRequest extends Node {
  @Field(() => Registry) registry!: object;
  @Field(() => RegisteredModel) model!: object;
  @Field() alias!: string;
  @Field(() => ModelVersion, {
    nullable: true,
    description: 'Where the alias should point; null if deleted since.',
  })
  version!: object | null;
  @Field({ description: '`v<n>` the alias should point at.' })
  versionName!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Where the alias pointed when the request was made (`v<n>`; null if it did not exist).',
  })
  expectedVersionName!: string | null;
  @Field(() => AliasChangeRequestState) state!: AliasChangeRequestState;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => User) requestedBy!: User;
  @Field() requestedAt!: Date;
  @Field() expiresAt!: Date;
  @Field(() => [AliasChangeApproval]) approvals!: object[];
  @Field(() => Int, {
    description: "The registry's requiredApprovals: approvals needed to apply.",
  })
  requiredApprovals!: number;
  @Field(() => User, {
    nullable: true,
    description: 'Who applied, rejected or cancelled it.',
  })
  decidedBy!: User | null;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field(() => String, {
    nullable: true,
    description: 'The comment of the decision.',
  })
  comment!: string | null;
}

@ObjectType()
export class AliasChangeRequestConnection extends Connection(AliasChangeRequest, 'AliasChangeRequest', {
  totalCount: true,
}) {}

@InputType()
export class RequestAliasChangeInput {
  @Field() registry!: string;
  @Field() model!: string;
  @Field({ description: 'A protected alias of the registry.' }) alias!: string;
  @Field({ description: 'Where it should point: v<number> or another alias.' })
  version!: string;
  @Field(() => String, { nullable: true }) reason?: string | null;
}

@InputType()
export class DecideAliasChangeInput {
  @Field({ description: 'The id of the change request.' }) request!: string;
  @Field(() => String, { nullable: true }) comment?: string | null;
}

@ObjectType()
export class AliasChangeRequestPayload {
  @Field(() => AliasChangeRequest) request!: object;
}

@ObjectType()
export class ApproveAliasChangePayload {
  @Field(() => AliasChangeRequest) request!: object;
  @Field({ description: 'True when this approval moved the alias.' })
  applied!: boolean;
}
