/**
 * When to try a delivery again. Network errors, timeouts, 408, 429 and 5xx are worth retrying:
 * the receiver may be down, restarting or overloaded. Any other answer (3xx, 4xx) means the
 * request itself was refused, and sending the same bytes again will not change that: the
 * delivery fails at once and an admin can redeliver it once the receiver is fixed.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Exponential backoff with "equal jitter": retry n (n = attempts made so far) waits between half
 * and all of base * 2^(n-1), capped at max. The jitter spreads out the retries of many
 * deliveries that failed together, so a receiver coming back up is not hit by all at once.
 */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 40));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

// IMF-fixdate, the HTTP date senders must use: `Sun, 06 Nov 1994 08:49:37 GMT`.
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds (a non-negative integer) or an IMF-fixdate.
 * Returns milliseconds from now, or null when absent or anything else: Date.parse alone would
 * take "1.5", "-1" or "2" as dates, turning a malformed header into an arbitrary wait. Null
 * means the usual backoff applies.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!IMF_FIXDATE.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The wait before the next attempt: what the receiver asked for with Retry-After, if it did (but
 * never more than maxMs, so a receiver cannot park a delivery for days), else the backoff.
 */
export function retryDelayMs(attempts: number, retryAfterMs: number | null, baseMs: number, maxMs: number): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, maxMs);
  return backoffMs(attempts, baseMs, maxMs);
}
