import { BadInputError } from './errors';
import { jsonShape } from './json-shape';

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
const MAX_TAGS = 64;

/**
 * Bounds of every JSON input (metadata, metrics, a run's config), in docs/limits.md (Input values). The depth
 * is the one that matters most: MariaDB refuses JSON nested deeper than 32 levels (its JSON_VALID
 * CHECK on every JSON column), and an audit row or a webhook payload holds a stored value up to
 * three levels deeper (`data.before.metadata`); 16 leaves room for both.
 */
export const JSON_MAX_DEPTH = 16;
export const JSON_MAX_MEMBERS = 1000;
export const JSON_MAX_BYTES = 256 * 1024;

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

/**
 * URI schemes an artifact may live at (docs/api.md, Conventions): object stores, the ML
 * platforms' own references (MLflow's `runs:/`, `models:/`, `mlflow-artifacts:`; W&B's
 * `wandb-artifact://`), Hadoop/Databricks file systems, Hugging Face, OCI registries, the web and
 * local files. Anything else is refused: consoles render these URIs as links, and `javascript:`,
 * `data:` or `vbscript:` there would run in a reader's browser.
 */
export const ARTIFACT_URI_SCHEMES = [
  's3',
  's3a',
  'gs',
  'gcs',
  'r2',
  'az',
  'azure',
  'abfs',
  'abfss',
  'wasb',
  'wasbs',
  'hdfs',
  'viewfs',
  'dbfs',
  'hf',
  'oci',
  'runs',
  'models',
  'mlflow-artifacts',
  'wandb-artifact',
  'http',
  'https',
  'sftp',
  'file',
] as const;
const ARTIFACT_URI_SCHEME_SET = new Set<string>(ARTIFACT_URI_SCHEMES);
/** What the schema says of an artifact URI input. */
export const ARTIFACT_URI_DESCRIPTION =
  'Where the artifact lives: a URI of an accepted scheme ' +
  '(s3://, gs://, abfss://, hf://, oci://, https://, file://, runs:/, models:/, …; docs/api.md lists them all).';
const URI_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// Whitespace and control characters have no place in a URI (they are percent-encoded), and URL
// parsers drop some of them silently: "java\tscript:" is read as "javascript:". Invisible
// formatting characters (Unicode Cf: U+200B zero-width space, U+202E right-to-left override, …)
// would make a link read as something other than where it goes.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const URI_FORBIDDEN_CHARS = /[\s\x00-\x1f\x7f\p{Cf}]/u;

export function uri(value: string, field = 'artifact.uri'): string {
  if (value.length === 0 || value.length > 2048) throw new BadInputError(`${field} must be 1-2048 characters.`, field);
  const allowed = `one of ${ARTIFACT_URI_SCHEMES.map((s) => `${s}:`).join(', ')}`;
  if (URI_FORBIDDEN_CHARS.test(value)) {
    throw new BadInputError(
      `${field} must not contain spaces, control characters or invisible formatting characters (such as U+200B ` +
        'or U+202E): percent-encode them.',
      field,
    );
  }
  const scheme = URI_SCHEME.exec(value)?.[1].toLowerCase();
  if (!scheme) {
    throw new BadInputError(`${field} ${JSON.stringify(value)} is not a URI with a scheme: use ${allowed}`, field);
  }
  if (!ARTIFACT_URI_SCHEME_SET.has(scheme)) {
    throw new BadInputError(`${field} has the scheme "${scheme}:", which is not accepted: use ${allowed}`, field);
  }
  // `s3:` or `s3://` alone names no bucket, host or path: nothing a reader could fetch.
  if (value.slice(scheme.length + 1).replace(/^\/+/, '') === '') {
    throw new BadInputError(
      `${field} ${JSON.stringify(value)} names nothing after its scheme: give a bucket, host or path (s3://bucket/key).`,
      field,
    );
  }
  try {
    new URL(value);
  } catch {
    throw new BadInputError(`${field} ${JSON.stringify(value)} is not a well-formed URI.`, field);
  }
  return value;
}

export function text(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (value.length > MAX_TEXT) throw new BadInputError(`${field} is longer than ${MAX_TEXT} characters.`, field);
  return value;
}

/** A JSON object within the JSON limits; depth first, since measuring bytes means serializing it. */
export function jsonObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new BadInputError(`${field} must be a JSON object.`, field);
  const { depth, members } = jsonShape(value);
  if (depth > JSON_MAX_DEPTH) {
    const message = `${field} is nested ${depth} levels deep; the limit is ${JSON_MAX_DEPTH}.`;
    throw new BadInputError(message, field, {
      limit: 'JSON_MAX_DEPTH',
      max: JSON_MAX_DEPTH,
    });
  }
  if (members > JSON_MAX_MEMBERS) {
    const message = `${field} has ${members} members; the limit is ${JSON_MAX_MEMBERS}.`;
    throw new BadInputError(message, field, {
      limit: 'JSON_MAX_MEMBERS',
      max: JSON_MAX_MEMBERS,
    });
  }
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > JSON_MAX_BYTES) {
    const message = `${field} is ${bytes} bytes as JSON; the limit is ${JSON_MAX_BYTES}.`;
    throw new BadInputError(message, field, {
      limit: 'JSON_MAX_BYTES',
      max: JSON_MAX_BYTES,
    });
  }
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

/** Metrics that are merged into stored ones (a run's) stay within the member limit once merged. */
export function mergedMetrics(
  stored: Record<string, number>,
  added: Record<string, number>,
  field = 'metrics',
): Record<string, number> {
  const merged = { ...stored, ...added };
  const members = Object.keys(merged).length;
  if (members > JSON_MAX_MEMBERS) {
    const message = `${field} would have ${members} members once merged; the limit is ${JSON_MAX_MEMBERS}.`;
    throw new BadInputError(message, field, {
      limit: 'JSON_MAX_MEMBERS',
      max: JSON_MAX_MEMBERS,
    });
  }
  return merged;
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

/** A registry's required approvals for protected alias change requests. */
export function requiredApprovals(value: number, field = 'requiredApprovals'): number {
  if (!Number.isInteger(value) || value < 1 || value > 10)
    throw new BadInputError(`"${field}" must be a whole number from 1 to 10; got ${value}.`, field);
  return value;
}
