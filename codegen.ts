import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types the CLI's GraphQL operations (cli/graphql/operations.graphql) from the checked-in SDL, as
 * typed document nodes: a schema change that breaks the CLI fails `tsc`. `npm run codegen` writes
 * cli/graphql/generated.ts; `npm run codegen:check` (CI) fails when it is not current.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: 'cli/graphql/operations.graphql',
  generates: {
    'cli/graphql/generated.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        enumsAsTypes: true,
        avoidOptionals: false,
        useTypeImports: true,
        scalars: {
          DateTimeISO: 'string',
          JSON: 'unknown',
          JSONObject: 'Record<string, unknown>',
          SafeInt: 'number',
          _Any: 'unknown',
          link__Import: 'unknown',
          federation__FieldSet: 'string',
          FieldSet: 'string',
        },
      },
    },
  },
};

export default config;
