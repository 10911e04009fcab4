import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { enumOf } from '../common/enum-of';
import { ID, JSON_DOC, JsonObject, TIMESTAMP } from '../db/columns';
import { WebhookEntity } from './webhook.entity';

export const DELIVERY_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
/** Where a delivery stands; also the GraphQL enum `WebhookDeliveryStatus` (webhook.types.ts). */
export const WebhookDeliveryStatus = enumOf(DELIVERY_STATUSES);
export type WebhookDeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * The outbox: one row per event and webhook, written in the transaction that made the change, so
 * an event is queued exactly when the change commits. The dispatcher claims due PENDING rows,
 * POSTs them and records the outcome here.
 */
@Entity('webhook_delivery')
@Index('ix_delivery_webhook', ['webhookId', 'id'])
@Index('ix_delivery_webhook_status', ['webhookId', 'status', 'id'])
@Index('ix_delivery_due', ['status', 'nextAttemptAt'])
@Index('ix_delivery_completed', ['status', 'completedAt'])
export class WebhookDeliveryEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) webhookId!: string;
  @ManyToOne(() => WebhookEntity, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({ name: 'webhook_id' })
  webhook?: WebhookEntity;

  /** The event's id, sent as `webhook-id`: the same on every attempt, so receivers can dedupe. */
  @Column({ type: 'varchar', length: 64 }) eventId!: string;
  @Column({ type: 'varchar', length: 64 }) eventType!: string;
  /** The event as it was when the change committed; every attempt sends exactly this. */
  @Column(JSON_DOC) payload!: JsonObject;

  @Column({ type: 'varchar', length: 16 }) status!: WebhookDeliveryStatus;
  /** Attempts made so far (finished ones: an attempt in flight is counted when it ends). */
  @Column({ type: 'integer' }) attempts!: number;
  /**
   * PENDING: when the next attempt is due; while an attempt is in flight, when its lease ends
   * (a dispatcher that died mid-attempt leaves the row to be claimed again then). Null once done,
   * and while its webhook is off (parked: never due, so the claim need not look at the webhook).
   */
  @Column({ ...TIMESTAMP, nullable: true }) nextAttemptAt!: Date | null;
  /** Set by the dispatcher that claimed the row; an outcome is recorded only under its claim. */
  @Column({ type: 'varchar', length: 36, nullable: true }) claimToken!: string | null;
  @Column({ type: 'integer', nullable: true }) lastResponseCode!: number | null;
  /** Short and free of secrets and URLs: `HTTP 503`, `timed out after 10000 ms`, … */
  @Column({ type: 'varchar', length: 255, nullable: true }) lastError!: string | null;
  @Column({ ...TIMESTAMP, nullable: true }) lastAttemptAt!: Date | null;
  @Column(TIMESTAMP) createdAt!: Date;
  @Column({ ...TIMESTAMP, nullable: true }) completedAt!: Date | null;
}
