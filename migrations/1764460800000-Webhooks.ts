import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from 'typeorm';
import { createTable } from './1764201600000-InitialSchema';

const id = (name: string, primary = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  isPrimary: primary,
});
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const ts = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  isNullable: nullable,
});
const json = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'json',
  isNullable: nullable,
});
const int = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable: nullable,
});

/** Webhooks and their delivery outbox (issue #6). */
export class Webhooks1764460800000 implements MigrationInterface {
  name = 'Webhooks1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      new Table({
        name: 'webhook',
        columns: [
          id('id', true),
          id('registry_id'),
          str('url', 2048),
          { name: 'description', type: 'text', isNullable: true },
          json('events'),
          json('models', true),
          json('aliases', true),
          str('format', 16),
          { name: 'active', type: 'boolean' },
          str('secret', 128),
          str('previous_secret', 128, true),
          ts('previous_secret_expires_at', true),
          str('created_by', 255),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          new TableIndex({
            name: 'ix_webhook_registry',
            columnNames: ['registry_id', 'id'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['registry_id'],
            referencedTableName: 'registry',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'RESTRICT',
          }),
        ],
      }),
    );
    await createTable(
      q,
      new Table({
        name: 'webhook_delivery',
        columns: [
          id('id', true),
          id('webhook_id'),
          str('event_id', 64),
          str('event_type', 64),
          json('payload'),
          str('status', 16),
          int('attempts'),
          ts('next_attempt_at', true),
          str('claim_token', 36, true),
          int('last_response_code', true),
          str('last_error', 255, true),
          ts('last_attempt_at', true),
          ts('created_at'),
          ts('completed_at', true),
        ],
        indices: [
          new TableIndex({
            name: 'ix_delivery_webhook',
            columnNames: ['webhook_id', 'id'],
          }),
          new TableIndex({
            name: 'ix_delivery_webhook_status',
            columnNames: ['webhook_id', 'status', 'id'],
          }),
          new TableIndex({
            name: 'ix_delivery_due',
            columnNames: ['status', 'next_attempt_at'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['webhook_id'],
            referencedTableName: 'webhook',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'RESTRICT',
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('webhook_delivery');
    await q.dropTable('webhook');
  }
}
