import path from 'node:path';
import { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-store';

export * from './blob-store';
export * from './errors';
export { LocalBlobStore } from './local-store';

/** Where blobs live: STORAGE_URL, parsed by config.ts. */
export type StorageLocation = { kind: 'local'; dir: string } | { kind: 's3'; bucket: string; prefix: string };

/** The blob store a configuration names, ready to use. */
export async function openBlobStore(location: StorageLocation): Promise<BlobStore> {
  if (location.kind === 'local') {
    const store = new LocalBlobStore(path.resolve(location.dir));
    await store.init();
    return store;
  }
  throw new Error('S3 storage is not available in this build.');
}
