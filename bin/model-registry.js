#!/usr/bin/env node
'use strict';
// The `model-registry` command. From a clone (the TypeScript sources and @swc-node/register are
// there) it runs the sources, so it works right after `npm ci` and is never stale; from an installed
// package it runs the compiled JS in dist/ (`npm pack` builds it first: the prepack script).
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'cli', 'main.ts');
let entry = path.join(root, 'dist', 'cli', 'main.js');
if (fs.existsSync(source)) {
  try {
    require.resolve('@swc-node/register', { paths: [root] });
    // The CLI needs no decorator metadata: skip reading tsconfig's and let swc transpile only.
    require('@swc-node/register');
    entry = source;
  } catch {
    // No dev dependencies installed: fall back to dist/.
  }
}
if (!fs.existsSync(entry)) {
  process.stderr.write('model-registry: not built. Run `npm ci` (a clone) or `npm run build`.\n');
  process.exit(1);
}
require(entry)
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
