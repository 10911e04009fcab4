import { graphql } from '../../gql';

export const SetAliasMutation = graphql(`
  mutation ConsoleSetAlias($input: SetAliasInput!) {
    setAlias(input: $input) {
      changed
      alias {
        name
        updatedAt
        version {
          id
          name
        }
      }
      previousVersion {
        name
      }
    }
  }
`);

export const RequestAliasChangeMutation = graphql(`
  mutation ConsoleRequestAliasChange($input: RequestAliasChangeInput!) {
    requestAliasChange(input: $input) {
      request {
        id
        state
      }
    }
  }
`);

export const ApproveAliasChangeMutation = graphql(`
  mutation ConsoleApproveAliasChange($input: DecideAliasChangeInput!) {
    approveAliasChange(input: $input) {
      applied
      request {
        id
        state
      }
    }
  }
`);

export const RejectAliasChangeMutation = graphql(`
  mutation ConsoleRejectAliasChange($input: DecideAliasChangeInput!) {
    rejectAliasChange(input: $input) {
      request {
        id
        state
      }
    }
  }
`);

export const CancelAliasChangeMutation = graphql(`
  mutation ConsoleCancelAliasChange($input: DecideAliasChangeInput!) {
    cancelAliasChange(input: $input) {
      request {
        id
        state
      }
    }
  }
`);

/** The model's pending change requests, newest first (every reader of the registry may list them). */
export const PendingAliasChangesQuery = graphql(`
  query ConsolePendingAliasChanges($registry: String!, $model: String!) {
    model(registry: $registry, name: $model) {
      id
      aliasChangeRequests(state: PENDING, first: 50) {
        totalCount
        edges {
          node {
            id
            alias
            versionName
            expectedVersionName
            reason
            requestedAt
            expiresAt
            requiredApprovals
            requestedBy {
              id
            }
            approvals {
              approver {
                id
              }
              at
              comment
            }
          }
        }
      }
    }
  }
`);
