import { backoffMs, isRetryableStatus, parseRetryAfter, retryDelayMs } from '../../src/delivery/retry';

// When a failed webhook delivery is tried again, and after how long. The dispatcher that applies
// these to real deliveries is tested over HTTP (test/api/webhook-delivery.test.ts).

describe('retryable answers', () => {
  it('retries timeouts, rate limits and server errors', () => {
    for (const status of [408, 429, 500, 502, 503, 504, 599]) expect(isRetryableStatus(status)).toBe(true);
  });

  it('gives up at once on redirects and other client errors: the same bytes would be refused again', () => {
    for (const status of [301, 302, 400, 401, 403, 404, 410, 413, 422]) expect(isRetryableStatus(status)).toBe(false);
  });
});

describe('backoff', () => {
  const low = () => 0;
  const high = () => 1 - Number.EPSILON;

  it('doubles with each attempt, between half and all of base × 2^(n-1)', () => {
    for (const [attempts, ceiling] of [
      [1, 10_000],
      [2, 20_000],
      [3, 40_000],
      [6, 320_000],
    ]) {
      expect(backoffMs(attempts, 10_000, 3_600_000, low)).toBe(ceiling / 2);
      expect(backoffMs(attempts, 10_000, 3_600_000, high)).toBe(ceiling);
    }
  });

  it('is capped at the maximum, however many attempts were made', () => {
    expect(backoffMs(12, 10_000, 3_600_000, high)).toBe(3_600_000);
    expect(backoffMs(12, 10_000, 3_600_000, low)).toBe(1_800_000);
    // Far past 2^53: the exponent is bounded, so the wait stays a finite number.
    expect(backoffMs(10_000, 10_000, 3_600_000, high)).toBe(3_600_000);
  });

  it('spreads the retries of deliveries that failed together', () => {
    const waits = new Set(Array.from({ length: 50 }, () => backoffMs(3, 10_000, 3_600_000)));
    expect(waits.size).toBeGreaterThan(10);
    for (const w of waits) expect(w >= 20_000 && w <= 40_000).toBe(true);
  });
});

describe('Retry-After', () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0);

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date as the time from now, never negative', () => {
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores anything else, so a malformed header cannot set an arbitrary wait', () => {
    const malformed = [
      undefined,
      '',
      '1.5',
      '-1',
      '1e3',
      'soon',
      '2026-11-29T12:01:30Z',
      'Sunday, 29-Nov-26 12:01:30 GMT',
      'Sun, 29 Nov 2026 12:01:30 UTC',
    ];
    for (const value of malformed) expect(parseRetryAfter(value, now)).toBeNull();
  });
});

describe('delay before the next attempt', () => {
  it("follows the receiver's Retry-After, up to the maximum", () => {
    expect(retryDelayMs(1, 5000, 10_000, 3_600_000)).toBe(5000);
    expect(retryDelayMs(1, 0, 10_000, 3_600_000)).toBe(0);
    expect(retryDelayMs(1, 7 * 86_400_000, 10_000, 3_600_000)).toBe(3_600_000);
  });

  it('backs off when the receiver did not say', () => {
    const wait = retryDelayMs(2, null, 10_000, 3_600_000);
    expect(wait).toBeGreaterThanOrEqual(10_000);
    expect(wait).toBeLessThanOrEqual(20_000);
  });
});
