import { EntityManager } from 'typeorm';
import { VersionEntity } from './version.entity';

/**
 * What deleting a version releases. A version references content by digest: its artifact's, and
 * each file's of its manifest. After its row is gone, a digest that no remaining version
 * references is released, and reported in the deletion's payload. This is the one place that
 * decides it. Stored files follow by themselves: the version's version_blob rows go with it, and
 * the orphan collector removes a blob once no version links it.
 */

/** The distinct content digests a version references. */
export function digestsOf(v: VersionEntity): string[] {
  const files = v.artifactFiles.map((f) => f.digest).filter((d): d is string => d !== null);
  return [...new Set([v.artifactDigest, ...files])];
}

/**
 * Of `digests`, those no version references any more, inside the deleting transaction (after the
 * row is deleted). Artifact digests are indexed (ix_version_digest); file manifests are JSON, so
 * a digest is looked for in their text: a scan, paid only on deletion, which is rare and for
 * admins. When manifests get a table of their own, its digest index replaces the scan here.
 */
export async function unreferencedDigests(em: EntityManager, digests: string[]): Promise<string[]> {
  const released: string[] = [];
  for (const digest of digests) {
    const byArtifact = await em
      .getRepository(VersionEntity)
      .createQueryBuilder('v')
      .where('v.artifactDigest = :digest', { digest })
      .getExists();
    if (byArtifact) continue;
    // Digests are `sha256:<hex>`: nothing in them needs escaping for LIKE.
    const byFile = await em
      .getRepository(VersionEntity)
      .createQueryBuilder('v')
      .where('v.artifactFiles LIKE :pattern', { pattern: `%"${digest}"%` })
      .getExists();
    if (!byFile) released.push(digest);
  }
  return released;
}
