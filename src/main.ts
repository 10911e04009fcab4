import 'reflect-metadata';
import { startApp } from './app';
import { DatabaseConfig, loadConfig } from './config';
import { createLogger } from './common/logger';
import { openToOthers, privatePaths, privateStoragePaths } from './common/private-files';
import { createDataSource } from './db/data-source';
import { describeDatabase } from './db/database-config';
import { migrate } from './db/migrate';
import { startupErrorMessage, StartupError } from './db/startup-error';

// Set once the configuration is read, so a start-up failure can say which database it concerns.
let database: DatabaseConfig | undefined;

async function main(): Promise<void> {
  const config = loadConfig();
  database = config.database;
  const logger = createLogger(config.logLevel);
  const ds = createDataSource(config.database);
  await ds.initialize();
  if (config.migrateOnStart) {
    await migrate(ds, logger);
  } else if (await ds.showMigrations()) {
    throw new StartupError(
      'The database schema is behind this server: run `npm run migrate` (or set MIGRATE_ON_START=true).',
    );
  }
  // Files made by this server are private; ones that existed before keep their mode, with a warning.
  for (const open of openToOthers([...new Set([...privatePaths(config), ...privateStoragePaths(config)])])) {
    logger.warn('a data file or directory is open to other users: make it private with chmod', {
      path: open.path,
      mode: open.mode,
      fix: `chmod go-rwx ${open.path}`,
    });
  }
  const app = await startApp(config, ds, logger);
  logger.info('model registry listening', {
    url: app.url,
    database: describeDatabase(config.database),
    env: config.env,
    introspection: config.graphql.introspection,
  });
  process.stdout.write(`\nModel registry ready at ${app.url}\nWeb console at ${new URL('/', app.url).href}\n\n`);

  // SIGTERM (orchestrators) or SIGINT (Ctrl-C): stop accepting, let requests in flight and
  // background work finish within SHUTDOWN_TIMEOUT_MS, then close the database. A second signal
  // exits at once.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn('second signal: exiting without waiting', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down', {
      signal,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
    });
    // Every step is bounded by the deadline; this is the backstop should one not be.
    setTimeout(() => {
      logger.error('shutdown overran its deadline: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5000).unref();
    try {
      await app.stop();
      await ds.destroy();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error('shutdown failed', {
        error: (err as Error)?.stack ?? String(err),
      });
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`${startupErrorMessage(err, database)}\n`);
  process.exit(1);
});
