import { bodyOf, signingSecrets } from '../../src/delivery/attempt';
import { WebhookDeliveryEntity } from '../../src/webhooks/delivery.entity';
import { slackText } from '../../src/delivery/slack';
import { WebhookEntity } from '../../src/webhooks/webhook.entity';

// What one delivery attempt sends and signs with, and the Slack rendering of a payload. Payloads
// here have the shape receivers get (README, Webhooks); the HTTP suite checks that real events
// produce them.

const version = (n: number) => ({
  id: `mv${n}`,
  number: n,
  name: `v${n}`,
  artifact: { uri: `s3://bucket/fraud/${n}`, digest: null, sizeBytes: null },
});

function payload(type: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'evt_1',
    type,
    occurredAt: '2026-11-29T12:00:00.000Z',
    registry: { id: 'r1', name: 'ml' },
    model: { id: 'm1', name: 'fraud' },
    version: null,
    alias: null,
    previousVersion: null,
    actor: { id: 'alice' },
    data: {},
    ...extra,
  };
}

const webhook = (fields: Partial<WebhookEntity>) =>
  Object.assign(new WebhookEntity(), {
    secret: 'whsec_current',
    previousSecret: null,
    previousSecretExpiresAt: null,
    format: 'STANDARD',
    ...fields,
  });
const delivery = (p: Record<string, unknown>) =>
  Object.assign(new WebhookDeliveryEntity(), { eventId: 'evt_1', payload: p });

describe('delivery body', () => {
  it('is the frozen payload, as JSON, for a standard webhook', () => {
    const p = payload('alias.set', {
      alias: 'production',
      version: version(3),
    });
    expect(JSON.parse(bodyOf(webhook({}), delivery(p)))).toEqual(p);
  });

  it('is a Slack message made from the payload for a SLACK webhook', () => {
    const p = payload('model.created');
    expect(JSON.parse(bodyOf(webhook({ format: 'SLACK' }), delivery(p)))).toEqual({
      text: ':new: Model *ml/fraud* created by alice',
    });
  });
});

describe('signing secrets of an attempt', () => {
  const now = new Date('2026-11-29T12:00:00Z');

  it('are the current secret alone outside a rotation', () => {
    expect(signingSecrets(webhook({}), now)).toEqual(['whsec_current']);
  });

  it('include the previous secret until its grace period ends', () => {
    const rotated = {
      previousSecret: 'whsec_previous',
      previousSecretExpiresAt: new Date(now.getTime() + 1),
    };
    expect(signingSecrets(webhook(rotated), now)).toEqual(['whsec_current', 'whsec_previous']);
    expect(signingSecrets(webhook({ ...rotated, previousSecretExpiresAt: now }), now)).toEqual(['whsec_current']);
  });
});

describe('Slack text', () => {
  it.each([
    ['model.created', {}, ':new: Model *ml/fraud* created by alice'],
    [
      'model.updated',
      { data: { before: { name: 'fraud-old' } } },
      ':pencil2: Model *ml/fraud* updated by alice (renamed from `fraud-old`)',
    ],
    ['model.updated', { data: { before: { name: 'fraud' } } }, ':pencil2: Model *ml/fraud* updated by alice'],
    ['model.archived', {}, ':file_cabinet: Model *ml/fraud* archived by alice'],
    ['version.linked', { version: version(3) }, ':package: *ml/fraud:v3* linked by alice: `s3://bucket/fraud/3`'],
    ['version.updated', { version: version(3) }, ':pencil2: *ml/fraud:v3* updated by alice'],
    ['version.archived', { version: version(3) }, ':file_cabinet: *ml/fraud:v3* archived by alice'],
    ['alias.set', { alias: 'production', version: version(3) }, ':label: *ml/fraud:production* set to *v3* by alice'],
    [
      'alias.set',
      {
        alias: 'production',
        version: version(4),
        previousVersion: version(3),
        data: { reason: 'better recall' },
      },
      ':arrow_right: *ml/fraud:production* moved from v3 to *v4* by alice (better recall)',
    ],
    [
      'alias.removed',
      { alias: 'staging', previousVersion: version(2) },
      ':wastebasket: *ml/fraud:staging* removed (was v2) by alice',
    ],
    [
      'role.granted',
      { model: null, data: { subject: 'group:ml', role: 'MEMBER' } },
      ':key: `group:ml` is now MEMBER of *ml* (granted by alice)',
    ],
    [
      'role.revoked',
      { model: null, data: { subject: 'bob', role: 'ADMIN' } },
      ':no_entry: `bob` is no longer ADMIN of *ml* (revoked by alice)',
    ],
    ['webhook.ping', { model: null }, ':wave: Test message from the model registry for *ml*, sent by alice'],
    ['something.new', {}, 'something.new in *ml/fraud* by alice'],
  ])('renders %s', (type, extra, text) => {
    expect(slackText(payload(type, extra))).toBe(text);
  });

  it("escapes what Slack's mrkdwn would read as a link, a mention or an entity", () => {
    const p = payload('alias.set', {
      registry: { id: 'r1', name: 'a&b' },
      model: { id: 'm1', name: '<!channel>' },
      alias: '<https://evil.example|click>',
      version: version(1),
      actor: { id: '<@U123>' },
      data: { reason: '<!here> & more' },
    });
    expect(slackText(p)).toBe(
      ':label: *a&amp;b/&lt;!channel&gt;:&lt;https://evil.example|click&gt;* set to *v1* by &lt;@U123&gt; (&lt;!here&gt; &amp; more)',
    );
  });
});
