import { WebhookConfig } from '../config';
import { WebhookDeliveryEntity } from '../webhooks/delivery.entity';
import { Outbox, Outcome } from './outbox';
import { retryDelayMs } from './retry';
import { SendResult, WebhookSender } from './sender';
import { signedHeaders } from './signing';
import { slackText } from './slack';
import { WebhookEntity } from '../webhooks/webhook.entity';

export const USER_AGENT = 'model-registry-webhooks/1';

/** The exact bytes a delivery sends: the frozen payload, or for SLACK a message made from it. */
export function bodyOf(webhook: WebhookEntity, delivery: WebhookDeliveryEntity): string {
  return JSON.stringify(webhook.format === 'SLACK' ? { text: slackText(delivery.payload) } : delivery.payload);
}

/** The secrets that sign now: the current one, and the previous one until its grace period ends. */
export function signingSecrets(webhook: WebhookEntity, now: Date): string[] {
  const previous =
    webhook.previousSecret && webhook.previousSecretExpiresAt && webhook.previousSecretExpiresAt > now
      ? [webhook.previousSecret]
      : [];
  return [webhook.secret, ...previous];
}

/**
 * One attempt at one claimed delivery: sign, POST, and record what happened. Shared by the
 * dispatcher and testWebhook, so a ping goes out exactly as an event would.
 */
export class DeliveryAttempts {
  /** Longer than any attempt can take, so a lease ends only if its dispatcher died. */
  readonly leaseMs: number;

  constructor(
    readonly outbox: Outbox,
    private readonly sender: WebhookSender,
    private readonly config: WebhookConfig,
  ) {
    this.leaseMs = config.timeoutMs + 30_000;
  }

  /**
   * Tries a claimed delivery once; `maxAttempts` 1 makes a failure final (testWebhook's ping).
   * `recorded` is false when the row was no longer held under this claim (its lease ran out and
   * it was claimed again, or it was deleted): the outcome was then not written.
   */
  async attempt(
    delivery: WebhookDeliveryEntity,
    webhook: WebhookEntity,
    maxAttempts = this.config.maxAttempts,
  ): Promise<Outcome & { recorded: boolean }> {
    let result: SendResult;
    try {
      const now = new Date();
      const body = bodyOf(webhook, delivery);
      const headers = {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        ...signedHeaders(signingSecrets(webhook, now), delivery.eventId, body, now),
      };
      result = await this.sender.post(webhook.url, headers, body);
    } catch (err) {
      // A delivery that cannot even be sent would otherwise be claimed again after every lease.
      result = {
        ok: false,
        status: null,
        retryable: false,
        retryAfterMs: null,
        error: `could not send: ${(err as Error).message}`.slice(0, 255),
      };
    }
    const attempts = delivery.attempts + 1;
    const attemptedAt = new Date();
    let outcome: Outcome;
    if (result.ok) {
      outcome = {
        status: 'SUCCEEDED',
        responseCode: result.status,
        error: null,
        attemptedAt,
        nextAttemptAt: null,
      };
    } else if (result.retryable && attempts < maxAttempts) {
      const delay = retryDelayMs(attempts, result.retryAfterMs, this.config.backoffBaseMs, this.config.backoffMaxMs);
      outcome = {
        status: 'PENDING',
        responseCode: result.status,
        error: result.error,
        attemptedAt,
        nextAttemptAt: new Date(attemptedAt.getTime() + delay),
      };
    } else {
      const error =
        result.retryable && maxAttempts > 1 ? `${result.error} (gave up after ${attempts} attempts)` : result.error;
      outcome = {
        status: 'FAILED',
        responseCode: result.status,
        error: error && error.slice(0, 255),
        attemptedAt,
        nextAttemptAt: null,
      };
    }
    return {
      ...outcome,
      recorded: await this.outbox.record(delivery, outcome),
    };
  }
}
