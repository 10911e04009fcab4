import Redis from 'ioredis';
import { CommittedEvent } from '../changes';
import { Logger } from '../common/logger';
import { LiveBus } from './bus';

/** How long start() waits for Redis before the server starts anyway (live updates then come up later). */
const FIRST_CONNECT_MS = 5000;
/**
 * A link to Redis can go silent without closing (a stalled proxy or NAT): nothing errors, and
 * events would be lost unseen. So a publish that gets no answer within PUBLISH_TIMEOUT_MS counts
 * as dropped, and the subscriber sends PING every HEARTBEAT_MS: one unanswered for HEARTBEAT_TIMEOUT_MS
 * drops the connection, which reports the bus down (docs/live.md, "When Redis is away").
 */
const PUBLISH_TIMEOUT_MS = 1500;
const HEARTBEAT_MS = 1000;
const HEARTBEAT_TIMEOUT_MS = 2000;

/** What one message on the channel holds: the events of one transaction. */
interface Envelope {
  v: 1;
  events: CommittedEvent[];
}

export interface RedisBusOptions {
  url: string;
  channel: string;
  logger: Logger;
  /** Counts events that could not be published (Redis unreachable). */
  onDropped?: (count: number) => void;
}

/**
 * The bus across replicas: one Redis connection publishes, another subscribes, to one channel.
 * Redis delivers a channel's messages in the order it received them, and each server publishes
 * in commit order, so a model's events arrive in commit order everywhere.
 *
 * Pub/sub keeps nothing: a message published while a server's subscription is down is lost to
 * it. So when the subscribing connection drops, the bus reports itself down (the fan-out ends
 * every subscription with UNAVAILABLE: "events may have been missed"), and up once it has
 * subscribed again. Publishing does not queue while Redis is away (`enableOfflineQueue: false`):
 * the event is dropped, counted and logged, and the mutation that made it has succeeded.
 */
export class RedisBus implements LiveBus {
  readonly kind = 'redis' as const;
  private readonly pub: Redis;
  private readonly sub: Redis;
  private subscribed = false;
  private heartbeat: NodeJS.Timeout;
  private pingOutstanding = false;
  private stopping = false;
  private readonly eventHandlers: ((events: CommittedEvent[]) => void)[] = [];
  private readonly statusHandlers: ((up: boolean) => void)[] = [];

  constructor(private readonly opts: RedisBusOptions) {
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // Reconnect for ever, a little later each time, at most every 2 s.
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
      connectionName: 'model-registry-live',
    };
    this.pub = new Redis(opts.url, { ...common, commandTimeout: PUBLISH_TIMEOUT_MS });
    // The subscriber re-subscribes itself on reconnect (see start), so the moment it is up is known.
    this.sub = new Redis(opts.url, { ...common, autoResubscribe: false });
    for (const [role, client] of [
      ['publisher', this.pub],
      ['subscriber', this.sub],
    ] as const) {
      // ioredis reports each failed reconnect; the status change is what operators need.
      client.on('error', (err: Error) => this.opts.logger.debug('redis error', { role, error: err.message }));
    }
    this.sub.on('ready', () => void this.resubscribe());
    this.sub.on('close', () => this.down());
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    this.sub.on('message', (channel: string, message: string) => {
      if (channel !== this.opts.channel) return;
      let envelope: Envelope;
      try {
        envelope = JSON.parse(message) as Envelope;
      } catch {
        this.opts.logger.warn('ignored a message on the live channel that is not JSON', { channel: this.opts.channel });
        return;
      }
      if (envelope?.v !== 1 || !Array.isArray(envelope.events)) return;
      for (const handler of this.eventHandlers) handler(envelope.events);
    });
  }

  get up(): boolean {
    return this.subscribed;
  }

  publish(events: CommittedEvent[]): void {
    const envelope: Envelope = { v: 1, events };
    this.pub.publish(this.opts.channel, JSON.stringify(envelope)).catch((err: Error) => {
      this.opts.onDropped?.(events.length);
      // A publish that timed out means the link is silent, not closed: start both connections
      // afresh, which reports the bus down (subscribers may have missed this event).
      if (/timed out/i.test(err.message) && this.subscribed && !this.stopping) {
        this.pub.disconnect(true);
        this.sub.disconnect(true);
      }
      this.opts.logger.warn('live events not published: Redis is unreachable; subscribers will miss them', {
        events: events.length,
        error: err.message,
      });
    });
  }

  onEvents(handler: (events: CommittedEvent[]) => void): void {
    this.eventHandlers.push(handler);
  }

  onStatus(handler: (up: boolean) => void): void {
    this.statusHandlers.push(handler);
  }

  async start(): Promise<void> {
    const connecting = Promise.all([this.pub.connect(), this.sub.connect()]).then(
      () => this.waitUntilSubscribed(),
      () => undefined,
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => (timer = setTimeout(r, FIRST_CONNECT_MS)));
    await Promise.race([connecting, late]);
    clearTimeout(timer);
    if (!this.subscribed)
      this.opts.logger.error('Redis (REDIS_URL) is unreachable: live updates are off until it answers; retrying', {
        channel: this.opts.channel,
      });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.heartbeat);
    this.pub.disconnect();
    this.sub.disconnect();
  }

  /** PING on the subscribing connection (allowed in subscribe mode); no answer in time drops it. */
  private beat(): void {
    if (this.stopping || this.pingOutstanding || this.sub.status !== 'ready') return;
    this.pingOutstanding = true;
    const sub = this.sub;
    const timer = setTimeout(() => {
      this.opts.logger.warn('Redis did not answer PING on the live channel connection; reconnecting', {
        timeoutMs: HEARTBEAT_TIMEOUT_MS,
      });
      sub.disconnect(true);
    }, HEARTBEAT_TIMEOUT_MS);
    sub
      .ping()
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        this.pingOutstanding = false;
      });
  }

  private async resubscribe(): Promise<void> {
    try {
      await this.sub.subscribe(this.opts.channel);
    } catch (err) {
      this.opts.logger.warn('could not subscribe to the live channel; retrying on the next reconnect', {
        error: (err as Error).message,
      });
      this.sub.disconnect(true);
      return;
    }
    if (this.subscribed) return;
    this.subscribed = true;
    this.opts.logger.info('live updates: subscribed to Redis', { channel: this.opts.channel });
    for (const handler of this.statusHandlers) handler(true);
  }

  private down(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    if (!this.stopping)
      this.opts.logger.error('live updates interrupted: the connection to Redis (REDIS_URL) was lost; reconnecting', {
        channel: this.opts.channel,
      });
    for (const handler of this.statusHandlers) handler(false);
  }

  private waitUntilSubscribed(): Promise<void> {
    if (this.subscribed) return Promise.resolve();
    return new Promise((resolve) => this.statusHandlers.push((up) => up && resolve()));
  }
}
