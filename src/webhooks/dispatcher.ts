import { Logger } from '../common/logger';
import { WebhookConfig } from '../config';
import { DeliveryAttempts } from './attempt';
import { Claimed } from './outbox';

/**
 * Sends the outbox, in the server process. Every `pollMs` (and whenever an attempt ends and there
 * is room) it claims due deliveries, up to `concurrency` in flight, and attempts each. Several
 * instances may share a database: claims never overlap (see Outbox.claimDue). `stop()` stops
 * claiming and waits for the attempts in flight to end and be recorded.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly attempts: DeliveryAttempts,
    private readonly config: WebhookConfig,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopping = false;
    this.timer = setInterval(() => this.poll(), this.config.pollMs);
    this.timer.unref();
    this.poll();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    await Promise.all([...this.inFlight]);
  }

  /** Deliveries waiting to be sent, for metrics and health checks. */
  outboxDepth(): Promise<number> {
    return this.attempts.outbox.depth();
  }

  /** Looks for due deliveries now (one poll at a time). */
  poll(): void {
    if (this.stopping || this.polling) return;
    this.polling = this.fill()
      .catch((err) => this.logger.error('webhook outbox poll failed', { error: (err as Error).message }))
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
        const fields = { webhook: webhook.id, delivery: delivery.id, event: delivery.eventType, attempt: delivery.attempts + 1, status: o.status, responseCode: o.responseCode };
        if (o.status === 'SUCCEEDED') this.logger.debug('webhook delivered', fields);
        else this.logger.warn('webhook delivery attempt failed', { ...fields, error: o.error, nextAttemptAt: o.nextAttemptAt?.toISOString() ?? null });
      })
      .catch((err) => this.logger.error('webhook delivery attempt crashed', { webhook: webhook.id, delivery: delivery.id, error: (err as Error).message }))
      .finally(() => {
        this.inFlight.delete(run);
        // A slot is free: a backlog drains at the speed of the receivers, not of the poll.
        this.poll();
      });
    this.inFlight.add(run);
  }
}
