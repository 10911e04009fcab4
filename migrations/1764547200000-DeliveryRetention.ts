import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Finished webhook deliveries are deleted after WEBHOOK_DELIVERY_RETENTION_DAYS: this index lets
 * each batch find them by completion time instead of scanning the outbox.
 */
export class DeliveryRetention1764547200000 implements MigrationInterface {
  name = 'DeliveryRetention1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'webhook_delivery',
      new TableIndex({
        name: 'ix_delivery_completed',
        columnNames: ['status', 'completed_at'],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('webhook_delivery', 'ix_delivery_completed');
  }
}
