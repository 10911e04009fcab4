import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { BlobTooLargeError } from './errors';

/**
 * Passes bytes through while hashing and counting them, and fails the stream (so the pipeline
 * stops reading) the moment more than `maxBytes` have arrived.
 */
export class DigestingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(new BlobTooLargeError(this.maxBytes));
    this.hash.update(chunk);
    done(null, chunk);
  }

  /** The sha256 in hex; call once, after the stream has finished. */
  hex(): string {
    return this.hash.digest('hex');
  }
}
