import { DataSource } from 'typeorm';
import { Logger } from '../common/logger';

/** Applies pending migrations, each in its own transaction, and logs what ran. */
export async function migrate(ds: DataSource, logger: Logger): Promise<string[]> {
  const ran = await ds.runMigrations({ transaction: 'each' });
  for (const m of ran) logger.info('migration applied', { migration: m.name });
  return ran.map((m) => m.name);
}
