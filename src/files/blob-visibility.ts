import { EntityManager } from 'typeorm';
import { BlobUploadEntity } from './blob-upload.entity';

/**
 * Whether a blob may be read through a registry by `subject`: the subject uploaded it into that
 * registry. (Once versions link files, a version of the registry that links it also counts.)
 */
export async function blobVisibleIn(em: EntityManager, registryId: string, digest: string, subject: string): Promise<boolean> {
  return em.exists(BlobUploadEntity, { where: { registryId, digest, uploadedBy: subject } });
}
