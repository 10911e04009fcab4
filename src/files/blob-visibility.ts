import { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ModelEntity } from '../models/model.entity';
import { VersionEntity } from '../versions/version.entity';
import { BlobUploadEntity } from './blob-upload.entity';
import { VersionBlobEntity } from './version-blob.entity';

// Digests per IN list: far below every database's parameter limit.
const BATCH = 500;

/**
 * Which of `digests` `subject` may read through a registry: those a version of the registry
 * links (archived versions included), and those the subject uploaded into it. A blob stored for
 * another registry is not among them, so knowing a digest never gives access to its bytes.
 */
export async function visibleDigests(
  em: EntityManager,
  registryId: string,
  subject: string,
  digests: string[],
  /** Locks the upload rows read (a link does, so the orphan collector cannot remove them meanwhile). */
  lock: <Q extends SelectQueryBuilder<ObjectLiteral>>(qb: Q) => Q = (qb) => qb,
): Promise<Set<string>> {
  const visible = new Set<string>();
  const unique = [...new Set(digests)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const batch = unique.slice(i, i + BATCH);
    const uploaded = await lock(
      em
        .createQueryBuilder(BlobUploadEntity, 'u')
        .select('u.digest', 'digest')
        .where('u.registryId = :registryId AND u.uploadedBy = :subject AND u.digest IN (:...batch)', {
          registryId,
          subject,
          batch,
        }),
    ).getRawMany<{ digest: string }>();
    uploaded.forEach((r) => visible.add(r.digest));
    const rest = batch.filter((d) => !visible.has(d));
    if (rest.length === 0) continue;
    const linked = await em
      .createQueryBuilder(VersionBlobEntity, 'vb')
      .select('DISTINCT vb.digest', 'digest')
      .innerJoin(VersionEntity, 'v', 'v.id = vb.versionId')
      .innerJoin(ModelEntity, 'm', 'm.id = v.modelId')
      .where('m.registryId = :registryId AND vb.digest IN (:...rest)', {
        registryId,
        rest,
      })
      .getRawMany<{ digest: string }>();
    linked.forEach((r) => visible.add(r.digest));
  }
  return visible;
}

export async function blobVisibleIn(
  em: EntityManager,
  registryId: string,
  digest: string,
  subject: string,
): Promise<boolean> {
  return (await visibleDigests(em, registryId, subject, [digest])).has(digest);
}
