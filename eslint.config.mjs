// @ts-check
// ESLint for correctness, Prettier for layout: eslint-config-prettier (last) turns off every rule
// that would argue with the formatter. Type-aware rules read tsconfig.json through the project service.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'coverage/',
      'node_modules/',
      'cli/graphql/generated.ts',
      'bin/',
      'web/dist/',
      'web/src/gql/',
      'web/e2e/jest.config.js',
    ],
  },
  // A disable comment that no longer disables anything is clutter that hides the next real finding.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A promise nobody awaits loses its errors: await it, or mark a deliberate fire-and-forget with `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `return await` inside try/catch, so the catch sees the rejection.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // Passing on what a catch caught is fine; inventing a non-Error rejection is not.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // Unused code goes. A leading underscore marks a parameter a signature requires, or a key
      // destructured away from a rest object.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'all',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Apollo plugin hooks and similar interfaces are async by contract; an async body with no await is fine.
      '@typescript-eslint/require-await': 'off',
      // `x == null` tests null and undefined at once; every other comparison is strict.
      eqeqeq: ['error', 'smart'],
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'test'].flatMap((object) =>
          ['only', 'skip'].map((property) => ({
            object,
            property,
            message: 'Commit no focused or skipped tests.',
          })),
        ),
      ],
    },
  },
  {
    // The console: the rules of hooks (called unconditionally, effects listing what they read).
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Tests and benchmarks read GraphQL response bodies, which are untyped JSON by nature: typing every
    // `body.data.x.y` would add casts, not safety.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'web/e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  prettier,
);
