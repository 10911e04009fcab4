import { Directive, Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../graphql/connection';
import { Node } from '../node/node.types';
import { User } from '../viewer/user.types';
import { OrderDirection } from '../common/pagination';
import { ModelOrderField } from './model.service';

registerEnumType(ModelOrderField, { name: 'ModelOrderField' });
registerEnumType(OrderDirection, { name: 'OrderDirection' });

@Directive('@key(fields: "id")')
@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: 'A model for one task (e.g. `mnist-classifier`), holding its numbered versions and aliases.',
})
export class RegisteredModel extends Node {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [String]) tags!: string[];
  @Field(() => User) createdBy!: User;
  @Field() createdAt!: Date;
  @Field({ description: 'Changes on edits and whenever a version is linked.' })
  updatedAt!: Date;
  @Field(() => Date, { nullable: true }) archivedAt!: Date | null;
}

@ObjectType()
export class RegisteredModelConnection extends Connection(RegisteredModel, 'RegisteredModel', { totalCount: true }) {}

@InputType()
export class ModelFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Models whose name contains this text.',
  })
  nameContains?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Models carrying this tag.',
  })
  tag?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Include archived models.',
  })
  includeArchived?: boolean | null;
}

@InputType()
export class ModelOrder {
  @Field(() => ModelOrderField, { defaultValue: ModelOrderField.NAME })
  field!: ModelOrderField;
  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction!: OrderDirection;
}

@InputType()
export class CreateModelInput {
  @Field() registry!: string;
  @Field({
    description: '1-128 letters, digits, "-", "_" or "."; unique within the registry.',
  })
  name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
}

@InputType()
export class UpdateModelInput {
  @Field() registry!: string;
  @Field({ description: 'The model to change, by its current name.' })
  model!: string;
  @Field(() => String, {
    nullable: true,
    description: 'A new name. Ids, grants and history are unaffected.',
  })
  name?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true, description: 'Replaces the tags.' })
  tags?: string[] | null;
}

@InputType()
export class ArchiveModelInput {
  @Field() registry!: string;
  @Field() model!: string;
}

@ObjectType()
export class CreateModelPayload {
  @Field(() => RegisteredModel) model!: object;
}

@ObjectType()
export class UpdateModelPayload {
  @Field(() => RegisteredModel) model!: object;
}

@ObjectType()
export class ArchiveModelPayload {
  @Field(() => RegisteredModel) model!: object;
}

@InputType()
export class RestoreModelInput {
  @Field() registry!: string;
  @Field() model!: string;
}

@ObjectType()
export class RestoreModelPayload {
  @Field(() => RegisteredModel) model!: object;
}
