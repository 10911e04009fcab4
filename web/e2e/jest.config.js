/** @type {import('jest').Config} */
// End-to-end tests of the console (`npm run test:e2e`): the real server serving the built console
// (web/dist), the tests' identity provider, and Debian's Chromium driven by playwright-core. They
// share the root config's transform (decorator metadata for the server's code, jose as ESM).
const root = require('../../jest.config.js');

module.exports = {
  ...root,
  rootDir: '../..',
  roots: ['<rootDir>/web/e2e'],
  testMatch: ['**/*.e2e.test.ts'],
  // A browser start and a server per file: slower than the API tests.
  testTimeout: 120000,
};
