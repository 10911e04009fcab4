import { Readable } from 'node:stream';
import { EntityManager } from 'typeorm';
import { Authorizer } from '../access/authorizer';
import { Caller, Principal } from '../access/principal';
import { ChangeLog } from '../changes';
import { BadInputError, NotFoundError } from '../common/errors';
import { uuidv7 } from '../common/uuid';
import { Database, isUniqueViolation } from '../db/database';
import { RegistryEntity } from '../registry/registry.entity';
import { RegistryService } from '../registry/registry.service';
import { BLOB_HEX, BlobStore, BlobTooLargeError, PutResult, StoredBlob } from '../storage';
import { BlobUploadEntity } from './blob-upload.entity';
import { expectGlobalId } from '../common/global-id';
import { blobVisibleIn, visibleDigests } from './blob-visibility';
import { countDownload } from './download-count';
import { ManifestEntry } from './manifest';
import { VersionBlobEntity } from './version-blob.entity';

// Stats in flight at once when a version links files (HEAD requests on S3).
const STAT_CONCURRENCY = 16;

export interface BlobServiceOptions {
  maxBlobBytes: number;
}

/** `sha256:<hex>` → `<hex>`, or BAD_USER_INPUT. */
export function blobHex(digest: string): string {
  const hex = digest.startsWith('sha256:') ? digest.slice('sha256:'.length) : '';
  if (!BLOB_HEX.test(hex))
    throw new BadInputError(
      `Digest "${digest}" is invalid: expected "sha256:" followed by 64 lower-case hex digits.`,
      'digest',
    );
  return hex;
}

/**
 * The rules of the byte endpoints (docs/files.md): who may store a blob in a registry, and who
 * may read one. A blob is stored once for the whole server, but it is reachable only through a
 * registry that links it (or through its uploader's own pending upload), so access to bytes is
 * always a registry's access.
 */
export class BlobService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly registries: RegistryService,
    readonly store: BlobStore,
    private readonly opts: BlobServiceOptions,
    private readonly changes: ChangeLog,
  ) {}

  /**
   * Streams `body` into the store (MEMBER or above) and records the caller's upload. `created` says
   * whether the blob is new *to this caller in this registry* (neither linked here nor their upload
   * here), not to the server: a blob another registry stores must not show (docs/files.md).
   * `allowed` is called once the upload may proceed, before the body is read.
   */
  async upload(
    caller: Caller,
    registryName: string,
    hex: string,
    body: Readable,
    declaredBytes: number | undefined,
    allowed?: () => void,
  ): Promise<PutResult> {
    const registry = await this.registries.get(caller.principal, registryName);
    await this.authz.require(caller.principal, 'model:write', registry);
    if (declaredBytes !== undefined && declaredBytes > this.opts.maxBlobBytes)
      throw new BlobTooLargeError(this.opts.maxBlobBytes);
    const digest = `sha256:${hex}`;
    const seenHere = await blobVisibleIn(this.db.manager, registry.id, digest, caller.principal.subject);
    allowed?.();
    const result = await this.store.put(hex, body, { maxBytes: this.opts.maxBlobBytes, expectedBytes: declaredBytes });
    await this.recordUpload(caller, registry, digest, result);
    // A blob the store had to write was nowhere, so saying so reveals nothing.
    return { sizeBytes: result.sizeBytes, created: result.created || !seenHere };
  }

  /**
   * The blob, if the principal may read it through this registry: read access, and a version of
   * the registry that links it or their own upload into it. Anything else is NOT_FOUND, the same
   * answer as a blob that does not exist, so that nobody learns what they may not read.
   */
  async locate(
    principal: Principal,
    registryName: string,
    hex: string,
  ): Promise<{ registry: RegistryEntity; blob: StoredBlob }> {
    const registry = await this.registries.get(principal, registryName);
    await this.authz.require(principal, 'blob:read', registry);
    const digest = `sha256:${hex}`;
    const missing = () => new NotFoundError(`Blob "${digest}" was not found in registry "${registry.name}".`);
    if (!(await blobVisibleIn(this.db.manager, registry.id, digest, principal.subject))) throw missing();
    const blob = await this.store.stat(hex);
    if (!blob) throw missing();
    return { registry, blob };
  }

  /**
   * Before a version links files: each blob must be stored, with the size the manifest says, and
   * readable by the caller through this registry (their upload, or another version's file).
   * Otherwise BAD_USER_INPUT naming the paths, before anything is written.
   */
  async requireLinkable(
    em: EntityManager,
    principal: Principal,
    registry: RegistryEntity,
    files: ManifestEntry[],
  ): Promise<void> {
    const visible = await visibleDigests(
      em,
      registry.id,
      principal.subject,
      files.map((f) => f.digest),
      (qb) => this.db.forUpdate(qb),
    );
    const stored = await this.statAll([...visible]);
    const missing: string[] = [];
    const wrongSize: string[] = [];
    for (const f of files) {
      const blob = stored.get(f.digest) ?? null;
      if (!blob) missing.push(f.path);
      else if (blob.sizeBytes !== f.sizeBytes) wrongSize.push(`${f.path} (stored: ${blob.sizeBytes} bytes)`);
    }
    if (missing.length) {
      throw new BadInputError(
        `Not uploaded to registry "${registry.name}": ${listed(missing)}. ` +
          `PUT each file to /v1/registries/${registry.name}/blobs/<digest> first.`,
        'artifact.files',
      );
    }
    if (wrongSize.length)
      throw new BadInputError(`sizeBytes does not match the stored blob for ${listed(wrongSize)}.`, 'artifact.files');
  }

  /**
   * Each distinct digest's stored blob, STAT_CONCURRENCY at a time: on S3 a stat is a HEAD request,
   * and a version of thousands of files would otherwise hold its transaction for thousands of round trips.
   */
  private async statAll(digests: string[]): Promise<Map<string, StoredBlob | null>> {
    const found = new Map<string, StoredBlob | null>();
    let next = 0;
    const worker = async () => {
      while (next < digests.length) {
        const digest = digests[next++];
        found.set(digest, await this.store.stat(blobHex(digest)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, digests.length) }, worker));
    return found;
  }

  /** Records which blobs a new version's files use, inside the linking transaction. */
  async linkToVersion(em: EntityManager, versionId: string, files: ManifestEntry[]): Promise<void> {
    const digests = [...new Set(files.map((f) => f.digest))];
    for (let i = 0; i < digests.length; i += 500) {
      await em.insert(
        VersionBlobEntity,
        digests.slice(i, i + 500).map((digest) => ({ versionId, digest })),
      );
    }
  }

  /**
   * Forgets which blobs a deleted version used, inside the deleting transaction. The blobs stay in
   * the store until the orphan collector finds that no version links them and no upload is pending.
   */
  async unlinkVersion(em: EntityManager, versionId: string): Promise<void> {
    await em.delete(VersionBlobEntity, { versionId });
  }

  /**
   * Counts a download (see countDownload); a malformed version id counts for no version rather
   * than failing the download.
   */
  async countDownload(registry: RegistryEntity, hex: string, versionGlobalId: string | null): Promise<void> {
    let versionId: string | null = null;
    if (versionGlobalId) {
      try {
        versionId = expectGlobalId(versionGlobalId, 'ModelVersion', 'version');
      } catch {
        return;
      }
    }
    await this.db.exclusive((em) => countDownload(em, registry.id, `sha256:${hex}`, versionId));
  }

  /**
   * One row per (registry, blob, uploader); uploading again refreshes its time (the orphan TTL
   * restarts). The first upload of a blob into a registry by a caller is a change (`blob.uploaded`,
   * audited through the seam in the same transaction); a repeat stores nothing new and is not.
   */
  private async recordUpload(caller: Caller, registry: RegistryEntity, digest: string, put: PutResult): Promise<void> {
    const uploadedBy = caller.principal.subject;
    const now = new Date();
    await this.db.transaction(async (em) => {
      const updated = await em.update(
        BlobUploadEntity,
        { registryId: registry.id, digest, uploadedBy },
        { createdAt: now },
      );
      if (updated.affected) return;
      const id = uuidv7();
      try {
        await em.insert(BlobUploadEntity, { id, registryId: registry.id, digest, uploadedBy, createdAt: now });
      } catch (err) {
        // A concurrent upload of the same blob by the same caller inserted it first: that row (and its audit) will do.
        if (!isUniqueViolation(err)) throw err;
        return;
      }
      const after = { digest, sizeBytes: put.sizeBytes };
      await this.changes.record(em, caller, { type: 'blob.uploaded', registry, targetId: id, after }, now);
    });
  }
}

/** The first paths of a list, for an error message that stays readable. */
function listed(paths: string[]): string {
  const shown = paths
    .slice(0, 20)
    .map((p) => `"${p}"`)
    .join(', ');
  return paths.length > 20 ? `${shown} and ${paths.length - 20} more` : shown;
}
