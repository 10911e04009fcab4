import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { databaseFiles } from '../db/database-config';

/**
 * The server's own files (the embedded database, local mode's signing key, stored blobs) are for its user
 * alone: directories it creates are 0700 and files 0600. A directory or file that already exists
 * keeps its mode: an operator may have opened it to a backup agent's group on purpose, so the
 * server warns (see `openToOthers`) rather than change it.
 */

/** The modes of what the server creates for itself: for its user alone. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` and any missing parents with mode 0700; an existing directory is left as it is. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** ensurePrivateDir, without blocking the event loop (the blob store makes its directories on upload). */
export async function makePrivateDir(dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates `file` empty with mode 0600 unless it exists. SQLite takes an empty file for a new
 * database, and creates its -wal and -shm files with the mode of the database file, so creating
 * it first is what keeps all three private.
 */
export function ensurePrivateFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Those of `paths` that exist and that users other than the owner may read, write or enter. */
export function openToOthers(paths: string[]): { path: string; mode: string }[] {
  const open: { path: string; mode: string }[] = [];
  for (const p of paths) {
    let mode: number;
    try {
      mode = fs.statSync(p).mode & 0o777;
    } catch {
      continue;
    }
    if (mode & 0o077) open.push({ path: p, mode: mode.toString(8).padStart(3, '0') });
  }
  return open;
}

/** Files the server keeps for itself under this configuration, and DATA_DIR when it holds any. */
export function privatePaths(config: Pick<Config, 'dataDir' | 'database' | 'auth'>): string[] {
  const files = databaseFiles(config.database);
  if (config.auth.mode === 'local') files.push(path.resolve(config.auth.keyFile));
  const dirs = files.some((f) => path.dirname(f) === config.dataDir) ? [config.dataDir] : [];
  return [...dirs, ...files];
}

/**
 * The root of local blob storage (STORAGE_URL=file:…, DATA_DIR/blobs by default), and DATA_DIR
 * when it holds it. Only the root is checked: a private root keeps everything under it private.
 */
export function privateStoragePaths(config: Pick<Config, 'dataDir' | 'storage'>): string[] {
  if (config.storage.location.kind !== 'local') return [];
  const root = path.resolve(config.storage.location.dir);
  return path.dirname(root) === path.resolve(config.dataDir) ? [config.dataDir, root] : [root];
}
