/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ConsoleRegistries($first: Int, $after: String) {\n    registries(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          description\n          visibility\n        }\n      }\n    }\n  }\n": typeof types.ConsoleRegistriesDocument,
    "\n  query ConsoleRegistryMembers($name: String!) {\n    registry(name: $name) {\n      id\n      members {\n        subject\n        role\n        grantedAt\n        grantedBy {\n          id\n        }\n      }\n    }\n  }\n": typeof types.ConsoleRegistryMembersDocument,
    "\n  mutation ConsoleGrantRole($input: GrantRoleInput!) {\n    grantRole(input: $input) {\n      binding {\n        subject\n        role\n      }\n    }\n  }\n": typeof types.ConsoleGrantRoleDocument,
    "\n  mutation ConsoleRevokeRole($input: RevokeRoleInput!) {\n    revokeRole(input: $input) {\n      binding {\n        subject\n      }\n    }\n  }\n": typeof types.ConsoleRevokeRoleDocument,
    "\n  query ConsoleRegistry($name: String!, $first: Int, $after: String, $filter: ModelFilter) {\n    registry(name: $name) {\n      id\n      name\n      description\n      visibility\n      protectedAliases\n      models(first: $first, after: $after, filter: $filter) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            description\n            tags\n            archived\n            updatedAt\n            latestVersion {\n              name\n            }\n            aliases {\n              name\n              protected\n              version {\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n    viewer {\n      subject\n      globalAdmin\n      roles {\n        role\n        registry {\n          name\n        }\n      }\n    }\n  }\n": typeof types.ConsoleRegistryDocument,
};
const documents: Documents = {
    "\n  query ConsoleRegistries($first: Int, $after: String) {\n    registries(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          description\n          visibility\n        }\n      }\n    }\n  }\n": types.ConsoleRegistriesDocument,
    "\n  query ConsoleRegistryMembers($name: String!) {\n    registry(name: $name) {\n      id\n      members {\n        subject\n        role\n        grantedAt\n        grantedBy {\n          id\n        }\n      }\n    }\n  }\n": types.ConsoleRegistryMembersDocument,
    "\n  mutation ConsoleGrantRole($input: GrantRoleInput!) {\n    grantRole(input: $input) {\n      binding {\n        subject\n        role\n      }\n    }\n  }\n": types.ConsoleGrantRoleDocument,
    "\n  mutation ConsoleRevokeRole($input: RevokeRoleInput!) {\n    revokeRole(input: $input) {\n      binding {\n        subject\n      }\n    }\n  }\n": types.ConsoleRevokeRoleDocument,
    "\n  query ConsoleRegistry($name: String!, $first: Int, $after: String, $filter: ModelFilter) {\n    registry(name: $name) {\n      id\n      name\n      description\n      visibility\n      protectedAliases\n      models(first: $first, after: $after, filter: $filter) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            description\n            tags\n            archived\n            updatedAt\n            latestVersion {\n              name\n            }\n            aliases {\n              name\n              protected\n              version {\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n    viewer {\n      subject\n      globalAdmin\n      roles {\n        role\n        registry {\n          name\n        }\n      }\n    }\n  }\n": types.ConsoleRegistryDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRegistries($first: Int, $after: String) {\n    registries(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          description\n          visibility\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRegistries($first: Int, $after: String) {\n    registries(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          description\n          visibility\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRegistryMembers($name: String!) {\n    registry(name: $name) {\n      id\n      members {\n        subject\n        role\n        grantedAt\n        grantedBy {\n          id\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRegistryMembers($name: String!) {\n    registry(name: $name) {\n      id\n      members {\n        subject\n        role\n        grantedAt\n        grantedBy {\n          id\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleGrantRole($input: GrantRoleInput!) {\n    grantRole(input: $input) {\n      binding {\n        subject\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleGrantRole($input: GrantRoleInput!) {\n    grantRole(input: $input) {\n      binding {\n        subject\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRevokeRole($input: RevokeRoleInput!) {\n    revokeRole(input: $input) {\n      binding {\n        subject\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleRevokeRole($input: RevokeRoleInput!) {\n    revokeRole(input: $input) {\n      binding {\n        subject\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRegistry($name: String!, $first: Int, $after: String, $filter: ModelFilter) {\n    registry(name: $name) {\n      id\n      name\n      description\n      visibility\n      protectedAliases\n      models(first: $first, after: $after, filter: $filter) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            description\n            tags\n            archived\n            updatedAt\n            latestVersion {\n              name\n            }\n            aliases {\n              name\n              protected\n              version {\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n    viewer {\n      subject\n      globalAdmin\n      roles {\n        role\n        registry {\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRegistry($name: String!, $first: Int, $after: String, $filter: ModelFilter) {\n    registry(name: $name) {\n      id\n      name\n      description\n      visibility\n      protectedAliases\n      models(first: $first, after: $after, filter: $filter) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            description\n            tags\n            archived\n            updatedAt\n            latestVersion {\n              name\n            }\n            aliases {\n              name\n              protected\n              version {\n                name\n              }\n            }\n          }\n        }\n      }\n    }\n    viewer {\n      subject\n      globalAdmin\n      roles {\n        role\n        registry {\n          name\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;