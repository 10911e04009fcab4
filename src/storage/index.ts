import path from 'node:path';
import type { StorageLocation } from '../config';
import { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-store';

export * from './blob-store';
export * from './errors';
export { LocalBlobStore } from './local-store';

export type { S3Location, StorageLocation } from '../config';

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
  return new S3BlobStore(client, {
    bucket: location.bucket,
    prefix: location.prefix,
  });
}
