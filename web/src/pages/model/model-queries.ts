import { graphql } from '../../gql';

/** The model page's header and aliases, with what the caller may do in the registry. */
export const ModelPageQuery = graphql(`
  query ConsoleModelPage($registry: String!, $model: String!) {
    viewer {
      subject
      globalAdmin
      roles {
        role
        registry {
          name
        }
      }
    }
    registry(name: $registry) {
      id
      name
      protectedAliases
      requiredApprovals
      members {
        subject
        role
      }
    }
    model(registry: $registry, name: $model) {
      id
      name
      fullName
      description
      tags
      archived
      archivedAt
      updatedAt
      latestVersion {
        id
        name
      }
      aliases {
        name
        protected
        updatedAt
        updatedBy {
          id
        }
        version {
          id
          name
          number
        }
      }
    }
  }
`);

/** One page of the versions table: the API sorts (by number, creation time or any metric) and filters by tag. */
export const ModelVersionsQuery = graphql(`
  query ConsoleModelVersions(
    $registry: String!
    $model: String!
    $first: Int
    $after: String
    $filter: VersionFilter
    $orderBy: VersionOrder
  ) {
    model(registry: $registry, name: $model) {
      id
      versions(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            name
            number
            createdAt
            createdBy {
              id
            }
            tags
            aliases
            metrics
          }
        }
      }
    }
  }
`);

/** The newest versions by number, oldest first once reversed: the chart's points and the alias version picker. */
export const ModelVersionSeriesQuery = graphql(`
  query ConsoleModelVersionSeries($registry: String!, $model: String!, $first: Int) {
    model(registry: $registry, name: $model) {
      id
      versions(first: $first, orderBy: { field: NUMBER, direction: DESC }) {
        totalCount
        edges {
          node {
            id
            name
            number
            aliases
            metrics
          }
        }
      }
    }
  }
`);

/** 2–4 versions side by side; refs without a version are left out with @include. */
export const CompareVersionsQuery = graphql(`
  query ConsoleCompareVersions(
    $registry: String!
    $model: String!
    $r0: String!
    $r1: String!
    $r2: String!
    $r3: String!
    $has2: Boolean!
    $has3: Boolean!
  ) {
    model(registry: $registry, name: $model) {
      id
      fullName
      v0: version(ref: $r0) {
        ...CompareVersion
      }
      v1: version(ref: $r1) {
        ...CompareVersion
      }
      v2: version(ref: $r2) @include(if: $has2) {
        ...CompareVersion
      }
      v3: version(ref: $r3) @include(if: $has3) {
        ...CompareVersion
      }
    }
  }

  fragment CompareVersion on ModelVersion {
    id
    name
    number
    description
    createdAt
    createdBy {
      id
    }
    archived
    tags
    aliases
    metrics
    metadata
    artifact {
      uri
      digest
      sizeBytes
    }
    files {
      path
      sizeBytes
      digest
    }
    run {
      id
      name
      status
      externalId
      startedAt
      finishedAt
    }
  }
`);

/** Live: the three subscriptions an open model page listens to (docs/live.md). */
export const ModelAliasChangedSubscription = graphql(`
  subscription ConsoleModelAliasChanged($registry: String!, $model: String!) {
    aliasChanged(registry: $registry, model: $model) {
      id
      type
      alias
      occurredAt
      actor {
        id
      }
      version {
        name
      }
      previousVersion {
        name
      }
    }
  }
`);

export const ModelVersionLinkedSubscription = graphql(`
  subscription ConsoleModelVersionLinked($registry: String!, $model: String!) {
    versionLinked(registry: $registry, model: $model) {
      id
      type
      occurredAt
      actor {
        id
      }
      version {
        name
      }
    }
  }
`);

export const RegistryModelChangedSubscription = graphql(`
  subscription ConsoleRegistryModelChanged($registry: String!) {
    modelChanged(registry: $registry) {
      id
      type
      occurredAt
      actor {
        id
      }
      model {
        id
        name
      }
    }
  }
`);
