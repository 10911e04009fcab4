import path from 'node:path';
import { DatabaseConfig } from '../config';

/** The database a configuration names, in words for the start-up log line. */
export function describeDatabase(database: DatabaseConfig): string {
  return database.kind === 'sqlite' ? `embedded SQLite at ${database.file}` : `${database.flavor} (DATABASE_URL)`;
}

/**
 * The files the database keeps on this machine: SQLite's file with its `-wal` and `-shm`
 * companions (none in memory), and none for a database server.
 */
export function databaseFiles(database: DatabaseConfig): string[] {
  if (database.kind !== 'sqlite' || database.file === ':memory:') return [];
  const file = path.resolve(database.file);
  return [file, `${file}-wal`, `${file}-shm`];
}
