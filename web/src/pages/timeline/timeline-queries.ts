import { graphql } from '../../gql';

/** One page of the model's alias history, newest first; one alias or all. */
export const AliasHistoryQuery = graphql(`
  query ConsoleAliasHistory($registry: String!, $model: String!, $alias: String, $first: Int, $after: String) {
    model(registry: $registry, name: $model) {
      id
      fullName
      aliases {
        name
      }
      aliasHistory(alias: $alias, first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            alias
            at
            actor {
              id
            }
            fromVersionName
            toVersionName
            reason
            versionDeleted
          }
        }
      }
    }
  }
`);

/** "What was in production at T": where every alias pointed at `time`, from the alias history. */
export const AliasesAtQuery = graphql(`
  query ConsoleAliasesAt($registry: String!, $model: String!, $time: DateTimeISO!) {
    model(registry: $registry, name: $model) {
      id
      aliasesAt(time: $time) {
        alias
        at
        actor {
          id
        }
        fromVersionName
        toVersionName
        reason
        versionDeleted
      }
    }
  }
`);
