import type { CodegenConfig } from '@graphql-codegen/cli';

// How the schema's custom scalars appear in TypeScript, for the CLI and the console alike.
const scalars = {
  DateTimeISO: 'string',
  JSON: 'unknown',
  JSONObject: 'Record<string, unknown>',
  SafeInt: 'number',
  _Any: 'unknown',
  link__Import: 'unknown',
  federation__FieldSet: 'string',
  FieldSet: 'string',
};

/**
 * Types GraphQL operations from the checked-in SDL (schema/schema.graphql), so a schema change that
 * breaks a client fails `tsc`. `npm run codegen` writes both outputs; `npm run codegen:check` (CI)
 * fails when either is not current.
 * - The CLI's operations (cli/graphql/operations.graphql) as typed document nodes in cli/graphql/generated.ts.
 * - The console's documents, written with `graphql(\`…\`)` in web/src, through the client preset into
 *   web/src/gql/ (import `graphql` from there). Fragment masking is off: pages read the fields they
 *   ask for without unmasking calls.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  generates: {
    'cli/graphql/generated.ts': {
      documents: 'cli/graphql/operations.graphql',
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        enumsAsTypes: true,
        avoidOptionals: false,
        useTypeImports: true,
        scalars,
      },
    },
    'web/src/gql/': {
      documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars,
      },
    },
  },
};

export default config;
