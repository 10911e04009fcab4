import { LessThan } from 'typeorm';
import { Logger } from '../common/logger';
import { Database } from '../db/database';
import { BlobStore } from '../storage';
import { BlobUploadEntity } from './blob-upload.entity';
import { VersionBlobEntity } from './version-blob.entity';

const COLLECT_EVERY_MS = 3600_000;
const HOUR_MS = 3600_000;

/** Thrown inside the collector's transaction to keep a blob after all (its rows roll back). */
class StillWanted extends Error {}

/**
 * Removes blobs uploaded but never linked, BLOB_ORPHAN_TTL_HOURS after their last upload (at
 * start, then hourly, like the webhook delivery retention), and the temporary files of crashed
 * uploads with them. A blob that any version links, archived versions included, is never removed.
 *
 * Racing a link: the collector first deletes the blob's stale upload rows and checks, in the same
 * transaction, that no version links it; a link locks the upload rows it relies on (FOR UPDATE,
 * see BlobService.requireLinkable). So either the link commits first and the collector sees its
 * version and keeps the blob, or the collector commits first and the link finds the file missing.
 */
export class OrphanCollector {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopping = false;

  constructor(
    private readonly db: Database,
    private readonly store: BlobStore,
    private readonly ttlHours: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.schedule(), COLLECT_EVERY_MS);
    this.timer.unref();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopping || this.running) return;
    this.running = this.collect()
      .then(
        (deleted) =>
          deleted > 0 &&
          this.logger.info('orphaned blobs removed', {
            deleted,
            ttlHours: this.ttlHours,
          }),
      )
      .catch((err) =>
        this.logger.error('removing orphaned blobs failed', {
          error: (err as Error).message,
        }),
      )
      .finally(() => (this.running = null));
  }

  /** One pass over the store; returns how many blobs it removed. Crashed uploads' temporary files go too. */
  async collect(now = new Date()): Promise<number> {
    const swept = (await this.store.sweepTemporary?.()) ?? 0;
    if (swept > 0) this.logger.info('temporary files of crashed uploads removed', { removed: swept });
    const cutoff = new Date(now.getTime() - this.ttlHours * HOUR_MS);
    let deleted = 0;
    for await (const blob of this.store.list()) {
      if (this.stopping) break;
      // Stored recently: its upload row may not be written yet.
      if (blob.storedAt > cutoff) continue;
      if (await this.release(`sha256:${blob.hex}`, cutoff)) {
        await this.store.delete(blob.hex);
        deleted++;
      }
    }
    return deleted;
  }

  /** Deletes the blob's stale upload rows if nothing wants it any more; false when something does. */
  private async release(digest: string, cutoff: Date): Promise<boolean> {
    try {
      await this.db.transaction(async (em) => {
        await em.delete(BlobUploadEntity, {
          digest,
          createdAt: LessThan(cutoff),
        });
        const wanted =
          (await em.exists(VersionBlobEntity, { where: { digest } })) ||
          (await em.exists(BlobUploadEntity, { where: { digest } }));
        if (wanted) throw new StillWanted();
      });
      return true;
    } catch (err) {
      if (err instanceof StillWanted) return false;
      throw err;
    }
  }
}
