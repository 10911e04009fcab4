import { createHash, Hash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { RegistryClient } from '../client';
import { CliError, EXIT } from '../errors';
import { Progress } from '../progress';
import { eachLimit, hashFile, localFs, localFsError } from './local-files';

const PARALLEL_DOWNLOADS = 4;
const MAX_REDIRECTS = 3;

/** A file of a version as the server lists it. */
export interface RemoteFile {
  path: string;
  digest: string;
  sizeBytes: number;
  downloadUrl: string;
}

export interface PullResult {
  downloaded: number;
  upToDate: number;
  /** Bytes received over the network (a resumed file counts only its missing part). */
  bytesReceived: number;
  resumed: number;
}

/**
 * Where a file goes under `dir`, refusing paths that would escape it. The server already refuses
 * `..` segments in linked paths (docs/files.md); this guard does not trust that.
 */
export function targetPath(dir: string, filePath: string): string {
  const target = path.resolve(dir, ...filePath.split('/'));
  const root = path.resolve(dir);
  if (!target.startsWith(root + path.sep)) throw new CliError(`Refusing the unsafe path "${filePath}".`, EXIT.server);
  return target;
}

/**
 * Downloads every file into `dir`, each first into `<name>.part` beside it and renamed into place
 * only once its sha256 matches: nothing half-written ever has the final name. A `.part` left by an
 * interrupted pull is resumed with `Range` (and `If-Range`, so a changed entity starts over); a
 * file already in place with the right digest is not downloaded again.
 */
export async function pullFiles(client: RegistryClient, files: RemoteFile[], dir: string): Promise<PullResult> {
  const result: PullResult = { downloaded: 0, upToDate: 0, bytesReceived: 0, resumed: 0 };
  const todo: { file: RemoteFile; target: string }[] = [];
  for (const file of files) {
    const target = targetPath(dir, file.path);
    if (fs.existsSync(target) && fs.statSync(target).size === file.sizeBytes) {
      if ((await hashFile(target)).digest === file.digest) {
        result.upToDate++;
        continue;
      }
    }
    todo.push({ file, target });
  }
  const progress = new Progress(
    'downloading',
    todo.reduce((n, t) => n + t.file.sizeBytes, 0),
  );
  await eachLimit(todo, PARALLEL_DOWNLOADS, async ({ file, target }) => {
    localFs(() => fs.mkdirSync(path.dirname(target), { recursive: true }), path.dirname(target));
    const part = `${target}.part`;
    const { received, resumed } = await fetchInto(client, file, part, progress).catch((err: unknown) => {
      if (err instanceof CliError) throw err;
      const local = localFsError(err, part);
      if (local instanceof CliError) throw local;
      throw new CliError(
        `The download of ${file.path} was interrupted (${(err as Error).message}).`,
        EXIT.server,
        undefined,
        'Run the same pull again: it resumes where it stopped.',
      );
    });
    result.bytesReceived += received;
    if (resumed) result.resumed++;
    localFs(() => fs.renameSync(part, target), target);
    result.downloaded++;
  });
  progress.finish();
  return result;
}

/** Brings `part` to the whole file and verifies it; a mismatch removes it and fails. */
async function fetchInto(
  client: RegistryClient,
  file: RemoteFile,
  part: string,
  progress: Progress,
): Promise<{ received: number; resumed: boolean }> {
  let have = fs.existsSync(part) ? fs.statSync(part).size : 0;
  if (have > file.sizeBytes) have = 0;
  const headers: Record<string, string> = {};
  if (have > 0) Object.assign(headers, { range: `bytes=${have}-`, 'if-range': `"${file.digest}"` });
  // A .part that is already whole asks for nothing more: only verification is left.
  const res = have === file.sizeBytes ? null : await get(client, file.downloadUrl, headers);
  if (res && res.statusCode !== 200 && res.statusCode !== 206)
    throw await client.blobError(res, `Download of ${file.path}`);
  if (res && have > 0 && res.statusCode === 206 && rangeStart(res.headers['content-range']) !== have) {
    // A range that does not continue the .part would splice bytes from elsewhere: start over from zero.
    res.destroy();
    fs.rmSync(part, { force: true });
    return fetchInto(client, file, part, progress);
  }
  // 200 is the whole file (the entity changed, or no range support): start over.
  const resumed = have > 0 && res?.statusCode !== 200;
  if (!resumed) have = 0;
  const hash = createHash('sha256');
  if (resumed) await hashPrefix(part, hash);
  progress.add(have);
  let received = 0;
  if (res) {
    const out = fs.createWriteStream(part, { flags: resumed ? 'a' : 'w' });
    try {
      for await (const chunk of res) {
        const buf = chunk as Buffer;
        hash.update(buf);
        received += buf.length;
        progress.add(buf.length);
        if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    } finally {
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
  }
  return verify(file, part, hash, { received, resumed: resumed && res !== null });
}

function verify(
  file: RemoteFile,
  part: string,
  hash: Hash,
  outcome: { received: number; resumed: boolean },
): { received: number; resumed: boolean } {
  const digest = `sha256:${hash.digest('hex')}`;
  const size = fs.statSync(part).size;
  if (digest !== file.digest || size !== file.sizeBytes) {
    fs.rmSync(part, { force: true });
    throw new CliError(
      `${file.path}: the downloaded bytes (${size} bytes, ${digest}) do not match ${file.digest}; removed them.`,
      EXIT.integrity,
      undefined,
      'Run the pull again; if it keeps failing, ask an operator to run `npm run blobs:verify` on the server.',
    );
  }
  return outcome;
}

/** The first byte of a `Content-Range: bytes FIRST-LAST/SIZE`; undefined when absent or malformed. */
export function rangeStart(header: string | undefined): number | undefined {
  const m = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(header?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

async function hashPrefix(part: string, hash: Hash): Promise<void> {
  for await (const chunk of fs.createReadStream(part, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
}

/** GET with the token, following a presigned redirect without it (it carries its own signature). */
async function get(
  client: RegistryClient,
  url: string,
  headers: Record<string, string>,
): Promise<http.IncomingMessage> {
  let authenticate = true;
  for (let hops = 0; ; hops++) {
    const { request, response } = client.blobRequest({ method: 'GET', url, headers, authenticate });
    request.end();
    const res = await response;
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.statusCode ?? 0) || !location || hops >= MAX_REDIRECTS) return res;
    res.resume();
    const next = new URL(location, new URL(url, client.settings.server));
    authenticate = authenticate && next.origin === new URL(client.settings.server).origin;
    url = next.href;
  }
}
