import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { DatabaseConfig, parseDatabaseUrl } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { migrate } from '../../src/db/migrate';
import { createLogger } from '../../src/common/logger';

/**
 * A fresh, migrated database for one test file: a temporary SQLite file by default, or, when
 * DATABASE_URL names a MySQL/MariaDB server, a new database on it (dropped afterwards), so the
 * same suite runs against both.
 */
export interface TestDatabase {
  config: DatabaseConfig;
  /** The DATABASE_URL of this database, for a server started in another process. */
  url: string;
  ds: DataSource;
  drop(): Promise<void>;
}

export const usingMysql = () => /^(mysql|mariadb):/.test(process.env.DATABASE_URL ?? '');

export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let config: DatabaseConfig;
  let url: string;
  let cleanup: () => Promise<void>;
  if (usingMysql()) {
    const base = new URL(process.env.DATABASE_URL!);
    const name = `${base.pathname.slice(1)}_t${suffix}`;
    const admin = await createConnection({
      host: base.hostname,
      port: Number(base.port || 3306),
      user: decodeURIComponent(base.username),
      password: decodeURIComponent(base.password),
    });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    base.pathname = `/${name}`;
    url = base.toString();
    config = parseDatabaseUrl(url, os.tmpdir());
    cleanup = async () => {
      const c = await createConnection({
        host: base.hostname,
        port: Number(base.port || 3306),
        user: decodeURIComponent(base.username),
        password: decodeURIComponent(base.password),
      });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-test-'));
    config = { kind: 'sqlite', file: path.join(dir, 'registry.sqlite') };
    url = `sqlite:${config.file}`;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const ds = createDataSource(config);
  await ds.initialize();
  if (opts.migrate !== false) await migrate(ds, createLogger('error'));
  return {
    config,
    url,
    ds,
    async drop() {
      if (ds.isInitialized) await ds.destroy();
      await cleanup();
    },
  };
}
