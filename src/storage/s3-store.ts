import { randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { BlobStore, ByteRange, PutOptions, PutResult, StoredBlob } from './blob-store';
import { DigestingStream } from './digesting-stream';
import { checkDigest } from './verify';

// Multipart parts of 8 MiB, 4 in flight: at most 32 MiB of an upload is in memory at once.
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;
// CopyObject copies at most 5 GiB; larger blobs are copied in parts of 1 GiB (UploadPartCopy).
const MAX_SINGLE_COPY = 5 * 1024 ** 3;
const COPY_PART_BYTES = 1024 ** 3;

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix, without leading or trailing slash ('' for the bucket's root). */
  prefix: string;
}

const isNotFound = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};

/**
 * Blobs as objects in an S3-compatible bucket: `<prefix>/sha256/ab/cd/<hex>`. An upload goes to
 * `<prefix>/tmp/<uuid>` (multipart, hashed as it streams) and is copied to its final key only
 * once the digest verifies, then the temporary object is deleted; a failed upload deletes it (and
 * lib-storage aborts an unfinished multipart upload). A lifecycle rule that expires `tmp/` after a
 * day cleans up after a crash (docs/files.md).
 */
export class S3BlobStore implements BlobStore {
  readonly location: string;

  constructor(
    private readonly client: S3Client,
    private readonly opts: S3StoreOptions,
  ) {
    this.location = `s3://${opts.bucket}/${opts.prefix}`;
  }

  private key(...parts: string[]): string {
    return [this.opts.prefix, ...parts].filter(Boolean).join('/');
  }

  private keyOf(hex: string): string {
    return this.key('sha256', hex.slice(0, 2), hex.slice(2, 4), hex);
  }

  async stat(hex: string): Promise<StoredBlob | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({
          Bucket: this.opts.bucket,
          Key: this.keyOf(hex),
        }),
      );
      return {
        hex,
        sizeBytes: head.ContentLength ?? 0,
        storedAt: head.LastModified ?? new Date(0),
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async put(hex: string, body: Readable, opts: PutOptions): Promise<PutResult> {
    const digesting = new DigestingStream(opts.maxBytes);
    const existing = await this.stat(hex);
    if (existing) {
      await pipeline(body, digesting, new Writable({ write: (_chunk, _enc, done) => done() }));
      checkDigest(hex, digesting, opts);
      return { created: false, sizeBytes: existing.sizeBytes };
    }
    const tmp = this.key('tmp', randomUUID());
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.opts.bucket,
        Key: tmp,
        Body: digesting,
        ContentType: 'application/octet-stream',
      },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
    });
    try {
      await Promise.all([pipeline(body, digesting), upload.done()]);
      checkDigest(hex, digesting, opts);
      await this.copy(tmp, this.keyOf(hex), digesting.bytes);
      return { created: true, sizeBytes: digesting.bytes };
    } catch (err) {
      digesting.destroy();
      await upload.abort().catch(() => undefined);
      throw err;
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: tmp })).catch(() => undefined);
    }
  }

  private async copy(from: string, to: string, size: number): Promise<void> {
    const source = `${this.opts.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
    if (size <= MAX_SINGLE_COPY) {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.opts.bucket,
          Key: to,
          CopySource: source,
        }),
      );
      return;
    }
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.opts.bucket, Key: to }),
    );
    try {
      const parts = [];
      for (let start = 0, n = 1; start < size; start += COPY_PART_BYTES, n++) {
        const end = Math.min(start + COPY_PART_BYTES, size) - 1;
        const part = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: this.opts.bucket,
            Key: to,
            UploadId,
            PartNumber: n,
            CopySource: source,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        parts.push({ PartNumber: n, ETag: part.CopyPartResult?.ETag });
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.opts.bucket,
          Key: to,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (err) {
      await this.client
        .send(
          new AbortMultipartUploadCommand({
            Bucket: this.opts.bucket,
            Key: to,
            UploadId,
          }),
        )
        .catch(() => undefined);
      throw err;
    }
  }

  async open(hex: string, range?: ByteRange): Promise<Readable> {
    const res = await this.client.send(
      new GetObjectCommand({
        Bucket: this.opts.bucket,
        Key: this.keyOf(hex),
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }),
    );
    return res.Body as Readable;
  }

  async presignedUrl(hex: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.keyOf(hex) }), {
      expiresIn: expiresInSeconds,
    });
  }

  async delete(hex: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({
        Bucket: this.opts.bucket,
        Key: this.keyOf(hex),
      }),
    );
  }

  async *list(): AsyncIterable<StoredBlob> {
    for await (const o of this.objects(this.key('sha256') + '/')) {
      const hex = o.key.slice(o.key.lastIndexOf('/') + 1);
      yield { hex, sizeBytes: o.size, storedAt: o.modified };
    }
  }

  async temporaryFiles(): Promise<string[]> {
    const keys: string[] = [];
    for await (const o of this.objects(this.key('tmp') + '/')) keys.push(o.key);
    return keys;
  }

  private async *objects(prefix: string): AsyncIterable<{ key: string; size: number; modified: Date }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.opts.bucket,
          Prefix: prefix,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? [])
        yield {
          key: o.Key!,
          size: o.Size ?? 0,
          modified: o.LastModified ?? new Date(0),
        };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}
