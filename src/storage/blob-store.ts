import { Readable } from 'node:stream';

/** 64 lower-case hex digits: a sha256, the name of every blob. */
export const BLOB_HEX = /^[0-9a-f]{64}$/;

/** A byte range of a blob, both ends included (as in HTTP's `Range: bytes=start-end`). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface StoredBlob {
  hex: string;
  sizeBytes: number;
  /** When the blob was stored; the orphan collector spares recent ones. */
  storedAt: Date;
}

export interface PutOptions {
  /** Refuse (BlobTooLargeError) as soon as more bytes than this arrive. */
  maxBytes: number;
  /** The length the client declared, if any: a body of another length is refused (BlobLengthError). */
  expectedBytes?: number;
}

export interface PutResult {
  /** False when the blob was already stored: the body was hashed to check it, never written. */
  created: boolean;
  sizeBytes: number;
}

/**
 * Content-addressed blob storage: a blob is named by the sha256 of its bytes, so it is written
 * once and never changes. Backends (local filesystem, S3) make a blob visible only after its
 * digest has been verified, so a crash or a bad upload never leaves a partial blob behind.
 */
export interface BlobStore {
  /** What the configuration names, for logs: `file:///…` or `s3://bucket/prefix`. */
  readonly location: string;
  /** The blob's size and time, or null when it is not stored. */
  stat(hex: string): Promise<StoredBlob | null>;
  /**
   * Streams `body` into the store while hashing it, and keeps it only when its sha256 is `hex`
   * (else DigestMismatchError). Never holds the whole body in memory.
   */
  put(hex: string, body: Readable, opts: PutOptions): Promise<PutResult>;
  /** The blob's bytes (or a range of them). The caller has checked that it exists. */
  open(hex: string, range?: ByteRange): Promise<Readable>;
  /** A short-lived URL a client may fetch the blob from directly, or null if the backend has none. */
  presignedUrl?(hex: string, expiresInSeconds: number): Promise<string | null>;
  delete(hex: string): Promise<void>;
  /** Every stored blob, in no particular order. */
  list(): AsyncIterable<StoredBlob>;
  /** Temporary files or objects of uploads in progress (a failed upload leaves none). */
  temporaryFiles(): Promise<string[]>;
  /**
   * Removes temporary files a crashed upload left, older than any upload in progress; returns how
   * many. Backends that cannot tell (S3: a bucket lifecycle rule does it) have none.
   */
  sweepTemporary?(): Promise<number>;
}
