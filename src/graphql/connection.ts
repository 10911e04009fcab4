import { ClassType, Directive, Field, Int, ObjectType } from 'type-graphql';
import { Page } from '../common/pagination';

// Shareable: other subgraphs of a platform define Relay's PageInfo too, and composition refuses
// a type that two subgraphs define unless both mark it so.
@Directive('@shareable')
@ObjectType({
  simpleResolvers: true,
  description: 'Relay page information. Pages are keyset-based: pass `endCursor` as `after`.',
})
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
  // The rest of Relay's PageInfo, so the type is the same as other subgraphs' (composition needs
  // a shared value type to have the same fields everywhere). Pages go forward only: the Relay
  // spec lets hasPreviousPage be false when paginating with first/after.
  @Field({
    description: 'Always false: pages go forward only (`first`/`after`).',
  })
  hasPreviousPage!: boolean;
  @Field(() => String, {
    nullable: true,
    description: "The first edge's cursor.",
  })
  startCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** Counted only when asked for: a lazy getter, so pages that do not ask pay nothing. */
  readonly totalCount?: Promise<number>;
}

/** Relay connection and edge types for a node type, e.g. `ModelVersionConnection`. */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string, opts: { totalCount: boolean }) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field() cursor!: string;
    @Field(() => nodeType) node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
  }

  if (opts.totalCount) {
    // Not simple: the property is a promise (toConnection), and only a field with a resolver has
    // its promise awaited by graphql-jit (graphql/jit.ts); graphql-js awaits either.
    Field(() => Int, {
      description: 'All items that match the filter, across pages.',
      simple: false,
    })(ConnectionType.prototype, 'totalCount');
  }
  return ConnectionType;
}

export function toConnection<T>(page: Page<T>): ConnectionShape<T> {
  const connection = {
    edges: page.items.map((node, i) => ({ cursor: page.cursors[i], node })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      endCursor: page.cursors.at(-1) ?? null,
      hasPreviousPage: false,
      startCursor: page.cursors[0] ?? null,
    },
  };
  let memo: Promise<number> | undefined;
  Object.defineProperty(connection, 'totalCount', {
    enumerable: true,
    get: () => (memo ??= page.count()),
  });
  return connection;
}
