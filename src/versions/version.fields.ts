import { toGlobalId } from '../common/global-id';
import { blobPath } from '../files/blob.routes';
import { isStoredArtifact } from '../files/artifact-input';
import { Context } from '../graphql/context';
import type { FieldResolvers } from '../graphql/federation';
import { userRef } from '../viewer/user.types';
import { versionName } from './version-ref';
import { VersionEntity } from './version.entity';
import { ArtifactFile, ModelArtifact } from './version.types';

/**
 * The fields of ModelVersion (declared in version.types.ts) as plain graphql-js resolvers. A model
 * page resolves them for 50 versions at once: type-graphql's field resolver wrapper copies the
 * parent into a new instance of the type's class on every call, and an async resolver makes
 * graphql-js wait on a promise per object. These read the row, synchronously where they can, so a
 * version of a cached page completes without a promise (profiled under `npm run bench:profile`).
 */

/** A version row; one from a cached model page also carries the alias names that point at it. */
export type VersionRow = VersionEntity & { aliasNames?: string[] };

/** ModelArtifact as resolved: its version rides along, for `files`. */
type ArtifactOf = Omit<ModelArtifact, 'files'> & { version: VersionEntity };

async function filesOf(v: VersionEntity, ctx: Context): Promise<ArtifactFile[]> {
  if (!isStoredArtifact(v.artifactUri)) return v.artifactFiles.map((f) => ({ ...f, downloadUrl: null }));
  const model = await ctx.loaders.model.load(v.modelId);
  const registry = await ctx.loaders.registry.load(model!.registryId);
  // The version's id in the URL counts the download for this version alone.
  const query = `?version=${toGlobalId('ModelVersion', v.id)}`;
  return v.artifactFiles.map((f) => ({
    ...f,
    downloadUrl: `${blobPath(registry!.name, f.digest!)}${query}`,
  }));
}

export const versionFields: FieldResolvers = {
  ModelVersion: {
    id: (v: VersionRow) => toGlobalId('ModelVersion', v.id),
    name: (v: VersionRow) => versionName(v),
    fullName: async (v: VersionRow, _args: unknown, ctx: Context) => {
      const model = await ctx.loaders.model.load(v.modelId);
      const registry = await ctx.loaders.registry.load(model!.registryId);
      return `${registry!.name}/${model!.name}:${versionName(v)}`;
    },
    model: (v: VersionRow, _args: unknown, ctx: Context) => ctx.loaders.model.load(v.modelId),
    artifact: (v: VersionRow): ArtifactOf => ({
      uri: v.artifactUri,
      digest: v.artifactDigest,
      sizeBytes: v.artifactSizeBytes,
      version: v,
    }),
    files: (v: VersionRow, _args: unknown, ctx: Context) => filesOf(v, ctx),
    aliases: (v: VersionRow, _args: unknown, ctx: Context) =>
      v.aliasNames ?? ctx.loaders.aliasNamesOfVersion.load(v.id),
    // Moves on every download, outside the change seam: read per request, never from a cached row.
    downloadCount: (v: VersionRow, _args: unknown, ctx: Context) => ctx.loaders.downloadCount.load(v.id),
    archived: (v: VersionRow) => v.archivedAt !== null,
    createdBy: (v: VersionRow) => userRef(v.createdBy),
  },
  ModelArtifact: {
    files: (a: ArtifactOf, _args: unknown, ctx: Context) => filesOf(a.version, ctx),
  },
};
