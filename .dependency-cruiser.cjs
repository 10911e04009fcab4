/**
 * The dependency rule of docs/architecture.md ("Layers"), checked by `npm run deps:check` in CI.
 * Type-only imports (`import type`, and imports used only as types) vanish at compile time and
 * are left out of the cycle rule.
 */
const DOMAIN = '^src/(registry|models|versions|aliases|access|lineage|audit|files)/';
const STORE = '^(src/db/|src/storage/|src/[^/]+/[^/]+[.]entity[.]ts$|migrations/)';
const SERVICES = '[.]service[.]ts$';
const API = '^src/(graphql|http|observability|console)/|[.](resolver|types|reference|routes)[.]ts$';
const TOP = '^src/(app|main|services)[.]ts$|^src/cli/';
const RUNTIME_ONLY = {
  dependencyTypesNot: ['type-only', 'pre-compilation-only'],
};

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle between files of src/ (type-only imports aside).',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: RUNTIME_ONLY },
    },
    {
      name: 'domain-not-delivery',
      severity: 'error',
      comment: 'Features record changes through src/changes; they never import webhook delivery or management.',
      from: { path: DOMAIN },
      to: { path: '^src/(delivery|webhooks)/' },
    },
    {
      name: 'delivery-not-features',
      severity: 'error',
      comment:
        "Delivery depends on the store (entities, db), config and common; never on features' services, " +
        'the seam or the API.',
      from: { path: '^src/delivery/' },
      to: { path: [SERVICES, API, TOP, '^src/changes/'] },
    },
    {
      name: 'seam-not-delivery-or-services',
      severity: 'error',
      comment: 'The seam writes rows through the store; it calls no service and sends nothing.',
      from: { path: '^src/changes/' },
      to: { path: [SERVICES, API, TOP, '^src/delivery/'] },
    },
    {
      name: 'seam-through-its-index',
      severity: 'error',
      comment:
        'Outside src/changes, the seam is imported through src/changes/index.ts only, so that only the seam ' +
        'writes audit and outbox rows (ChangeLog.record, queuePing, requeue).',
      from: { path: '^src/', pathNot: '^src/changes/' },
      to: { path: '^src/changes/', pathNot: '^src/changes/index[.]ts$' },
    },
    {
      name: 'store-is-the-bottom',
      severity: 'error',
      comment: 'db/, storage/, entities and migrations import only the store, common/ and config.',
      from: { path: STORE },
      to: {
        path: '^(src|migrations)/',
        pathNot: [STORE, '^src/common/', '^src/config[.]ts$'],
      },
    },
    {
      name: 'common-below-features',
      severity: 'error',
      comment: 'common/ and config import only common/, config and db/ (pagination runs queries).',
      from: { path: '^src/(common/|config[.]ts$)' },
      to: {
        path: '^src/',
        pathNot: ['^src/common/', '^src/config[.]ts$', '^src/db/'],
      },
    },
    {
      name: 'services-below-api',
      severity: 'error',
      comment:
        'Services and the seam know nothing of GraphQL or HTTP ' +
        '(type-only imports of request-scoped loaders aside).',
      from: { path: [SERVICES, '^src/changes/'] },
      to: { path: [API, TOP], ...RUNTIME_ONLY },
    },
    {
      name: 'server-not-cli',
      severity: 'error',
      comment: 'The server never imports the model-registry CLI (cli/): it is a client, shipped beside it.',
      from: { path: '^(src|migrations)/' },
      to: { path: '^cli/' },
    },
    {
      name: 'cli-is-a-client',
      severity: 'error',
      comment: 'The CLI speaks to the server over HTTP only: it imports no server code (docs/cli.md).',
      from: { path: '^cli/' },
      to: { path: '^(src|migrations)/' },
    },
    {
      name: 'console-is-static',
      severity: 'error',
      comment:
        "The web console's server side (src/console) serves files and its config: it reads config and " +
        'common only, never a service, the store or GraphQL. The console reads data through /graphql like any client.',
      from: { path: '^src/console/' },
      to: { path: '^src/', pathNot: ['^src/console/', '^src/config[.]ts$', '^src/common/'], ...RUNTIME_ONLY },
    },
    {
      name: 'web-is-a-client',
      severity: 'error',
      comment: 'The web console (web/) speaks to the server over HTTP only, and the server never imports it.',
      from: { path: '^web/src/' },
      to: { path: '^(src|cli|migrations)/' },
    },
    {
      name: 'live-on-top',
      severity: 'error',
      comment:
        'Live updates (src/live) hear of changes from the seam through a callback the entry points wire; ' +
        'nothing below imports them (the schema lists their resolver; the context names their type).',
      from: { pathNot: ['^src/live/', TOP, '^src/graphql/schema[.]ts$'] },
      to: { path: '^src/live/', ...RUNTIME_ONLY },
    },
    {
      name: 'live-not-delivery',
      severity: 'error',
      comment: 'Subscriptions and webhook delivery are two consumers of the seam; neither calls the other.',
      from: { path: '^src/live/' },
      to: { path: '^src/delivery/' },
    },
    {
      name: 'api-below-app',
      severity: 'error',
      comment: 'Only the entry points (app, main, services, cli) assemble the application.',
      from: { pathNot: TOP },
      to: { path: TOP, ...RUNTIME_ONLY },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^node_modules/' },
    // 'specify': follow imports that vanish at compile time, and mark them pre-compilation-only.
    tsPreCompilationDeps: 'specify',
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
