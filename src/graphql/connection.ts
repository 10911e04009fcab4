import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { Page } from '../common/pagination';

@ObjectType({ description: 'Relay page information. Pages are keyset-based: pass `endCursor` as `after`.' })
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** Counted only when asked for: a lazy getter, so pages that do not ask pay nothing. */
  readonly totalCount?: Promise<number>;
}

/** Relay connection and edge types for a node type, e.g. `ModelVersionConnection`. */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string, opts: { totalCount: boolean }) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field() cursor!: string;
    @Field(() => nodeType) node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
  }

  if (opts.totalCount) {
    Field(() => Int, { description: 'All items that match the filter, across pages.' })(ConnectionType.prototype, 'totalCount');
  }
  return ConnectionType;
}

export function toConnection<T>(page: Page<T>): ConnectionShape<T> {
  const connection = {
    edges: page.items.map((node, i) => ({ cursor: page.cursors[i], node })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.cursors.at(-1) ?? null },
  };
  let memo: Promise<number> | undefined;
  Object.defineProperty(connection, 'totalCount', { enumerable: true, get: () => (memo ??= page.count()) });
  return connection;
}
