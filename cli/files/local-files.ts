import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CliError, EXIT } from '../errors';

/** A file to link: where it is on disk, the path it gets in the version, and its content. */
export interface LocalFile {
  source: string;
  path: string;
  digest: string;
  sizeBytes: number;
}

/**
 * The files named on the command line: a file is linked under its base name, a directory's files
 * under their path inside it (`/`-separated), walking subdirectories and following symlinks. A
 * symlink back to a directory being walked (a loop) is refused rather than followed forever.
 */
export function listFiles(args: string[]): { source: string; path: string }[] {
  const found: { source: string; path: string }[] = [];
  const walk = (dir: string, prefix: string, ancestors: Set<string>) => {
    const id = fileId(localFs(() => fs.statSync(dir), dir));
    if (ancestors.has(id))
      throw new CliError(
        `${dir} leads back to a directory that contains it (a symlink loop).`,
        EXIT.usage,
        undefined,
        'Remove or replace the symlink, or link the files inside it instead.',
      );
    const inside = new Set(ancestors).add(id);
    for (const entry of localFs(() => fs.readdirSync(dir), dir).sort()) {
      const source = path.join(dir, entry);
      const stat = localFs(() => fs.statSync(source), source);
      if (stat.isDirectory()) walk(source, `${prefix}${entry}/`, inside);
      else if (stat.isFile()) found.push({ source, path: `${prefix}${entry}` });
    }
  };
  for (const arg of args) {
    if (!fs.existsSync(arg)) throw new CliError(`${arg}: no such file or directory.`, EXIT.usage);
    if (localFs(() => fs.statSync(arg), arg).isDirectory()) walk(arg, '', new Set());
    else found.push({ source: arg, path: path.basename(arg) });
  }
  if (found.length === 0) throw new CliError('No files to link: the directories given are empty.', EXIT.usage);
  const seen = new Map<string, string>();
  for (const f of found) {
    const other = seen.get(f.path);
    if (other)
      throw new CliError(
        `${other} and ${f.source} would both be linked as "${f.path}".`,
        EXIT.usage,
        undefined,
        'Put the files in one directory and link that directory.',
      );
    seen.set(f.path, f.source);
  }
  return found;
}

function fileId(stat: fs.Stats): string {
  return `${stat.dev}:${stat.ino}`;
}

const LOCAL_FS_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory (a broken symlink?)',
  ELOOP: 'too many levels of symlinks (a symlink loop)',
  ENOTDIR: 'a path component is not a directory',
  EEXIST: 'already exists and is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
};

/** Runs a file-system call on `where`, turning the usual failures into a usage error that names the path. */
export function localFs<T>(call: () => T, where: string): T {
  try {
    return call();
  } catch (err) {
    throw localFsError(err, where);
  }
}

/** A CliError (exit 2) for a failure of this machine's file system; anything else is passed through. */
export function localFsError(err: unknown, where: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const problem = code ? LOCAL_FS_PROBLEMS[code] : undefined;
  return problem ? new CliError(`${where}: ${problem} (${code}).`, EXIT.usage) : err;
}

/** sha256 of a file, streamed. */
export async function hashFile(source: string): Promise<{ digest: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of fs.createReadStream(source, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, sizeBytes };
}

/**
 * Runs `work` over `items` with at most `limit` at a time; the first failure rejects, and no worker
 * starts another item after it (the ones already running finish).
 */
export async function eachLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await work(items[next++]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
