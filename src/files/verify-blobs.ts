import { createHash } from 'node:crypto';
import { BlobStore, StoredBlob } from '../storage';

export interface VerifyProgress {
  checked: number;
  total: number;
  bytes: number;
  totalBytes: number;
}

export interface Mismatch {
  digest: string;
  /** The sha256 of the bytes actually stored, or null when the blob could not be read. */
  actual: string | null;
  error?: string;
}

/**
 * Re-hashes every stored blob and reports those whose bytes no longer match their name (disk
 * corruption, someone editing the store by hand). Streams each blob: memory stays flat.
 */
export async function verifyBlobs(
  store: BlobStore,
  onProgress: (p: VerifyProgress) => void = () => undefined,
): Promise<{ checked: number; mismatches: Mismatch[] }> {
  // Listed first, so progress can say how far along it is.
  const blobs: StoredBlob[] = [];
  for await (const b of store.list()) blobs.push(b);
  const progress: VerifyProgress = {
    checked: 0,
    total: blobs.length,
    bytes: 0,
    totalBytes: blobs.reduce((n, b) => n + b.sizeBytes, 0),
  };
  const mismatches: Mismatch[] = [];
  for (const blob of blobs) {
    try {
      const hash = createHash('sha256');
      for await (const chunk of await store.open(blob.hex)) {
        hash.update(chunk as Buffer);
        progress.bytes += (chunk as Buffer).length;
      }
      const actual = hash.digest('hex');
      if (actual !== blob.hex)
        mismatches.push({
          digest: `sha256:${blob.hex}`,
          actual: `sha256:${actual}`,
        });
    } catch (err) {
      mismatches.push({
        digest: `sha256:${blob.hex}`,
        actual: null,
        error: (err as Error).message,
      });
    }
    progress.checked++;
    onProgress(progress);
  }
  return { checked: progress.checked, mismatches };
}
