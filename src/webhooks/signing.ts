import { createHmac, randomBytes } from 'node:crypto';
import { BadInputError } from '../common/errors';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, "Signature scheme"): the secret
 * is `whsec_` + base64 of the key; the signature of a message is
 * `v1,` + base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")). Several
 * space-separated signatures may be sent, so a receiver accepts a delivery during a rotation
 * whichever of the two secrets it holds.
 */
export const SECRET_PREFIX = 'whsec_';
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** Accepts only secrets a Standard Webhooks library can use: `whsec_` + canonical base64 of 24-64 bytes. */
export function parseSecret(value: string, field = 'secret'): string {
  const b64 = value.startsWith(SECRET_PREFIX) ? value.slice(SECRET_PREFIX.length) : null;
  const key = b64 !== null && /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? Buffer.from(b64, 'base64') : null;
  if (!key || key.toString('base64') !== b64 || key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    throw new BadInputError(
      `The secret must be "${SECRET_PREFIX}" followed by the base64 of ${MIN_KEY_BYTES}-${MAX_KEY_BYTES} random bytes; leave it out to have one generated.`,
      field,
    );
  }
  return value;
}

export function sign(secret: string, msgId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${msgId}.${timestamp}.${body}`).digest('base64')}`;
}

/** The three Standard Webhooks headers of one attempt; the timestamp is the attempt's own. */
export function signedHeaders(
  secrets: string[],
  msgId: string,
  body: string,
  now = new Date(),
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => sign(s, msgId, timestamp, body)).join(' '),
  };
}
