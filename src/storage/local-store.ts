import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../common/private-files';
import { BlobStore, ByteRange, PutOptions, PutResult, StoredBlob } from './blob-store';
import { DigestingStream } from './digesting-stream';
import { checkDigest } from './verify';

// Reads in 256 KiB pieces: the default 64 KiB costs a gigabyte 16 000 reads, while larger pieces
// leave more garbage between collections (the server's RSS grows with it).
const READ_CHUNK = 256 * 1024;
// A temporary file untouched this long belongs to no upload in progress (a crash left it): swept.
const STALE_TEMP_MS = 24 * 3600_000;

/**
 * Blobs as files under `root`: `sha256/ab/cd/<hex>` (two levels of 256 directories, so no
 * directory grows past what a filesystem lists quickly). An upload is written to `tmp/` (on the
 * same filesystem, so the final rename is atomic), hashed as it arrives, fsynced, and renamed into
 * place only once its digest verifies: a reader never sees a partial blob, and a crash leaves at
 * worst a temporary file, removed at the next start.
 */
export class LocalBlobStore implements BlobStore {
  readonly location: string;
  private readonly blobsDir: string;
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.location = pathToFileURL(root).href;
    this.blobsDir = path.join(root, 'sha256');
    this.tmpDir = path.join(root, 'tmp');
  }

  /**
   * Removes temporary files that crashed uploads left behind. Directories are made on the first
   * upload, so a server that never stores a file leaves no trace in DATA_DIR.
   */
  async init(): Promise<void> {
    await this.sweepTemporary();
  }

  /**
   * At start and with each hourly orphan collection (a server that runs for months crashes no
   * upload of its own, but a previous process may have). An upload in progress writes its file
   * continuously, so one untouched for a day is no upload's.
   */
  async sweepTemporary(): Promise<number> {
    let removed = 0;
    for (const name of await readdirOrEmpty(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs > STALE_TEMP_MS) {
        await fs.promises.rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  private fileOf(hex: string): string {
    return path.join(this.blobsDir, hex.slice(0, 2), hex.slice(2, 4), hex);
  }

  async stat(hex: string): Promise<StoredBlob | null> {
    try {
      const s = await fs.promises.stat(this.fileOf(hex));
      return { hex, sizeBytes: s.size, storedAt: s.mtime };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async put(hex: string, body: Readable, opts: PutOptions): Promise<PutResult> {
    const digesting = new DigestingStream(opts.maxBytes);
    const existing = await this.stat(hex);
    if (existing) {
      // Already stored: the body is still hashed, so only someone holding the bytes learns that
      // they are here, and it is never rewritten.
      await pipeline(body, digesting, new Writable({ write: (_chunk, _enc, done) => done() }));
      checkDigest(hex, digesting, opts);
      return { created: false, sizeBytes: existing.sizeBytes };
    }
    await makePrivateDir(this.tmpDir);
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    try {
      await pipeline(body, digesting, fs.createWriteStream(tmp, { flags: 'wx', mode: PRIVATE_FILE_MODE }));
      checkDigest(hex, digesting, opts);
      await syncFile(tmp);
      const final = this.fileOf(hex);
      await makePrivateDir(path.dirname(final));
      // Two uploads of the same blob may race here: rename replaces atomically, and both hold the same bytes.
      await fs.promises.rename(tmp, final);
      await syncFile(path.dirname(final));
      return { created: true, sizeBytes: digesting.bytes };
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  }

  async open(hex: string, range?: ByteRange): Promise<Readable> {
    const stream = fs.createReadStream(this.fileOf(hex), {
      highWaterMark: READ_CHUNK,
      start: range?.start,
      end: range?.end,
    });
    // Fail here (not mid-response) when the blob vanished between the check and the read.
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    return stream;
  }

  async delete(hex: string): Promise<void> {
    await fs.promises.rm(this.fileOf(hex), { force: true });
  }

  async *list(): AsyncIterable<StoredBlob> {
    for (const a of await readdirOrEmpty(this.blobsDir)) {
      for (const b of await readdirOrEmpty(path.join(this.blobsDir, a))) {
        for (const hex of await readdirOrEmpty(path.join(this.blobsDir, a, b))) {
          const blob = await this.stat(hex);
          if (blob) yield blob;
        }
      }
    }
  }

  /** Temporary files of uploads in progress (tests check that failed uploads leave none). */
  async temporaryFiles(): Promise<string[]> {
    return readdirOrEmpty(this.tmpDir);
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  return fs.promises.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
}

/** fsync a file or directory: the file's bytes, or the directory entry a rename made, reach the disk. */
async function syncFile(file: string): Promise<void> {
  const fh = await fs.promises.open(file, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
