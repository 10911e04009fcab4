import { BadInputError } from './errors';

/**
 * Input rules that the database cannot hold by itself. Each throws BAD_USER_INPUT naming the
 * field, before any write, so a rejected mutation changes nothing.
 */

export const REGISTRY_NAME = /^[a-z0-9][a-z0-9-_.]{0,62}$/;
// Model names follow registry names but allow upper case, as W&B and MLflow do.
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9-_.]{0,127}$/;
export const ALIAS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const TAG = /^[^\s,][^,]{0,62}[^\s,]$|^[^\s,]$/;
export const DIGEST = /^sha256:[0-9a-f]{64}$/;
export const VERSION_NAME = /^v(0|[1-9][0-9]{0,8})$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

export const LATEST = 'latest';
const MAX_TEXT = 10_000;
const MAX_JSON_BYTES = 256 * 1024;
const MAX_TAGS = 64;

export function registryName(value: string, field = 'name'): string {
  if (!REGISTRY_NAME.test(value)) {
    throw new BadInputError(
      `Registry name "${value}" is invalid: use 1-63 lower-case letters, digits, "-", "_" or ".", starting with a letter or digit.`,
      field,
    );
  }
  return value;
}

export function modelName(value: string, field = 'name'): string {
  if (!MODEL_NAME.test(value)) {
    throw new BadInputError(
      `Model name "${value}" is invalid: use 1-128 letters, digits, "-", "_" or ".", starting with a letter or digit.`,
      field,
    );
  }
  return value;
}

/** Alias names users may set: well-formed, and neither `latest` nor a version name. */
export function settableAliasName(value: string, field = 'alias'): string {
  if (!ALIAS_NAME.test(value)) {
    throw new BadInputError(
      `Alias "${value}" is invalid: use 1-64 letters, digits, "_", "." or "-", starting with a letter or digit.`,
      field,
    );
  }
  // Case-insensitive, like protection: `Latest` or `V3` would be read as the real thing.
  if (value.toLowerCase() === LATEST)
    throw new BadInputError(
      '"latest" is maintained by the server: it always points at the newest version that is not archived.',
      field,
    );
  if (/^v[0-9]+$/i.test(value))
    throw new BadInputError(`"${value}" is reserved: names of the form v<number> refer to versions.`, field);
  return value;
}

export function aliasList(values: string[], field = 'aliases'): string[] {
  if (values.length > MAX_TAGS) throw new BadInputError(`At most ${MAX_TAGS} aliases at once.`, field);
  values.forEach((v) => settableAliasName(v, field));
  return [...new Set(values)];
}

export function tags(values: string[], field = 'tags'): string[] {
  if (values.length > MAX_TAGS) throw new BadInputError(`At most ${MAX_TAGS} tags.`, field);
  for (const t of values) {
    if (!TAG.test(t))
      throw new BadInputError(
        `Tag "${t}" is invalid: 1-64 characters, no commas, no leading or trailing space.`,
        field,
      );
  }
  return [...new Set(values)];
}

export function digest(value: string, field = 'artifact.digest'): string {
  if (!DIGEST.test(value))
    throw new BadInputError(
      `Digest "${value}" is invalid: expected "sha256:" followed by 64 lower-case hex digits.`,
      field,
    );
  return value;
}

export function sizeBytes(value: number, field = 'artifact.sizeBytes'): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new BadInputError(`Size ${value} is invalid: expected a whole number of bytes, 0 or more.`, field);
  return value;
}

export function uri(value: string, field = 'artifact.uri'): string {
  if (value.length === 0 || value.length > 2048)
    throw new BadInputError('Artifact URI must be 1-2048 characters.', field);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new BadInputError(
      `Artifact URI "${value}" is not a URI with a scheme (s3://…, gs://…, https://…, file://…).`,
      field,
    );
  }
  if (!/^[a-z][a-z0-9+.-]*:$/.test(parsed.protocol))
    throw new BadInputError(`Artifact URI "${value}" has no valid scheme.`, field);
  return value;
}

export function text(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (value.length > MAX_TEXT) throw new BadInputError(`${field} is longer than ${MAX_TEXT} characters.`, field);
  return value;
}

export function jsonObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new BadInputError(`${field} must be a JSON object.`, field);
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_JSON_BYTES)
    throw new BadInputError(`${field} is larger than ${MAX_JSON_BYTES / 1024} KiB.`, field);
  return value as Record<string, unknown>;
}

/** Metrics are a flat object of finite numbers, so versions can be ordered and compared by them. */
export function metrics(value: unknown, field = 'metrics'): Record<string, number> {
  const obj = jsonObject(value, field);
  for (const [key, v] of Object.entries(obj)) {
    metricName(key, field);
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new BadInputError(`Metric "${key}" must be a finite number; got ${JSON.stringify(v)}.`, field);
  }
  return obj as Record<string, number>;
}

const METRIC_NAME = /^[A-Za-z0-9_.\-/]{1,128}$/;

export function metricName(value: string | null | undefined, field: string): string {
  if (!value || !METRIC_NAME.test(value))
    throw new BadInputError(
      `Metric name ${JSON.stringify(value ?? null)} is invalid: 1-128 letters, digits, "_", ".", "-" or "/".`,
      field,
    );
  return value;
}

export function artifactFiles(
  files: { path: string; digest?: string | null; sizeBytes?: number | null }[],
  field = 'artifact.files',
) {
  if (files.length > 10_000) throw new BadInputError('At most 10000 files per artifact.', field);
  return files.map((f) => {
    if (!f.path || f.path.length > 1024 || f.path.startsWith('/') || f.path.split('/').includes('..')) {
      throw new BadInputError(
        `File path ${JSON.stringify(f.path)} is invalid: a relative path inside the artifact, at most 1024 characters.`,
        field,
      );
    }
    return {
      path: f.path,
      digest: f.digest == null ? null : digest(f.digest, field),
      sizeBytes: f.sizeBytes == null ? null : sizeBytes(f.sizeBytes, field),
    };
  });
}

export function idempotencyKey(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (!IDEMPOTENCY_KEY.test(value))
    throw new BadInputError(
      'idempotencyKey must be 1-128 printable ASCII characters without spaces.',
      'idempotencyKey',
    );
  return value;
}
