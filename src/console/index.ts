/** The web console's server side: static files, SPA fallback, its config and security headers (docs/console.md). */
export { consoleRoutes, resolveInside } from './console.routes';
export { consoleClientConfig } from './console-config';
export type { ConsoleClientConfig } from './console-config';
export { defaultConsoleDir } from './console-dir';
