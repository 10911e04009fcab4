import { createHash } from 'node:crypto';
import { canonicalManifest, filePath, MAX_FILES, manifestDigest, manifestOf } from '../../src/files/manifest';

// A version's files and its canonical manifest (docs/files.md), without a server: what paths are
// accepted, and that the same files always give the same bytes, hence the same digest.

const D = (c: string) => `sha256:${c.repeat(64)}`;
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { code: (err as { extensions?: { code?: string } }).extensions?.code, message: (err as Error).message };
  }
  throw new Error('expected a refusal');
};

describe('filePath', () => {
  it('accepts relative /-separated paths, Unicode included', () => {
    for (const p of ['model.bin', 'weights/part-0001.safetensors', 'données/été.json', '.hidden', 'a..b/c'])
      expect(filePath(p)).toBe(p);
    expect(filePath('x'.repeat(1024))).toHaveLength(1024);
  });

  it('refuses paths that could name a file outside the download directory or differ between systems', () => {
    for (const p of [
      '',
      '/etc/passwd',
      'a//b',
      'a/',
      './a',
      'a/./b',
      '../a',
      'a/../../b',
      'a\\b',
      'a\u0000b',
      'a\nb',
      'x'.repeat(1025),
    ]) {
      expect(refusal(() => filePath(p))).toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/File path/),
      });
    }
  });
});

describe('manifestOf', () => {
  it('sorts by the UTF-8 bytes of the path, not by UTF-16 code units', () => {
    // U+FF61 is EF BD A1 in UTF-8 and FF61 in UTF-16; U+1F600 is F0 9F 98 80 and D83D DE00.
    const files = [
      { path: 'b', digest: D('b'), sizeBytes: 2 },
      { path: '\u{1F600}', digest: D('c'), sizeBytes: 3 },
      { path: '\uFF61', digest: D('d'), sizeBytes: 4 },
      { path: 'a/z', digest: D('a'), sizeBytes: 1 },
    ];
    expect(manifestOf(files).map((f) => f.path)).toEqual(['a/z', 'b', '\uFF61', '\u{1F600}']);
  });

  it('refuses no files, too many, a path listed twice and a file without digest or size', () => {
    const f = (path: string) => ({ path, digest: D('a'), sizeBytes: 1 });
    expect(refusal(() => manifestOf([])).message).toMatch(/artifact\.uri/);
    const many = Array.from({ length: MAX_FILES + 1 }, (_, i) => f(`f${i}`));
    expect(refusal(() => manifestOf(many)).message).toMatch(String(MAX_FILES));
    expect(refusal(() => manifestOf([f('x'), f('y'), f('x')])).message).toMatch(/"x" is listed twice/);
    expect(refusal(() => manifestOf([{ path: 'x', digest: D('a') }])).message).toMatch(
      /needs its digest and sizeBytes/,
    );
    expect(refusal(() => manifestOf([{ path: 'x', sizeBytes: 1, digest: null }])).code).toBe('BAD_USER_INPUT');
  });

  it('refuses a malformed digest and a negative size', () => {
    expect(refusal(() => manifestOf([{ path: 'x', digest: 'md5:abc', sizeBytes: 1 }])).code).toBe('BAD_USER_INPUT');
    expect(refusal(() => manifestOf([{ path: 'x', digest: D('a'), sizeBytes: -1 }])).code).toBe('BAD_USER_INPUT');
  });
});

describe('canonicalManifest and manifestDigest', () => {
  const files = [
    { path: 'weights.bin', digest: D('1'), sizeBytes: 10 },
    { path: 'config "v2".json', digest: D('2'), sizeBytes: 20 },
  ];

  it('writes path, digest and sizeBytes in that order, sorted, without whitespace', () => {
    expect(canonicalManifest(files)).toBe(
      `[{"path":"config \\"v2\\".json","digest":"${D('2')}","sizeBytes":20},` +
        `{"path":"weights.bin","digest":"${D('1')}","sizeBytes":10}]`,
    );
  });

  it('gives the same digest whatever the order, the sha256 of the canonical bytes', () => {
    const reversed = [...files].reverse().map((f) => ({ sizeBytes: f.sizeBytes, digest: f.digest, path: f.path }));
    const expected = `sha256:${createHash('sha256').update(canonicalManifest(files)).digest('hex')}`;
    expect(manifestDigest(files)).toBe(expected);
    expect(manifestDigest(reversed)).toBe(expected);
    expect(manifestDigest([{ ...files[0], sizeBytes: 11 }, files[1]])).not.toBe(expected);
  });
});
