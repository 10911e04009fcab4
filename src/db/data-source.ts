import path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config';
import { ensurePrivateDir, ensurePrivateFile } from '../common/private-files';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from './naming';
import { SqlCountingLogger } from './sql-counter';

/**
 * The DataSource for a database setting. Never `synchronize`: the schema comes from /migrations.
 * Timestamps are UTC on every database.
 */
export function createDataSource(db: DatabaseConfig): DataSource {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    logger: new SqlCountingLogger(),
    synchronize: false,
  } satisfies Partial<DataSourceOptions>;

  if (db.kind === 'sqlite') {
    if (db.file !== ':memory:') {
      ensurePrivateDir(path.dirname(path.resolve(db.file)));
      ensurePrivateFile(db.file);
    }
    return new DataSource({
      ...common,
      type: 'better-sqlite3',
      database: db.file,
      // WAL lets readers proceed while a write transaction is open; the busy timeout covers a
      // second process (the migrate command) touching the file.
      prepareDatabase: (conn: { pragma(s: string): unknown }) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
        conn.pragma('foreign_keys = ON');
      },
    });
  }

  return new DataSource({
    ...common,
    // TypeORM's `mariadb` type knows MariaDB's DDL (json as longtext, default expressions), which
    // keeps the schema drift check honest there; `mysql` is right for MySQL 8.
    type: db.flavor,
    url: db.url.replace(/^mariadb:/, 'mysql:'),
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    extra: { connectionLimit: 10 },
  });
}
