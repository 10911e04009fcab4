import { BadInputError } from '../../src/common/errors';
import * as validate from '../../src/common/validate';

// Input rules the database cannot hold by itself. Each refusal is BAD_USER_INPUT naming the field;
// that a refused mutation writes nothing is checked over HTTP on both databases.

/** The field and message of the BAD_USER_INPUT that `fn` throws. */
function refusal(fn: () => unknown): { field: unknown; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadInputError);
    const e = err as BadInputError;
    expect(e.extensions.code).toBe('BAD_USER_INPUT');
    return { field: e.extensions.field, message: e.message };
  }
  throw new Error('expected BAD_USER_INPUT');
}

const SHA = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('names', () => {
  it('registry names: 1-63 lower-case letters, digits, "-", "_" or ".", starting with a letter or digit', () => {
    for (const ok of ['a', 'ml', 'team-1.prod_x', '0', 'a'.repeat(63)]) expect(validate.registryName(ok)).toBe(ok);
    for (const bad of ['', 'ML', '-ml', '.ml', 'a b', 'a/b', 'a'.repeat(64), 'é']) {
      expect(refusal(() => validate.registryName(bad))).toEqual({
        field: 'name',
        message: `Registry name "${bad}" is invalid: use 1-63 lower-case letters, digits, "-", "_" or ".", starting with a letter or digit.`,
      });
    }
  });

  it('model names: as registry names, with upper case and up to 128 characters', () => {
    for (const ok of ['Fraud-Detector', 'x', 'a'.repeat(128)]) expect(validate.modelName(ok)).toBe(ok);
    for (const bad of ['', '_x', 'a:b', 'a'.repeat(129)])
      expect(refusal(() => validate.modelName(bad, 'input.name')).field).toBe('input.name');
  });

  it('alias names: well formed, and neither latest nor a version name, in any case', () => {
    for (const ok of ['production', 'Champion.2', 'v1-candidate', 'version3', 'a'.repeat(64)])
      expect(validate.settableAliasName(ok)).toBe(ok);
    expect(refusal(() => validate.settableAliasName('-x')).message).toBe(
      'Alias "-x" is invalid: use 1-64 letters, digits, "_", "." or "-", starting with a letter or digit.',
    );
    expect(refusal(() => validate.settableAliasName('a'.repeat(65))).field).toBe('alias');
    for (const latest of ['latest', 'Latest', 'LATEST'])
      expect(refusal(() => validate.settableAliasName(latest)).message).toMatch(
        /^"latest" is maintained by the server/,
      );
    for (const versionName of ['v1', 'V3', 'v0042']) {
      expect(refusal(() => validate.settableAliasName(versionName))).toEqual({
        field: 'alias',
        message: `"${versionName}" is reserved: names of the form v<number> refer to versions.`,
      });
    }
  });

  it('alias lists: at most 64, each settable, duplicates dropped', () => {
    expect(validate.aliasList(['a', 'b', 'a'])).toEqual(['a', 'b']);
    expect(refusal(() => validate.aliasList(['a', 'latest'], 'protectedAliases')).field).toBe('protectedAliases');
    expect(refusal(() => validate.aliasList(Array.from({ length: 65 }, (_, i) => `a${i}`)))).toEqual({
      field: 'aliases',
      message: 'At most 64 aliases at once.',
    });
  });

  it('metric names: 1-128 letters, digits, "_", ".", "-" or "/"', () => {
    expect(validate.metricName('eval/f1-score_v2.macro', 'orderBy')).toBe('eval/f1-score_v2.macro');
    for (const bad of [null, undefined, '', 'f 1', 'a'.repeat(129)])
      expect(refusal(() => validate.metricName(bad, 'orderBy')).field).toBe('orderBy');
  });
});

describe('tags', () => {
  it('are 1-64 characters without commas or surrounding space, at most 64, duplicates dropped', () => {
    expect(validate.tags(['nlp', 'team: risk', 'x', 'nlp'])).toEqual(['nlp', 'team: risk', 'x']);
    for (const bad of ['', ' a', 'a ', 'a,b', 'a'.repeat(65)]) {
      expect(refusal(() => validate.tags([bad]))).toEqual({
        field: 'tags',
        message: `Tag "${bad}" is invalid: 1-64 characters, no commas, no leading or trailing space.`,
      });
    }
    expect(refusal(() => validate.tags(Array.from({ length: 65 }, (_, i) => `t${i}`))).message).toBe(
      'At most 64 tags.',
    );
  });
});

describe('artifacts', () => {
  it('digests are sha256: and 64 lower-case hex digits', () => {
    expect(validate.digest(SHA)).toBe(SHA);
    for (const bad of [SHA.toUpperCase(), SHA.slice(0, -1), `md5:${'0'.repeat(32)}`, SHA.replace('sha256:', '')]) {
      expect(refusal(() => validate.digest(bad)).field).toBe('artifact.digest');
    }
  });

  it('sizes are whole numbers of bytes, 0 or more, that a double holds exactly', () => {
    expect(validate.sizeBytes(0)).toBe(0);
    expect(validate.sizeBytes(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN])
      expect(refusal(() => validate.sizeBytes(bad)).field).toBe('artifact.sizeBytes');
  });

  it('URIs have an accepted scheme and at most 2048 characters', () => {
    for (const ok of [
      's3://bucket/key',
      'gs://b/k',
      'https://host/x',
      'file:///tmp/model',
      'HF://org/repo',
      'runs:/abc/model',
    ])
      expect(validate.uri(ok)).toBe(ok);
    expect(refusal(() => validate.uri(''))).toEqual({
      field: 'artifact.uri',
      message: 'artifact.uri must be 1-2048 characters.',
    });
    expect(refusal(() => validate.uri(`s3://b/${'k'.repeat(2048)}`)).message).toBe(
      'artifact.uri must be 1-2048 characters.',
    );
    expect(refusal(() => validate.uri('bucket/key')).message).toMatch(
      /^artifact\.uri "bucket\/key" is not a URI with a scheme: use one of s3:, /,
    );
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'vbscript:x', 'hf+git://org/repo'])
      expect(refusal(() => validate.uri(bad)).message).toMatch(/which is not accepted: use one of s3:, /);
    const invisible =
      'artifact.uri must not contain spaces, control characters or invisible formatting characters ' +
      '(such as U+200B or U+202E): percent-encode them.';
    expect(refusal(() => validate.uri('java\tscript:alert(1)')).message).toBe(invisible);
    // Unicode Cf: zero-width space, right-to-left override, zero-width joiner, soft hyphen, BOM.
    for (const c of ['\u200b', '\u202e', '\u200d', '\u00ad', '\ufeff', '\u2066'])
      expect(refusal(() => validate.uri(`https://example.com/${c}gpj.exe`)).message).toBe(invisible);
    for (const empty of ['s3:', 's3://', 'S3:///', 'https://', 'runs:/'])
      expect(refusal(() => validate.uri(empty)).message).toBe(
        `artifact.uri ${JSON.stringify(empty)} names nothing after its scheme: give a bucket, host or path (s3://bucket/key).`,
      );
  });

  it('file paths are relative and stay inside the artifact', () => {
    expect(
      validate.artifactFiles([{ path: 'weights/model.bin', digest: SHA, sizeBytes: 10 }, { path: 'config.json' }]),
    ).toEqual([
      { path: 'weights/model.bin', digest: SHA, sizeBytes: 10 },
      { path: 'config.json', digest: null, sizeBytes: null },
    ]);
    for (const path of ['', '/etc/passwd', '../x', 'a/../../x', 'p'.repeat(1025)]) {
      expect(refusal(() => validate.artifactFiles([{ path }])).message).toBe(
        `File path ${JSON.stringify(path)} is invalid: a relative path inside the artifact, at most 1024 characters.`,
      );
    }
    expect(refusal(() => validate.artifactFiles([{ path: 'a', digest: 'nope' }])).field).toBe('artifact.files');
    expect(refusal(() => validate.artifactFiles([{ path: 'a', sizeBytes: -1 }])).field).toBe('artifact.files');
  });
});

describe('documents', () => {
  it('text is at most 10 000 characters; null and undefined are null', () => {
    expect(validate.text(undefined, 'description')).toBeNull();
    expect(validate.text(null, 'description')).toBeNull();
    expect(validate.text('x'.repeat(10_000), 'description')).toHaveLength(10_000);
    expect(refusal(() => validate.text('x'.repeat(10_001), 'description'))).toEqual({
      field: 'description',
      message: 'description is longer than 10000 characters.',
    });
  });

  it('JSON documents are objects of at most 256 KiB', () => {
    expect(validate.jsonObject({ a: [1, { b: null }] }, 'metadata')).toEqual({
      a: [1, { b: null }],
    });
    for (const bad of [null, [], 'x', 3])
      expect(refusal(() => validate.jsonObject(bad, 'metadata'))).toEqual({
        field: 'metadata',
        message: 'metadata must be a JSON object.',
      });
    expect(refusal(() => validate.jsonObject({ x: 'y'.repeat(256 * 1024) }, 'metadata')).message).toBe(
      'metadata is 262152 bytes as JSON; the limit is 262144.',
    );
  });

  it('metrics are a flat object of finite numbers under valid names', () => {
    expect(validate.metrics({ f1: 0.91, 'eval/loss': -0.5 })).toEqual({
      f1: 0.91,
      'eval/loss': -0.5,
    });
    expect(refusal(() => validate.metrics({ f1: '0.9' }))).toEqual({
      field: 'metrics',
      message: 'Metric "f1" must be a finite number; got "0.9".',
    });
    expect(refusal(() => validate.metrics({ f1: { nested: 1 } })).field).toBe('metrics');
    expect(refusal(() => validate.metrics({ 'bad name': 1 })).message).toMatch(/^Metric name "bad name" is invalid/);
  });

  it('idempotency keys are 1-128 printable ASCII characters without spaces', () => {
    expect(validate.idempotencyKey(null)).toBeNull();
    expect(validate.idempotencyKey('ci-run:42/attempt=1')).toBe('ci-run:42/attempt=1');
    for (const bad of ['', 'a b', 'é', 'k'.repeat(129), 'tab\t']) {
      expect(refusal(() => validate.idempotencyKey(bad))).toEqual({
        field: 'idempotencyKey',
        message: 'idempotencyKey must be 1-128 printable ASCII characters without spaces.',
      });
    }
  });
});
