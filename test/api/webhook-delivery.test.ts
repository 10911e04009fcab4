import { Webhook as StandardWebhook } from 'standardwebhooks';
import { createLogger } from '../../src/common/logger';
import { ConfigError, loadConfig } from '../../src/config';
import { fromGlobalId } from '../../src/common/global-id';
import { uuidv7 } from '../../src/common/uuid';
import { createDataSource } from '../../src/db/data-source';
import { Database } from '../../src/db/database';
import { WebhookDeliveryEntity } from '../../src/webhooks/delivery.entity';
import { newDelivery } from '../../src/changes/outbox-rows';
import { Claimed, DELETE_BATCH, Outbox } from '../../src/delivery/outbox';
import { backoffMs, parseRetryAfter, retryDelayMs } from '../../src/delivery/retry';
import { guardedLookup, refusal } from '../../src/delivery/url-safety';
import { eventually, Received, Receiver, Reply } from '../support/receiver';
import { codeOf, digestOf, Instance, startInstance, startTestServer, TestServer } from '../support/server';

// Delivery (issue #6): retries with backoff, Retry-After, giving up, the outbox surviving a
// restart, graceful shutdown, two dispatchers sharing one database, and the SSRF guard at the
// moment of connecting.

const FAST = {
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_BACKOFF_BASE_MS: '20',
  WEBHOOK_BACKOFF_MAX_MS: '1500',
  WEBHOOK_TIMEOUT_MS: '300',
  WEBHOOK_MAX_ATTEMPTS: '3',
};
const CREATE_HOOK = `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id } } }`;
const SET = `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`;
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { id } } }`;
const UPDATE_HOOK = `mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { active } } }`;
const DELIVERIES = `query($id: ID!) { node(id: $id) { ... on Webhook { deliveries(first: 100) { totalCount edges { node { eventId event status attempts lastResponseCode lastError lastAttemptAt nextAttemptAt } } } } } }`;

type Gql = (query: string, variables?: Record<string, unknown>) => Promise<{ data?: any; errors?: any[] }>;
const ok = async (gql: Gql, query: string, variables?: Record<string, unknown>) => {
  const r = await gql(query, variables);
  if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
  return r.data;
};

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});
async function receiver(reply?: (r: Received, n: number) => Reply | Promise<Reply>): Promise<Receiver> {
  const r = await Receiver.start(reply);
  receivers.push(r);
  return r;
}

let seq = 0;
/** A registry with model `m` at v0 and v1, and a webhook on alias events to `url`. */
async function fixture(gql: Gql, url: string, extra: Record<string, unknown> = {}) {
  const reg = `whd-${++seq}`;
  await ok(gql, `mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, {
    i: { name: reg },
  });
  for (let v = 0; v < 2; v++)
    await ok(gql, LINK, {
      i: {
        registry: reg,
        model: 'm',
        artifact: {
          uri: `s3://m/${reg}/${v}`,
          digest: digestOf(`${reg}/${v}`),
          sizeBytes: 1,
        },
      },
    });
  const hook = (
    await ok(gql, CREATE_HOOK, {
      i: { registry: reg, url, events: ['ALIAS_SET'], ...extra },
    })
  ).createWebhook;
  return {
    reg,
    hookId: hook.webhook.id as string,
    secret: hook.secret as string,
  };
}
const moveStaging = (gql: Gql, reg: string, version: string) =>
  ok(gql, SET, { i: { registry: reg, model: 'm', alias: 'staging', version } });
async function deliveriesOf(gql: Gql, hookId: string) {
  return (await ok(gql, DELIVERIES, { id: hookId })).node.deliveries as {
    totalCount: number;
    edges: { node: any }[];
  };
}
const types = (rs: Received[]) => rs.map((r) => r.json.type);
/** The delivery of a webhook, once `done` holds for it. */
const settled = (gql: Gql, hookId: string, done: (d: any) => boolean = (d) => d.status !== 'PENDING') =>
  eventually(
    async () => (await deliveriesOf(gql, hookId)).edges.map((e) => e.node).find(done),
    15_000,
    'delivery settled',
  );

describe('retries', () => {
  let s: TestServer;
  let gql: Gql;
  beforeAll(async () => {
    s = await startTestServer(FAST);
    gql = (q, v) => s.gql(q, v);
  });
  afterAll(() => s.stop());

  it('retries a receiver that answers 500 twice, and succeeds on the third attempt with the same webhook-id', async () => {
    const rx = await receiver((_r, n) => ({ status: n <= 2 ? 500 : 200 }));
    const { reg, hookId, secret } = await fixture(gql, rx.url);
    await moveStaging(gql, reg, 'v1');
    const d = await settled(gql, hookId);
    expect(d).toMatchObject({
      event: 'alias.set',
      status: 'SUCCEEDED',
      attempts: 3,
      lastResponseCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(rx.received).toHaveLength(3);
    expect(new Set(rx.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([d.eventId]));
    for (const r of rx.received)
      expect(new StandardWebhook(secret).verify(r.body, r.headers as Record<string, string>)).toMatchObject({
        id: d.eventId,
        alias: 'staging',
      });
    expect(new Set(rx.received.map((r) => r.body)).size).toBe(1);
  });

  it('gives up on a receiver that never answers: FAILED after the last attempt, with the reason', async () => {
    const rx = await receiver(() => 'hang');
    const { reg, hookId } = await fixture(gql, rx.url);
    await moveStaging(gql, reg, 'v1');
    const d = await settled(gql, hookId);
    expect(d).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      lastResponseCode: null,
      lastError: 'timed out after 300 ms (gave up after 3 attempts)',
      nextAttemptAt: null,
    });
    expect(rx.received).toHaveLength(3);
  });

  it('retries when the connection is refused', async () => {
    const closed = await receiver();
    const url = closed.url;
    await closed.stop();
    receivers.splice(receivers.indexOf(closed), 1);
    const { reg, hookId } = await fixture(gql, url);
    await moveStaging(gql, reg, 'v1');
    const d = await settled(gql, hookId);
    expect(d).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      lastResponseCode: null,
    });
    expect(d.lastError).toMatch(/ECONNREFUSED/);
  });

  it.each([[410], [404], [400], [301]])(
    'fails at once on %i: the receiver refused the request, and the same bytes would be refused again',
    async (status) => {
      const headers: Record<string, string> = status === 301 ? { location: 'http://example.com/' } : {};
      const rx = await receiver(() => ({ status, headers }));
      const { reg, hookId } = await fixture(gql, rx.url);
      await moveStaging(gql, reg, 'v1');
      expect(await settled(gql, hookId)).toMatchObject({
        status: 'FAILED',
        attempts: 1,
        lastResponseCode: status,
        nextAttemptAt: null,
      });
      expect(rx.received).toHaveLength(1);
    },
  );

  it('retries 429 and 408, waiting at least as long as Retry-After asks', async () => {
    const rx = await receiver((_r, n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : n === 2 ? { status: 408 } : { status: 204 },
    );
    const { reg, hookId } = await fixture(gql, rx.url);
    await moveStaging(gql, reg, 'v1');
    expect(await settled(gql, hookId)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 3,
      lastResponseCode: 204,
    });
    expect(rx.received[1].at - rx.received[0].at).toBeGreaterThanOrEqual(1000);
  });

  it('backs off exponentially with jitter, capped, and reads Retry-After as seconds or an HTTP date', () => {
    for (let attempt = 1; attempt <= 6; attempt++) {
      const ceiling = Math.min(1000, 100 * 2 ** (attempt - 1));
      expect([backoffMs(attempt, 100, 1000, () => 0), backoffMs(attempt, 100, 1000, () => 1)]).toEqual([
        ceiling / 2,
        ceiling,
      ]);
    }
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    // Only delay-seconds and IMF-fixdate: what Date.parse would also take is ignored, and the usual backoff applies.
    for (const odd of [
      '1.5',
      '-1',
      '+5',
      '1e3',
      '0x10',
      '2025-01-01T00:00:30Z',
      'Wed, 1 Jan 2025 00:00:30 GMT',
      'Wednesday, 01-Jan-25 00:00:30 GMT',
      'Wed Jan  1 00:00:30 2025',
    ]) {
      expect([odd, parseRetryAfter(odd, now)]).toEqual([odd, null]);
      const delay = retryDelayMs(1, parseRetryAfter(odd, now), 100, 1000);
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(100);
    }
  });
});

describe('the outbox across stops and restarts', () => {
  it('delivers events committed while no dispatcher ran, after the server restarts', async () => {
    const a = await startTestServer(FAST);
    let b: Instance | undefined;
    try {
      const rx = await receiver();
      const { reg, hookId, secret } = await fixture((q, v) => a.gql(q, v), rx.url);
      await a.app.dispatcher.stop();
      for (const v of ['v1', 'v0', 'v1']) await moveStaging((q, vars) => a.gql(q, vars), reg, v);
      expect(await a.app.dispatcher.outboxDepth()).toBe(3);
      expect(rx.received).toHaveLength(0);
      await a.app.stop();

      b = await startInstance(a, FAST);
      const gqlB: Gql = (q, v) => b!.gql(q, v);
      await rx.until((got) => got.length === 3);
      await eventually(async () => ((await b!.app.dispatcher.outboxDepth()) === 0 ? true : undefined));
      expect(rx.received).toHaveLength(3);
      const moves = rx.received
        .map((r) => new StandardWebhook(secret).verify(r.body, r.headers as Record<string, string>) as any)
        .map((p) => `${p.previousVersion?.name ?? '-'} -> ${p.version.name}`);
      expect(moves.sort()).toEqual(['- -> v1', 'v0 -> v1', 'v1 -> v0']);
      expect((await deliveriesOf(gqlB, hookId)).edges.map((e) => e.node.status)).toEqual([
        'SUCCEEDED',
        'SUCCEEDED',
        'SUCCEEDED',
      ]);
    } finally {
      await b?.stop();
      await a.stop();
    }
  });

  it('stops claiming on stop() but finishes and records the attempts in flight', async () => {
    const s = await startTestServer(FAST);
    try {
      let release: () => void = () => undefined;
      const slow = new Promise<void>((r) => (release = r));
      const rx = await receiver(async () => {
        await slow;
        return { status: 200 };
      });
      const { reg, hookId } = await fixture((q, v) => s.gql(q, v), rx.url, {
        events: ['ALIAS_SET'],
      });
      await moveStaging((q, v) => s.gql(q, v), reg, 'v1');
      await rx.until((got) => got.length === 1);
      const stopping = s.app.dispatcher.stop();
      release();
      await stopping;
      // Recorded before stop() returned.
      expect((await deliveriesOf((q, v) => s.gql(q, v), hookId)).edges[0].node).toMatchObject({
        status: 'SUCCEEDED',
        attempts: 1,
      });

      await moveStaging((q, v) => s.gql(q, v), reg, 'v0');
      await new Promise((r) => setTimeout(r, 400));
      expect(rx.received).toHaveLength(1);
      expect(await s.app.dispatcher.outboxDepth()).toBe(1);
      s.app.dispatcher.start();
      await rx.until((got) => got.length === 2);
    } finally {
      await s.stop();
    }
  });
});

describe('recording outcomes', () => {
  it('logs an attempt whose delivery was deleted meanwhile as not recorded, never as delivered', async () => {
    const lines: Record<string, unknown>[] = [];
    const s = await startTestServer(
      { ...FAST, WEBHOOK_TIMEOUT_MS: '10000' },
      { logger: createLogger('debug', (l) => void lines.push(JSON.parse(l))) },
    );
    try {
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => (release = r));
      const rx = await receiver(async () => {
        await held;
        return { status: 200 };
      });
      const gql: Gql = (q, v) => s.gql(q, v);
      const { reg, hookId } = await fixture(gql, rx.url);
      await moveStaging(gql, reg, 'v1');
      await rx.until((got) => got.length === 1);
      await ok(gql, `mutation($id: ID!) { deleteWebhook(input: {webhook: $id}) { deletedWebhookId } }`, { id: hookId });
      release();
      await eventually(
        async () => lines.find((l) => String(l.msg).startsWith('webhook delivery outcome not recorded')),
        15_000,
        'the log line',
      );
      expect(lines.find((l) => String(l.msg).startsWith('webhook delivery outcome not recorded'))).toMatchObject({
        level: 'warn',
        webhook: fromGlobalId(hookId).id,
        event: 'alias.set',
        status: 'SUCCEEDED',
        responseCode: 200,
      });
      expect(lines.filter((l) => l.msg === 'webhook delivered')).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});

describe('a stopping server', () => {
  it('claims no deliveries once it begins to stop, even while requests in flight finish', async () => {
    const s = await startTestServer({ ...FAST, WEBHOOK_TIMEOUT_MS: '10000' });
    try {
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => (release = r));
      const rx = await receiver(async (r) => {
        if (r.json?.type === 'webhook.ping') await held;
        return { status: 200 };
      });
      const { hookId } = await fixture((q, v) => s.gql(q, v), rx.url);
      // testWebhook waits for the receiver's answer: a request in flight for as long as we hold it.
      const ping = s.gql(
        `mutation($id: ID!) { testWebhook(input: {webhook: $id}) { delivery { status lastError } } }`,
        { id: hookId },
      );
      await rx.until((got) => got.length === 1);
      const stopped = s.app.stop();
      // An event committed meanwhile (by another server: this one accepts no more requests).
      await s.db.ds.manager.insert(
        WebhookDeliveryEntity,
        newDelivery(fromGlobalId(hookId).id, `evt_${uuidv7()}`, 'alias.set', {}, new Date()),
      );
      // Several poll intervals (50 ms) while the request is still in flight.
      await new Promise((r) => setTimeout(r, 400));
      release();
      expect((await ping).data.testWebhook.delivery).toEqual({
        status: 'SUCCEEDED',
        lastError: null,
      });
      await stopped;
      expect(rx.received).toHaveLength(1);
      expect(
        await s.db.ds.query(
          "SELECT status, claim_token AS claimToken FROM webhook_delivery WHERE event_type = 'alias.set'",
        ),
      ).toEqual([{ status: 'PENDING', claimToken: null }]);
    } finally {
      await s.stop();
    }
  });
});

describe('two dispatchers on one database', () => {
  let cleanup = () => undefined as void;
  afterEach(() => cleanup());

  it('deliver each event exactly once between them, both taking part', async () => {
    const s = await startTestServer(FAST);
    const instances: Instance[] = [];
    try {
      const gql: Gql = (q, v) => s.gql(q, v);
      // Each instance sends at most 2 at a time, so 4 requests in flight at once means both are
      // sending: the receiver holds its first answers until it sees that (or 5 s pass).
      let inFlight = 0;
      let bothSending = false;
      const held: (() => void)[] = [];
      const timers: NodeJS.Timeout[] = [];
      cleanup = () => timers.forEach(clearTimeout);
      const rx = await receiver(async () => {
        if (!bothSending && ++inFlight >= 4) {
          bothSending = true;
          held.splice(0).forEach((go) => go());
        }
        if (!bothSending) await new Promise<void>((go) => (held.push(go), timers.push(setTimeout(go, 5000))));
        return { status: 200, delayMs: 5 };
      });
      const { reg, hookId, secret } = await fixture(gql, rx.url);
      await s.app.dispatcher.stop();
      const N = 24;
      for (let i = 0; i < N; i++) await moveStaging(gql, reg, i % 2 === 0 ? 'v1' : 'v0');
      expect(await s.app.dispatcher.outboxDepth()).toBe(N);

      const sent = [0, 0];
      const env = {
        ...FAST,
        WEBHOOK_CONCURRENCY: '2',
        WEBHOOK_TIMEOUT_MS: '10000',
      };
      for (const i of [0, 1]) {
        const logger = createLogger('debug', (line) => {
          if (line.includes('"webhook delivered"')) sent[i] += 1;
        });
        instances.push(await startInstance(s, env, logger));
      }
      await rx.until((got) => new Set(got.map((r) => r.headers['webhook-id'])).size === N, 30_000);
      await eventually(async () => ((await s.app.dispatcher.outboxDepth()) === 0 ? true : undefined));
      // A dispatcher logs a delivery just after recording it: wait for the log lines as well, then
      // require exactly one per event (a second send would log a second line).
      await eventually(async () => (sent[0] + sent[1] >= N ? true : undefined), 5000, 'a log line per delivery');
      await new Promise((r) => setTimeout(r, 200));

      expect(bothSending).toBe(true);
      expect(rx.received).toHaveLength(N);
      expect(new Set(rx.received.map((r) => r.headers['webhook-id'])).size).toBe(N);
      for (const r of rx.received) new StandardWebhook(secret).verify(r.body, r.headers as Record<string, string>);
      expect(sent[0] + sent[1]).toBe(N);
      expect(sent.every((n) => n > 0)).toBe(true);
      const rows = (await deliveriesOf(gql, hookId)).edges.map((e) => e.node);
      expect(rows.every((d) => d.status === 'SUCCEEDED' && d.attempts === 1)).toBe(true);
      console.log(
        `two dispatchers (${s.db.ds.options.type}): ${N} events, sent ${sent[0]} + ${sent[1]}, received ${rx.received.length}`,
      );
    } finally {
      for (const i of instances) await i.stop();
      await s.stop();
    }
  });
});

describe('claiming', () => {
  /** `n` due deliveries of a webhook, written straight into the outbox. */
  async function queue(s: TestServer, hookId: string, n: number): Promise<void> {
    const webhookId = fromGlobalId(hookId).id;
    const at = new Date(Date.now() - 60_000);
    const rows = Array.from({ length: n }, (_, i) =>
      newDelivery(webhookId, `evt_${uuidv7()}`, 'alias.set', { n: i }, new Date(at.getTime() + i)),
    );
    await s.db.ds.manager.insert(WebhookDeliveryEntity, rows);
  }

  it('gives two connection pools claiming at the same time different rows, both getting some', async () => {
    const s = await startTestServer(FAST);
    const other = createDataSource(s.db.config);
    try {
      await s.app.dispatcher.stop();
      const { hookId } = await fixture((q, v) => s.gql(q, v), 'https://hooks.example.com/claims');
      await queue(s, hookId, 60);
      await other.initialize();
      const a = s.app.services.webhookDelivery.outbox;
      const b = new Outbox(new Database(other));
      const ids = (claimed: Claimed[]) => claimed.map((c) => c.delivery.id);

      const [first, second] = await Promise.all([a.claimDue(10, 60_000), b.claimDue(10, 60_000)]);
      expect(ids(first).filter((id) => ids(second).includes(id))).toEqual([]);
      if (s.db.config.kind === 'mysql') {
        expect([first.length, second.length]).toEqual([10, 10]);
        // While one pool holds its claim's row locks, the other still claims the next due rows:
        // the locking read stops at its LIMIT instead of locking the whole backlog.
        const db = new Database(s.db.ds);
        const [held, meanwhile] = await db.transaction(async (em) => {
          const locked = (await a.dueIds(em, new Date(), 10, true)).map((r) => r.id);
          return [locked, ids(await b.claimDue(10, 60_000))];
        });
        expect([held.length, meanwhile.length]).toEqual([10, 10]);
        expect(held.filter((id) => meanwhile.includes(id))).toEqual([]);
      } else {
        // SQLite has one writer: a claim that loses the race gets nothing this round, never a row twice.
        expect(first.length + second.length).toBeGreaterThanOrEqual(10);
      }
    } finally {
      if (other.isInitialized) await other.destroy();
      await s.stop();
    }
  });

  it('parks the deliveries of a webhook switched off, and sends them when it is switched on again', async () => {
    const s = await startTestServer(FAST);
    try {
      const gql: Gql = (q, v) => s.gql(q, v);
      const rx = await receiver();
      const { reg, hookId } = await fixture(gql, rx.url);
      await s.app.dispatcher.stop();
      for (const v of ['v1', 'v0', 'v1']) await moveStaging(gql, reg, v);
      await ok(gql, UPDATE_HOOK, { i: { webhook: hookId, active: false } });
      const queued = (await deliveriesOf(gql, hookId)).edges.map((e) => e.node);
      expect(queued.map((d) => [d.status, d.nextAttemptAt])).toEqual([
        ['PENDING', null],
        ['PENDING', null],
        ['PENDING', null],
      ]);
      const outbox = s.app.services.webhookDelivery.outbox;
      expect(await outbox.claimDue(10, 60_000)).toEqual([]);

      // A retry recorded just as the webhook was switched off is due again: its claim parks it.
      await s.db.ds.query('UPDATE webhook_delivery SET next_attempt_at = ? WHERE event_id = ?', [
        new Database(s.db.ds).dialect.timestamp(new Date(Date.now() - 1000)),
        queued[0].eventId,
      ]);
      expect(await outbox.claimDue(10, 60_000)).toEqual([]);
      expect((await deliveriesOf(gql, hookId)).edges.map((e) => e.node.nextAttemptAt)).toEqual([null, null, null]);

      // A ping still goes out while it is off; redelivering it queues it parked.
      const ping = (
        await ok(gql, `mutation($id: ID!) { testWebhook(input: {webhook: $id}) { delivery { id status } } }`, {
          id: hookId,
        })
      ).testWebhook.delivery;
      expect(ping.status).toBe('SUCCEEDED');
      const again = (
        await ok(
          gql,
          `mutation($id: ID!) { redeliverWebhookDelivery(input: {delivery: $id}) { delivery { status nextAttemptAt } } }`,
          { id: ping.id },
        )
      ).redeliverWebhookDelivery.delivery;
      expect(again).toEqual({ status: 'PENDING', nextAttemptAt: null });
      expect(await outbox.claimDue(10, 60_000)).toEqual([]);
      expect(rx.received).toHaveLength(1);

      await ok(gql, UPDATE_HOOK, { i: { webhook: hookId, active: true } });
      expect(
        (await deliveriesOf(gql, hookId)).edges.filter(
          (e) => e.node.status === 'PENDING' && e.node.nextAttemptAt !== null,
        ),
      ).toHaveLength(4);
      s.app.dispatcher.start();
      await rx.until((got) => got.length === 5);
      expect(types(rx.received).sort()).toEqual([
        'alias.set',
        'alias.set',
        'alias.set',
        'webhook.ping',
        'webhook.ping',
      ]);
    } finally {
      await s.stop();
    }
  });
});

describe('retention', () => {
  /** Finished deliveries of a webhook that completed `daysAgo` days ago, written straight into the outbox. */
  async function history(s: TestServer, hookId: string, n: number, daysAgo: number): Promise<void> {
    const webhookId = fromGlobalId(hookId).id;
    const done = new Date(Date.now() - daysAgo * 86_400_000);
    for (let i = 0; i < n; i += 250) {
      const rows = Array.from({ length: Math.min(250, n - i) }, (_, k) => ({
        ...newDelivery(webhookId, `evt_${uuidv7()}`, 'alias.set', { n: i + k }, done),
        status: k % 3 === 0 ? ('FAILED' as const) : ('SUCCEEDED' as const),
        attempts: 1,
        nextAttemptAt: null,
        lastAttemptAt: done,
        completedAt: done,
      }));
      await s.db.ds.manager.insert(WebhookDeliveryEntity, rows);
    }
  }
  const count = async (s: TestServer, where = '1 = 1') =>
    Number((await s.db.ds.query(`SELECT COUNT(*) AS n FROM webhook_delivery WHERE ${where}`))[0].n);

  it('deletes deliveries finished more than WEBHOOK_DELIVERY_RETENTION_DAYS ago, 500 per statement, and keeps the rest', async () => {
    const s = await startTestServer({
      ...FAST,
      WEBHOOK_DELIVERY_RETENTION_DAYS: '2',
    });
    try {
      const gql: Gql = (q, v) => s.gql(q, v);
      const { hookId } = await fixture(gql, 'https://hooks.example.com/retention');
      await history(s, hookId, 1203, 3);
      await history(s, hookId, 7, 1);
      // Pending for days (a receiver down, its webhook off): not finished, so kept.
      const webhookId = fromGlobalId(hookId).id;
      const old = new Date(Date.now() - 5 * 86_400_000);
      await s.db.ds.manager.insert(WebhookDeliveryEntity, [
        {
          ...newDelivery(webhookId, `evt_${uuidv7()}`, 'alias.set', {}, old),
          nextAttemptAt: null,
        },
      ]);

      expect(
        await s.app.services.webhookDelivery.outbox.pruneFinished(new Date(Date.now() - 2 * 86_400_000), DELETE_BATCH),
      ).toBe(500);
      expect(await s.app.dispatcher.prune()).toBe(703);
      expect(await s.app.dispatcher.prune()).toBe(0);
      expect(await count(s)).toBe(8);
      expect(await count(s, "status = 'PENDING'")).toBe(1);
    } finally {
      await s.stop();
    }
  });

  it('deletes a webhook with a history longer than one batch', async () => {
    const s = await startTestServer(FAST);
    try {
      const gql: Gql = (q, v) => s.gql(q, v);
      const { reg, hookId } = await fixture(gql, 'https://hooks.example.com/long-history');
      await s.app.dispatcher.stop();
      await history(s, hookId, 1100, 0);
      await moveStaging(gql, reg, 'v1');
      expect(await count(s)).toBe(1101);
      expect(
        (
          await ok(gql, `mutation($id: ID!) { deleteWebhook(input: {webhook: $id}) { deletedWebhookId } }`, {
            id: hookId,
          })
        ).deleteWebhook.deletedWebhookId,
      ).toBe(hookId);
      expect(await count(s)).toBe(0);
    } finally {
      await s.stop();
    }
  });
});

describe('URL safety at the moment of connecting', () => {
  it('classifies addresses: loopback, private, link-local and metadata refused; metadata even when private networks are allowed', () => {
    const table: [string, string | null, string | null][] = [
      ['127.0.0.1', 'loopback', null],
      ['::1', 'loopback', null],
      ['10.1.2.3', 'private', null],
      ['172.20.0.1', 'private', null],
      ['192.168.1.1', 'private', null],
      ['100.64.0.1', 'private', null],
      ['fd12:3456::1', 'private', null],
      ['169.254.10.10', 'link-local', null],
      ['fe80::1', 'link-local', null],
      ['169.254.169.254', 'cloud metadata', 'cloud metadata'],
      ['fd00:ec2::254', 'cloud metadata', 'cloud metadata'],
      ['0.0.0.0', 'unspecified', 'unspecified'],
      ['::ffff:127.0.0.1', 'loopback', null],
      ['::ffff:169.254.169.254', 'cloud metadata', 'cloud metadata'],
      ['64:ff9b::a00:1', 'private', null],
      ['2002:7f00:1::', 'loopback', null],
      ['224.0.0.1', 'multicast', 'multicast'],
      ['8.8.8.8', null, null],
      ['2606:4700:4700::1111', null, null],
      ['93.184.215.14', null, null],
      // EKS Pod Identity, and IPv4 inside IPv4-compatible, IPv4-translated and local-use NAT64 addresses.
      ['169.254.170.23', 'cloud metadata', 'cloud metadata'],
      ['fd00:ec2::23', 'cloud metadata', 'cloud metadata'],
      ['::127.0.0.1', 'loopback', null],
      ['::a9fe:a9fe', 'cloud metadata', 'cloud metadata'],
      ['::ffff:0:127.0.0.1', 'loopback', null],
      ['::ffff:0:a9fe:aa17', 'cloud metadata', 'cloud metadata'],
      ['64:ff9b:1::7f00:1', 'loopback', null],
      ['64:ff9b:1:abcd::a9fe:a9fe', 'cloud metadata', 'cloud metadata'],
      ['64:ff9b:1::808:808', null, null],
      ['::808:808', null, null],
      ['::ffff:0:808:808', null, null],
      ['::', 'unspecified', 'unspecified'],
    ];
    expect(table.map(([a]) => [a, refusal(a, false), refusal(a, true)])).toEqual(table);
  });

  it('refuses, when resolving, a name whose address is loopback', async () => {
    const err = await new Promise<Error | null>((resolve) => guardedLookup(false)('localhost', {}, (e) => resolve(e)));
    expect(err?.message).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
    const allowed = await new Promise<Error | null>((resolve) =>
      guardedLookup(true)('localhost', {}, (e) => resolve(e)),
    );
    expect(allowed).toBeNull();
  });

  it('refuses loopback URLs without WEBHOOK_ALLOW_PRIVATE_NETWORKS, and fails deliveries whose address became forbidden', async () => {
    // A made the webhooks while private networks were allowed; B, on the same database, does not allow them.
    const a = await startTestServer(FAST);
    let b: Instance | undefined;
    try {
      await a.app.dispatcher.stop();
      const rx = await receiver();
      const port = new URL(rx.url).port;
      const gqlA: Gql = (q, v) => a.gql(q, v);
      const { reg, hookId: byName } = await fixture(gqlA, `http://localhost:${port}/hooks`);
      const byIp = (
        await ok(gqlA, CREATE_HOOK, {
          i: { registry: reg, url: rx.url, events: ['ALIAS_SET'] },
        })
      ).createWebhook.webhook.id;
      await moveStaging(gqlA, reg, 'v1');

      b = await startInstance(a, {
        ...FAST,
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
      });
      const gqlB: Gql = (q, v) => b!.gql(q, v);
      for (const url of [
        rx.url,
        `http://localhost:${port}/`,
        'http://10.0.0.8/hook',
        'http://[::1]/hook',
        'http://192.168.0.10/',
        'http://[fe80::1]/',
        'http://2130706433/',
      ]) {
        const r = await b.gql(CREATE_HOOK, {
          i: { registry: reg, url, events: ['ALIAS_SET'] },
        });
        expect([url, codeOf(r as any)]).toEqual([url, 'BAD_USER_INPUT']);
        expect(r.errors![0].message).toMatch(/WEBHOOK_ALLOW_PRIVATE_NETWORKS/);
      }
      expect(await settled(gqlB, byName)).toMatchObject({
        status: 'FAILED',
        attempts: 1,
        lastResponseCode: null,
        lastError: expect.stringMatching(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/),
      });
      expect(await settled(gqlB, byIp)).toMatchObject({
        status: 'FAILED',
        attempts: 1,
        lastError: 'refused: 127.0.0.1 is a loopback address',
      });
      expect(rx.received).toHaveLength(0);
    } finally {
      await b?.stop();
      await a.stop();
    }
  });
});

describe('settings', () => {
  it('validates the WEBHOOK_* settings, naming the variable', () => {
    // A send that has started can finish within the shutdown's deadline.
    expect(loadConfig({}).shutdownTimeoutMs).toBe(15_000);
    expect(loadConfig({}).shutdownTimeoutMs).toBeGreaterThan(loadConfig({}).webhooks.timeoutMs);
    expect(loadConfig({}).webhooks).toEqual({
      allowPrivateNetworks: false,
      maxAttempts: 12,
      timeoutMs: 10_000,
      pollMs: 1000,
      backoffBaseMs: 10_000,
      backoffMaxMs: 3_600_000,
      concurrency: 8,
      retentionDays: 30,
    });
    const bad: [string, string][] = [
      ['WEBHOOK_MAX_ATTEMPTS', '0'],
      ['WEBHOOK_TIMEOUT_MS', 'soon'],
      ['WEBHOOK_POLL_MS', '5'],
      ['WEBHOOK_ALLOW_PRIVATE_NETWORKS', 'maybe'],
      ['WEBHOOK_CONCURRENCY', '1000'],
      ['WEBHOOK_BACKOFF_BASE_MS', '-1'],
      ['WEBHOOK_DELIVERY_RETENTION_DAYS', '0'],
      ['WEBHOOK_DELIVERY_RETENTION_DAYS', '30d'],
    ];
    for (const [name, value] of bad) {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} `));
    }
    expect(() =>
      loadConfig({
        WEBHOOK_BACKOFF_BASE_MS: '5000',
        WEBHOOK_BACKOFF_MAX_MS: '1000',
      }),
    ).toThrow(/^WEBHOOK_BACKOFF_MAX_MS should be at least WEBHOOK_BACKOFF_BASE_MS/);
  });
});
