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
 * under their path inside it (`/`-separated), walking subdirectories and following symlinks.
 */
export function listFiles(args: string[]): { source: string; path: string }[] {
  const found: { source: string; path: string }[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir).sort()) {
      const source = path.join(dir, entry);
      const stat = fs.statSync(source);
      if (stat.isDirectory()) walk(source, `${prefix}${entry}/`);
      else if (stat.isFile()) found.push({ source, path: `${prefix}${entry}` });
    }
  };
  for (const arg of args) {
    if (!fs.existsSync(arg)) throw new CliError(`${arg}: no such file or directory.`, EXIT.usage);
    if (fs.statSync(arg).isDirectory()) walk(arg, '');
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

/** Runs `work` over `items` with at most `limit` at a time; the first failure rejects. */
export async function eachLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
