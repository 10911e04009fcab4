import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { enumOf } from '../common/enum-of';
import { ID, JSON_DOC, TIMESTAMP } from '../db/columns';
import { RegistryEntity } from '../registry/registry.entity';

export const WEBHOOK_FORMATS = ['STANDARD', 'SLACK'] as const;
/** How a webhook's requests are shaped; also the GraphQL enum `WebhookFormat` (webhook.types.ts). */
export const WebhookFormat = enumOf(WEBHOOK_FORMATS);
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/**
 * A registry's subscription to its events: where to POST them, which ones, and the secret that
 * signs them. The secret is stored as given, since signing needs it; no query returns it.
 */
@Entity('webhook')
@Index('ix_webhook_registry', ['registryId', 'id'])
export class WebhookEntity {
  @PrimaryColumn(ID) id!: string;

  @Column(ID) registryId!: string;
  @ManyToOne(() => RegistryEntity, {
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  })
  @JoinColumn({ name: 'registry_id' })
  registry?: RegistryEntity;

  @Column({ type: 'varchar', length: 2048 }) url!: string;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  /** Event types (`alias.set`, …) this webhook receives. */
  @Column(JSON_DOC) events!: string[];
  /** Model names it is limited to; null for every model. */
  @Column({ ...JSON_DOC, nullable: true }) models!: string[] | null;
  /** Alias names its alias events are limited to; null for every alias but `latest`. */
  @Column({ ...JSON_DOC, nullable: true }) aliases!: string[] | null;
  @Column({ type: 'varchar', length: 16 }) format!: WebhookFormat;
  /** Off: no new deliveries are queued, and queued ones wait until it is on again. */
  @Column({ type: 'boolean' }) active!: boolean;

  /** `whsec_` + base64 of the HMAC key (Standard Webhooks). Write-only through the API. */
  @Column({ type: 'varchar', length: 128 }) secret!: string;
  /** The secret before the last rotation; deliveries are signed with it too until it expires. */
  @Column({ type: 'varchar', length: 128, nullable: true }) previousSecret!: string | null;
  @Column({ ...TIMESTAMP, nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column({ type: 'varchar', length: 255 }) createdBy!: string;
  @Column(TIMESTAMP) createdAt!: Date;
  @Column(TIMESTAMP) updatedAt!: Date;
}
