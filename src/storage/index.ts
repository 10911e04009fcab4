import path from 'node:path';
import { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-store';

export * from './blob-store';
export * from './errors';
export { LocalBlobStore } from './local-store';

/** Where blobs live: STORAGE_URL, parsed by config.ts. */
export type StorageLocation = { kind: 'local'; dir: string } | S3Location;

/** An s3:// STORAGE_URL with the AWS_* variables that go with it (docs/files.md). */
export interface S3Location {
  kind: 's3';
  bucket: string;
  prefix: string;
  /** AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL: an S3-compatible service (MinIO, R2, …); AWS itself when null. */
  endpoint: string | null;
  region: string;
  /** AWS_S3_FORCE_PATH_STYLE: `endpoint/bucket/key` instead of `bucket.endpoint/key` (most S3-compatible servers). */
  forcePathStyle: boolean;
  /**
   * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN); null: the SDK's default
   * chain (roles, profiles).
   */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null;
}

/** The blob store a configuration names, ready to use. */
export async function openBlobStore(location: StorageLocation): Promise<BlobStore> {
  if (location.kind === 'local') {
    const store = new LocalBlobStore(path.resolve(location.dir));
    await store.init();
    return store;
  }
  // Loaded only when used: the AWS SDK adds tens of MB to a server that stores files locally.
  const { S3Client } = await import('@aws-sdk/client-s3');
  const { S3BlobStore } = await import('./s3-store');
  const client = new S3Client({
    region: location.region,
    endpoint: location.endpoint ?? undefined,
    forcePathStyle: location.forcePathStyle,
    credentials: location.credentials ?? undefined,
  });
  return new S3BlobStore(client, { bucket: location.bucket, prefix: location.prefix });
}
