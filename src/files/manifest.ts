import { createHash } from 'node:crypto';
import { BadInputError } from '../common/errors';
import * as validate from '../common/validate';
import { pathClashes, windowsProblem } from './path-clashes';

/** One file of a version whose files the registry holds. */
export interface ManifestEntry {
  path: string;
  digest: string;
  sizeBytes: number;
}

export const MAX_FILES = 10_000;
const FIELD = 'artifact.files';
// Control characters and backslashes make paths that mean different things on different systems.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

/**
 * A path inside the artifact, the same on every system: relative, `/`-separated, no empty, `.`
 * or `..` segment (so it can never name a file outside the directory it is downloaded into).
 */
export function filePath(value: string): string {
  const segments = value.split('/');
  if (
    !value ||
    value.length > 1024 ||
    UNSAFE.test(value) ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new BadInputError(
      `File path ${JSON.stringify(value)} is invalid: a relative path of "/"-separated names, ` +
        'without "", "." or ".." segments, backslashes or control characters, at most 1024 characters.',
      FIELD,
    );
  }
  const problem = windowsProblem(value);
  if (problem) throw new BadInputError(`File path ${JSON.stringify(value)} is invalid: ${problem}.`, FIELD);
  return value;
}

/** Byte order of the UTF-8 encodings, so that every language sorts a manifest the same way. */
const byPath = (a: ManifestEntry, b: ManifestEntry) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));

/** Validates a version's files (every one with digest and size, no path twice) and sorts them canonically. */
export function manifestOf(
  files: { path: string; digest?: string | null; sizeBytes?: number | null }[],
): ManifestEntry[] {
  if (files.length === 0)
    throw new BadInputError('A version needs `artifact.uri` or at least one file in `artifact.files`.', FIELD);
  if (files.length > MAX_FILES) throw new BadInputError(`At most ${MAX_FILES} files per version.`, FIELD);
  const seen = new Set<string>();
  const entries = files.map((f) => {
    const path = filePath(f.path);
    if (seen.has(path)) throw new BadInputError(`File path "${path}" is listed twice.`, FIELD);
    seen.add(path);
    if (f.digest == null || f.sizeBytes == null)
      throw new BadInputError(
        `File "${path}" needs its digest and sizeBytes: ` +
          'the registry holds the files of a version linked without a uri.',
        FIELD,
      );
    return {
      path,
      digest: validate.digest(f.digest, FIELD),
      sizeBytes: validate.sizeBytes(f.sizeBytes, FIELD),
    };
  });
  const clashes = pathClashes(entries.map((e) => e.path));
  if (clashes.length) {
    const shown = clashes.slice(0, 10).join('; ') + (clashes.length > 10 ? `; and ${clashes.length - 10} more` : '');
    throw new BadInputError(`These files cannot all be written on every system: ${shown}.`, FIELD);
  }
  return entries.sort(byPath);
}

/**
 * The canonical manifest (docs/files.md): a JSON array of `{"path","digest","sizeBytes"}` objects,
 * keys in that order, sorted by the UTF-8 bytes of `path`, no whitespace, strings escaped as
 * JSON.stringify does. The same files always give the same bytes, hence the same digest.
 */
export function canonicalManifest(entries: ManifestEntry[]): string {
  return JSON.stringify(
    [...entries].sort(byPath).map((e) => ({ path: e.path, digest: e.digest, sizeBytes: e.sizeBytes })),
  );
}

export function manifestDigest(entries: ManifestEntry[]): string {
  return `sha256:${createHash('sha256').update(canonicalManifest(entries)).digest('hex')}`;
}
