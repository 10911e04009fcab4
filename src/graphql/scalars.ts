import { GraphQLJSON, GraphQLJSONObject, GraphQLSafeInt } from 'graphql-scalars';

/** A JSON object (metadata, metrics, audit snapshots). Arrays and primitives are rejected. */
export const JSONObject = GraphQLJSONObject;
/** Integers up to 2^53 - 1: artifact sizes exceed GraphQL's 32-bit Int. */
export const SafeInt = GraphQLSafeInt;
/**
 * Any JSON value, for inputs that the service validates itself (metadata must be an object,
 * metrics an object of numbers), so that a wrong shape is a BAD_USER_INPUT naming the field
 * whether it came inline or in variables.
 */
export const JSON = GraphQLJSON;
