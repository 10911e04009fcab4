/** The end-to-end harness: `startConsole()` in beforeAll, `h.stop()` in afterAll (docs/console.md). */
export { ADMIN, CONSOLE_DIR, startConsole } from './console-harness';
export type { ConsoleHarness, ConsoleHarnessOptions } from './console-harness';
export { CHROMIUM_FLAGS, chromiumPath, launchBrowser } from './browser';
export { Seeder } from './seed';
export type { Role, VersionSeed } from './seed';
export { eventually } from './eventually';
