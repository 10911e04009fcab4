import { BadInputError } from '../common/errors';
import * as validate from '../common/validate';
import { ManifestEntry, manifestDigest, manifestOf } from './manifest';

export interface ArtifactParams {
  uri?: string | null;
  digest?: string | null;
  sizeBytes?: number | null;
  files?: { path: string; digest?: string | null; sizeBytes?: number | null }[] | null;
}

export interface ArtifactColumns {
  artifactUri: string;
  artifactDigest: string;
  artifactSizeBytes: number;
  artifactFiles: {
    path: string;
    digest: string | null;
    sizeBytes: number | null;
  }[];
}

/** The scheme of the URI a version gets when the registry holds its files. */
const STORED = 'registry:';

export const isStoredArtifact = (uri: string) => uri.startsWith(`${STORED}//`);

/**
 * A linked artifact, validated, in its two forms:
 * - with `uri`: files stored elsewhere, described as before (digest and size required, files optional);
 * - without: files the registry holds. Each file needs digest and size; the artifact's digest is
 *   the sha256 of the canonical manifest and its size the sum (a digest or size sent along must
 *   equal them), and its URI `registry://<registry>/<model>@<digest>`.
 * `files` is non-null in the second form, for the checks and rows that need the manifest.
 */
export function artifactColumns(
  registry: string,
  model: string,
  input: ArtifactParams,
): { columns: ArtifactColumns; files: ManifestEntry[] | null } {
  if (input.uri == null) {
    const files = manifestOf(input.files ?? []);
    const digest = manifestDigest(files);
    const sizeBytes = files.reduce((sum, f) => sum + f.sizeBytes, 0);
    if (input.digest != null && input.digest !== digest) {
      throw new BadInputError(
        `artifact.digest ${input.digest} is not the digest of the files' canonical manifest (${digest}); ` +
          'leave it out to have it computed.',
        'artifact.digest',
      );
    }
    if (input.sizeBytes != null && input.sizeBytes !== sizeBytes)
      throw new BadInputError(
        `artifact.sizeBytes ${input.sizeBytes} is not the files' total (${sizeBytes}).`,
        'artifact.sizeBytes',
      );
    return {
      columns: {
        artifactUri: `${STORED}//${registry}/${model}@${digest}`,
        artifactDigest: digest,
        artifactSizeBytes: sizeBytes,
        artifactFiles: files,
      },
      files,
    };
  }
  const uri = validate.uri(input.uri);
  if (uri.toLowerCase().startsWith(STORED))
    throw new BadInputError(
      'registry:// URIs are given by the server to versions whose files it holds; link those with `files` and no uri.',
      'artifact.uri',
    );
  if (input.digest == null)
    throw new BadInputError('artifact.digest is required with artifact.uri.', 'artifact.digest');
  if (input.sizeBytes == null)
    throw new BadInputError('artifact.sizeBytes is required with artifact.uri.', 'artifact.sizeBytes');
  return {
    columns: {
      artifactUri: uri,
      artifactDigest: validate.digest(input.digest),
      artifactSizeBytes: validate.sizeBytes(input.sizeBytes),
      artifactFiles: validate.artifactFiles(input.files ?? []),
    },
    files: null,
  };
}
