import { noneMatch, parseRange } from '../../src/files/http-range';

// The Range and If-None-Match rules of the byte endpoints (RFC 9110 §14.1.2, §13.1.2), without a
// server. test/api/blobs.test.ts shows them over HTTP on both stores.

describe('parseRange', () => {
  it('sends the whole blob without a header, for a malformed one and for several ranges', () => {
    for (const header of [undefined, '', 'bytes=', 'bytes=-', 'items=0-1', 'bytes=a-b', 'bytes=0-1,4-5', 'bytes=1 -2'])
      expect(parseRange(header, 10)).toBeNull();
  });

  it('takes a closed range, clamping its end to the last byte', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=2-5', 10)).toEqual({ start: 2, end: 5 });
    expect(parseRange('bytes=2-999', 10)).toEqual({ start: 2, end: 9 });
    expect(parseRange(' bytes=9-9 ', 10)).toEqual({ start: 9, end: 9 });
  });

  it('takes an open range to the end, and a suffix of the last n bytes', () => {
    expect(parseRange('bytes=4-', 10)).toEqual({ start: 4, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
  });

  it('ignores a range whose end comes before its start (the whole blob is sent)', () => {
    expect(parseRange('bytes=5-2', 10)).toBeNull();
  });

  it('answers unsatisfiable (416) for a range wholly past the end, an empty suffix, or any range of an empty blob', () => {
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=10-20', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=-5', 0)).toBe('unsatisfiable');
  });
});

describe('noneMatch', () => {
  const etag = '"sha256:abc"';

  it("matches the blob's own tag, weak or strong, in a list, and *", () => {
    expect(noneMatch(etag, etag)).toBe(true);
    expect(noneMatch(`W/${etag}`, etag)).toBe(true);
    expect(noneMatch(`"other", ${etag}`, etag)).toBe(true);
    expect(noneMatch('*', etag)).toBe(true);
  });

  it('does not match without a header or with other tags', () => {
    expect(noneMatch(undefined, etag)).toBe(false);
    expect(noneMatch('', etag)).toBe(false);
    expect(noneMatch('"sha256:abd", W/"x"', etag)).toBe(false);
    expect(noneMatch('sha256:abc', etag)).toBe(false);
  });
});
