import 'reflect-metadata';
import { DatabaseConfig, loadConfig } from '../config';
import { createLogger } from '../common/logger';
import { createDataSource } from '../db/data-source';
import { migrate } from '../db/migrate';
import { startupErrorMessage } from '../db/startup-error';

let database: DatabaseConfig | undefined;

/** `npm run migrate`: brings the configured database (DATABASE_URL, or the embedded one) up to date. */
async function main(): Promise<void> {
  const config = loadConfig();
  database = config.database;
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
  process.stderr.write(`${startupErrorMessage(err, database)}\n`);
  process.exit(1);
});
