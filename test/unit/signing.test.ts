import { Webhook as StandardWebhook, WebhookVerificationError } from 'standardwebhooks';
import { BadInputError } from '../../src/common/errors';
import { generateSecret, parseSecret, SECRET_PREFIX, sign, signedHeaders } from '../../src/delivery/signing';

// Signatures are checked with the standardwebhooks package, as a receiver would check them: a
// signature this server makes must verify there, and nothing else may.

const secretOf = (bytes: number, fill = 7) => `${SECRET_PREFIX}${Buffer.alloc(bytes, fill).toString('base64')}`;
const BODY = JSON.stringify({
  id: 'evt_1',
  type: 'alias.set',
  alias: 'production',
});

describe('webhook signatures', () => {
  it('verify with standardwebhooks, for the headers of one attempt', () => {
    const secret = generateSecret();
    const headers = signedHeaders([secret], 'evt_1', BODY, new Date());
    expect(new StandardWebhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it('are the ones standardwebhooks computes, byte for byte', () => {
    const secret = secretOf(32);
    const at = new Date('2026-11-29T12:00:00Z');
    expect(sign(secret, 'evt_1', at.getTime() / 1000, BODY)).toBe(new StandardWebhook(secret).sign('evt_1', at, BODY));
  });

  it('carry the event id and the attempt time in whole seconds', () => {
    const headers = signedHeaders([secretOf(32)], 'evt_42', BODY, new Date('2026-11-29T12:00:00.999Z'));
    expect(headers['webhook-id']).toBe('evt_42');
    expect(headers['webhook-timestamp']).toBe(String(Date.UTC(2026, 10, 29, 12) / 1000));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
  });

  it('carry one signature per secret during a rotation, so either secret verifies', () => {
    const [current, previous] = [secretOf(32, 1), secretOf(32, 2)];
    const headers = signedHeaders([current, previous], 'evt_1', BODY, new Date());
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new StandardWebhook(current).verify(BODY, headers)).toBeTruthy();
    expect(new StandardWebhook(previous).verify(BODY, headers)).toBeTruthy();
    expect(() => new StandardWebhook(secretOf(32, 3)).verify(BODY, headers)).toThrow(WebhookVerificationError);
  });

  it('do not verify a changed body, id or timestamp', () => {
    const secret = secretOf(32);
    const headers = signedHeaders([secret], 'evt_1', BODY, new Date());
    const receiver = new StandardWebhook(secret);
    expect(() => receiver.verify(BODY.replace('production', 'staging'), headers)).toThrow(WebhookVerificationError);
    expect(() => receiver.verify(BODY, { ...headers, 'webhook-id': 'evt_2' })).toThrow(WebhookVerificationError);
    const later = String(Number(headers['webhook-timestamp']) + 1);
    expect(() => receiver.verify(BODY, { ...headers, 'webhook-timestamp': later })).toThrow(WebhookVerificationError);
  });
});

describe('webhook secrets', () => {
  it('are generated as whsec_ and the base64 of 32 random bytes', () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(SECRET_PREFIX.length), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(a);
    expect(parseSecret(a)).toBe(a);
  });

  it('may be chosen, from 24 to 64 bytes', () => {
    expect(parseSecret(secretOf(24))).toBe(secretOf(24));
    expect(parseSecret(secretOf(64))).toBe(secretOf(64));
  });

  it('are refused unless a Standard Webhooks library could use them, naming the field', () => {
    const canonical = Buffer.alloc(32, 7).toString('base64');
    const refused = [
      canonical, // no prefix
      `whsec_`,
      secretOf(23),
      secretOf(65),
      `whsec_${canonical.replace(/=+$/, '')}`, // padding dropped: not canonical base64
      `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}`, // base64url, not base64
      `whsec_ ${canonical}`,
      `WHSEC_${canonical}`,
    ];
    for (const value of refused) {
      let error: unknown;
      try {
        parseSecret(value, 'input.secret');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(BadInputError);
      expect((error as BadInputError).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.secret',
      });
      expect((error as BadInputError).message).toContain('"whsec_" followed by the base64 of 24-64 random bytes');
    }
  });
});
