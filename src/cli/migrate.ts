import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../common/logger';
import { createDataSource } from '../db/data-source';
import { migrate } from '../db/migrate';

/** `npm run migrate`: brings the configured database (DATABASE_URL, or the embedded one) up to date. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'warn' ? 'info' : config.logLevel);
  const ds = createDataSource(config.database);
  await ds.initialize();
  try {
    const ran = await migrate(ds, logger);
    process.stdout.write(ran.length ? `Applied ${ran.length} migration(s).\n` : 'The database is up to date.\n');
  } finally {
    await ds.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(
    `${err instanceof ConfigError ? `Configuration error: ${err.message}` : err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(1);
});
