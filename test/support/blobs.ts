import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';

const CHUNK = 1024 * 1024;

/**
 * `size` deterministic bytes for `seed`, made 1 MiB at a time: large files are streamed, never
 * held in memory. Each chunk differs (its index is written into it), so a misplaced chunk changes the digest.
 */
export function generatedBytes(size: number, seed: string): Readable {
  const base = Buffer.alloc(CHUNK);
  for (let i = 0; i < CHUNK; i += 32) createHash('sha256').update(`${seed}:${i}`).digest().copy(base, i);
  let sent = 0;
  let index = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const n = Math.min(CHUNK, size - sent);
      const chunk = Buffer.from(base.subarray(0, n));
      if (n >= 4) chunk.writeUInt32BE(index >>> 0, 0);
      index++;
      sent += n;
      this.push(chunk);
    },
  });
}

/** sha256 and length of a stream, as `sha256:<hex>`. */
export async function digestOfStream(stream: Readable): Promise<{ digest: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, sizeBytes };
}

export const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export interface BlobResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, parsed when JSON. */
  json?: any;
  /** The body's digest and length (the body itself is never kept: it may be hundreds of MB). */
  received: { digest: string; sizeBytes: number };
  /** The body, when it is at most 1 MiB. */
  body?: Buffer;
}

/** One request to the byte endpoints over real HTTP; `body` is streamed. */
export function blobRequest(
  base: string,
  method: string,
  urlPath: string,
  opts: {
    token?: string | null;
    headers?: Record<string, string | number>;
    body?: Readable | Buffer;
  } = {},
): Promise<BlobResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      ...(opts.headers ?? {}),
    };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (Buffer.isBuffer(opts.body) && headers['content-length'] === undefined)
      headers['content-length'] = opts.body.length;
    const req = http.request(new URL(urlPath, base), { method, headers }, (res) => {
      const hash = createHash('sha256');
      const kept: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
        if (size <= CHUNK) kept.push(chunk);
      });
      res.on('end', () => {
        const body = size <= CHUNK ? Buffer.concat(kept) : undefined;
        const isJson = String(res.headers['content-type'] ?? '').startsWith('application/json');
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          json: isJson && body && body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined,
          received: {
            digest: `sha256:${hash.digest('hex')}`,
            sizeBytes: size,
          },
          body,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body === undefined) req.end();
    else if (Buffer.isBuffer(opts.body)) req.end(opts.body);
    else opts.body.pipe(req);
  });
}

/** Files under a local blob store's root (`<DATA_DIR>/blobs`): stored blobs and temporary files. */
export function storedFiles(dataDir: string): {
  blobs: string[];
  temporary: string[];
} {
  const root = path.join(dataDir, 'blobs');
  const walk = (dir: string): string[] =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir, { withFileTypes: true })
          .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [e.name]))
      : [];
  return {
    blobs: walk(path.join(root, 'sha256')),
    temporary: walk(path.join(root, 'tmp')),
  };
}
