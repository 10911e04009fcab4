import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from 'typeorm';

// Column shapes are spelled out here rather than imported from src/, so that this migration keeps
// meaning what it meant when it shipped, whatever the entities become.
const id = (name = 'id'): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  isPrimary: name === 'id',
});
const ref = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  isNullable: nullable,
});
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const text = (name: string): TableColumnOptions => ({
  name,
  type: 'text',
  isNullable: true,
});
const json = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'json',
  isNullable: nullable,
});
const ts = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  isNullable: nullable,
});
const int = (name: string): TableColumnOptions => ({ name, type: 'integer' });
const fk = (column: string, table: string) =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  });

const TABLES = ['registry', 'registered_model', 'model_version', 'model_alias', 'alias_event', 'audit_event'];

/**
 * Creates a table; on MySQL/MariaDB its text columns get binary collation. Their default compares
 * case-insensitively, which would make `Production` the same alias as the protected `production`
 * and `Alice` the same subject as `alice`. Binary collation compares exactly, as SQLite does.
 */
export async function createTable(q: QueryRunner, table: Table): Promise<void> {
  if (q.connection.driver.options.type !== 'better-sqlite3') {
    for (const c of table.columns) if (c.type === 'varchar' || c.type === 'text') c.collation = 'utf8mb4_bin';
  }
  await q.createTable(table);
}

export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      new Table({
        name: 'registry',
        columns: [
          id(),
          str('name', 64),
          text('description'),
          str('visibility', 16),
          json('protected_aliases'),
          str('created_by', 255),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          new TableIndex({
            name: 'uq_registry_name',
            columnNames: ['name'],
            isUnique: true,
          }),
        ],
      }),
    );

    await createTable(
      q,
      new Table({
        name: 'registered_model',
        columns: [
          id(),
          ref('registry_id'),
          str('name', 128),
          text('description'),
          json('tags'),
          int('next_version_number'),
          str('created_by', 255),
          ts('created_at'),
          ts('updated_at'),
          ts('archived_at', true),
        ],
        indices: [
          new TableIndex({
            name: 'uq_model_registry_name',
            columnNames: ['registry_id', 'name'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'ix_model_registry_created',
            columnNames: ['registry_id', 'created_at', 'id'],
          }),
          new TableIndex({
            name: 'ix_model_registry_updated',
            columnNames: ['registry_id', 'updated_at', 'id'],
          }),
        ],
        foreignKeys: [fk('registry_id', 'registry')],
      }),
    );

    await createTable(
      q,
      new Table({
        name: 'model_version',
        columns: [
          id(),
          ref('model_id'),
          int('number'),
          str('artifact_uri', 2048),
          str('artifact_digest', 71),
          { name: 'artifact_size_bytes', type: 'bigint' },
          json('artifact_files'),
          json('metadata'),
          json('metrics'),
          json('tags'),
          text('description'),
          str('idempotency_key', 128, true),
          str('created_by', 255),
          ts('created_at'),
          ts('updated_at'),
          ts('archived_at', true),
        ],
        indices: [
          new TableIndex({
            name: 'uq_version_model_number',
            columnNames: ['model_id', 'number'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'uq_version_model_idempotency',
            columnNames: ['model_id', 'idempotency_key'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'ix_version_model_created',
            columnNames: ['model_id', 'created_at', 'id'],
          }),
          new TableIndex({
            name: 'ix_version_digest',
            columnNames: ['artifact_digest'],
          }),
        ],
        foreignKeys: [fk('model_id', 'registered_model')],
      }),
    );

    await createTable(
      q,
      new Table({
        name: 'model_alias',
        columns: [id(), ref('model_id'), str('name', 64), ref('version_id'), str('updated_by', 255), ts('updated_at')],
        indices: [
          new TableIndex({
            name: 'uq_alias_model_name',
            columnNames: ['model_id', 'name'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'ix_alias_version',
            columnNames: ['version_id'],
          }),
        ],
        foreignKeys: [fk('model_id', 'registered_model'), fk('version_id', 'model_version')],
      }),
    );

    await createTable(
      q,
      new Table({
        name: 'alias_event',
        columns: [
          id(),
          ref('model_id'),
          str('alias', 64),
          ref('from_version_id', true),
          ref('to_version_id', true),
          str('actor', 255),
          ts('at'),
          text('reason'),
          str('request_id', 64, true),
        ],
        indices: [
          new TableIndex({
            name: 'ix_alias_event_model',
            columnNames: ['model_id', 'id'],
          }),
          new TableIndex({
            name: 'ix_alias_event_model_alias',
            columnNames: ['model_id', 'alias', 'id'],
          }),
        ],
        foreignKeys: [
          fk('model_id', 'registered_model'),
          fk('from_version_id', 'model_version'),
          fk('to_version_id', 'model_version'),
        ],
      }),
    );

    await createTable(
      q,
      new Table({
        name: 'audit_event',
        columns: [
          id(),
          ts('at'),
          str('actor', 255),
          str('action', 64),
          ref('registry_id', true),
          ref('model_id', true),
          str('target_type', 32),
          ref('target_id'),
          json('before', true),
          json('after', true),
          str('request_id', 64, true),
        ],
        indices: [
          new TableIndex({
            name: 'ix_audit_registry',
            columnNames: ['registry_id', 'id'],
          }),
          new TableIndex({
            name: 'ix_audit_actor',
            columnNames: ['actor', 'id'],
          }),
          new TableIndex({
            name: 'ix_audit_model',
            columnNames: ['model_id', 'id'],
          }),
          new TableIndex({
            name: 'ix_audit_target',
            columnNames: ['target_id', 'id'],
          }),
          new TableIndex({
            name: 'ix_audit_action',
            columnNames: ['action', 'id'],
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [...TABLES].reverse()) {
      await q.dropTable(t);
    }
  }
}
