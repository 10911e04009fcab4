import { Logger } from '../common/logger';
import { WebhookConfig } from '../config';
import { DeliveryAttempts } from './attempt';
import { Claimed, DELETE_BATCH } from './outbox';

const PRUNE_EVERY_MS = 3600_000;
const DAY_MS = 86_400_000;

/**
 * Sends the outbox, in the server process. Every `pollMs` (and whenever an attempt ends and there
 * is room) it claims due deliveries, up to `concurrency` in flight, and attempts each. Several
 * instances may share a database: claims never overlap (see Outbox.claimDue). `stop()` stops
 * claiming and waits for the attempts in flight to end and be recorded.
 * At start and then hourly it also deletes deliveries finished more than
 * WEBHOOK_DELIVERY_RETENTION_DAYS ago, so the outbox table does not grow without end.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private pruning: Promise<unknown> | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly attempts: DeliveryAttempts,
    private readonly config: WebhookConfig,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopping = false;
    this.stopped = null;
    this.timer = setInterval(() => this.poll(), this.config.pollMs);
    this.timer.unref();
    this.pruneTimer = setInterval(() => this.schedulePrune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.poll();
    this.schedulePrune();
  }

  /** Stops claiming at once; resolves when the attempts in flight are recorded. Called again, the same promise. */
  stop(): Promise<void> {
    this.stopped ??= this.drain();
    return this.stopped;
  }

  private async drain(): Promise<void> {
    this.stopping = true;
    for (const timer of [this.timer, this.pruneTimer]) if (timer) clearInterval(timer);
    this.timer = this.pruneTimer = null;
    // A poll that is claiming launches what it claimed: wait for it before counting what is in flight.
    await Promise.all([this.polling, this.pruning]);
    await Promise.all([...this.inFlight]);
  }

  /**
   * Deletes deliveries that finished more than WEBHOOK_DELIVERY_RETENTION_DAYS ago, DELETE_BATCH
   * rows per statement until none are left (or the dispatcher stops). Returns how many.
   */
  async prune(): Promise<number> {
    const before = new Date(Date.now() - this.config.retentionDays * DAY_MS);
    let deleted = 0;
    while (!this.stopping) {
      const n = await this.attempts.outbox.pruneFinished(before, DELETE_BATCH);
      deleted += n;
      if (n < DELETE_BATCH) break;
    }
    return deleted;
  }

  private schedulePrune(): void {
    if (this.stopping || this.pruning) return;
    this.pruning = this.prune()
      .then(
        (deleted) =>
          deleted > 0 &&
          this.logger.info('old webhook deliveries deleted', {
            deleted,
            retentionDays: this.config.retentionDays,
          }),
      )
      .catch((err) =>
        this.logger.error('deleting old webhook deliveries failed', {
          error: (err as Error).message,
        }),
      )
      .finally(() => (this.pruning = null));
  }

  /** Deliveries waiting to be sent, for metrics and health checks. */
  outboxDepth(): Promise<number> {
    return this.attempts.outbox.depth();
  }

  /** Looks for due deliveries now (one poll at a time). */
  poll(): void {
    if (this.stopping || this.polling) return;
    this.polling = this.fill()
      .catch((err) =>
        this.logger.error('webhook outbox poll failed', {
          error: (err as Error).message,
        }),
      )
      .finally(() => (this.polling = null));
  }

  private async fill(): Promise<void> {
    while (!this.stopping) {
      const room = this.config.concurrency - this.inFlight.size;
      if (room <= 0) return;
      const claimed = await this.attempts.outbox.claimDue(room, this.attempts.leaseMs);
      for (const c of claimed) this.launch(c);
      if (claimed.length < room) return;
    }
  }

  private launch({ delivery, webhook }: Claimed): void {
    const run = this.attempts
      .attempt(delivery, webhook)
      .then((o) => {
        const fields = {
          webhook: webhook.id,
          delivery: delivery.id,
          event: delivery.eventType,
          attempt: delivery.attempts + 1,
          status: o.status,
          responseCode: o.responseCode,
        };
        if (!o.recorded)
          this.logger.warn(
            'webhook delivery outcome not recorded: the delivery was claimed again or deleted meanwhile',
            fields,
          );
        else if (o.status === 'SUCCEEDED') this.logger.debug('webhook delivered', fields);
        else
          this.logger.warn('webhook delivery attempt failed', {
            ...fields,
            error: o.error,
            nextAttemptAt: o.nextAttemptAt?.toISOString() ?? null,
          });
      })
      .catch((err) =>
        this.logger.error('webhook delivery attempt crashed', {
          webhook: webhook.id,
          delivery: delivery.id,
          error: (err as Error).message,
        }),
      )
      .finally(() => {
        this.inFlight.delete(run);
        // A slot is free: a backlog drains at the speed of the receivers, not of the poll.
        this.poll();
      });
    this.inFlight.add(run);
  }
}
