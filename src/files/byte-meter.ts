import { Transform, TransformCallback } from 'node:stream';

/** No byte moved through a blob request for BLOB_IDLE_TIMEOUT_MS. */
export class IdleTimeoutError extends Error {
  constructor(readonly idleMs: number) {
    super(`No byte moved for ${idleMs} ms (BLOB_IDLE_TIMEOUT_MS): the transfer was abandoned.`);
  }
}

/**
 * Passes a blob's bytes through, counting them, and fails with IdleTimeoutError when none has
 * passed for `idleMs`. Uploads and downloads may take hours (a 50 GiB file), so they have no total
 * deadline like a GraphQL body's (HTTP_REQUEST_TIMEOUT_MS): what stops a client that stalls, or
 * stops reading, is this. A download whose client stops reading stalls here too, once the socket's
 * buffers are full.
 */
export class ByteMeter extends Transform {
  bytes = 0;
  private timer: NodeJS.Timeout;

  /**
   * `lastChunk` runs before the chunk that brings the count to `lastChunk.total` is passed on (a
   * download's count: a client that has all the bytes has finished, whether or not the response
   * has ended, so the count must be in first).
   */
  constructor(
    private readonly idleMs: number,
    private readonly lastChunk?: { total: number; before: () => Promise<void> },
  ) {
    super();
    this.timer = setTimeout(() => this.idle(), idleMs);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.timer.refresh();
    if (this.lastChunk && this.bytes === this.lastChunk.total) {
      this.lastChunk.before().then(() => done(null, chunk), done);
    } else done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    clearTimeout(this.timer);
    done();
  }

  override _destroy(err: Error | null, done: (error: Error | null) => void): void {
    clearTimeout(this.timer);
    done(err);
  }

  private idle(): void {
    this.destroy(new IdleTimeoutError(this.idleMs));
  }
}
