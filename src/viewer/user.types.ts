import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * A person or service account, by the subject of its token. The platform's users subgraph owns
 * the rest of a User (name, email) and extends this type; this server only knows the id, so the
 * entity is a stub it never resolves by key (`resolvable: false`): the gateway asks the users
 * subgraph for anything beyond `id`.
 */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType({
  description: 'A user or service account, identified by its token subject.',
  simpleResolvers: true,
})
export class User {
  @Field(() => ID, { description: 'The JWT subject (`sub`).' })
  id!: string;
}

export const userRef = (subject: string): User => ({ id: subject });
