import { EntityManager } from 'typeorm';

/**
 * Counts one download of a blob for the version it was fetched for (the `version` id in its
 * downloadUrl), if that version is in the registry and links the blob; without one, for every
 * version of the registry that links it. One UPDATE, no row per download: this answers "is
 * anyone still pulling v3?", not who.
 */
export async function countDownload(
  em: EntityManager,
  registryId: string,
  digest: string,
  versionId: string | null,
): Promise<void> {
  // Subqueries on other tables only: MySQL refuses an UPDATE whose subquery reads its own table.
  const linking =
    'id IN (SELECT vb.version_id FROM version_blob vb WHERE vb.digest = ?) ' +
    'AND model_id IN (SELECT m.id FROM registered_model m WHERE m.registry_id = ?)';
  if (versionId) {
    await em.query(`UPDATE model_version SET download_count = download_count + 1 WHERE id = ? AND ${linking}`, [
      versionId,
      digest,
      registryId,
    ]);
  } else {
    await em.query(`UPDATE model_version SET download_count = download_count + 1 WHERE ${linking}`, [
      digest,
      registryId,
    ]);
  }
}
