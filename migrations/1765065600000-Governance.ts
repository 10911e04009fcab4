import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumn,
  TableColumnOptions,
  TableForeignKey,
  TableIndex,
} from 'typeorm';
import { createTable } from './1764201600000-InitialSchema';

const id = (name: string, primary = false, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  isPrimary: primary,
  isNullable: nullable,
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
const int = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable: nullable,
});
const text = (name: string): TableColumnOptions => ({
  name,
  type: 'text',
  isNullable: true,
});
const fk = (column: string, table: string) =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  });

/**
 * Governance (issue #16).
 *
 * - The alias history outlives the versions it names: `deleteModelVersion` hard-deletes a version,
 *   while its alias events stay. Their foreign keys to `model_version` go, and each event keeps
 *   the version numbers it moved between, so history shows `v3 (deleted)` rather than nothing.
 * - Point-in-time questions ("what did production point at on 1 May?") seek on
 *   (model, alias, at): the history indexes take `at` (they ordered by id, whose UUIDv7 time is
 *   close to, but not exactly, `at`).
 * - Change requests for protected aliases, their approvals, and a registry's required approvals.
 */
export class Governance1765065600000 implements MigrationInterface {
  name = 'Governance1765065600000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('alias_event', [
      new TableColumn(int('from_version_number', true)),
      new TableColumn(int('to_version_number', true)),
    ]);
    for (const side of ['from', 'to']) {
      await q.query(
        `UPDATE alias_event SET ${side}_version_number = ` +
          `(SELECT v.number FROM model_version v WHERE v.id = alias_event.${side}_version_id) ` +
          `WHERE ${side}_version_id IS NOT NULL`,
      );
    }
    const events = (await q.getTable('alias_event'))!;
    const toVersions = events.foreignKeys.filter((f) => f.referencedTableName.endsWith('model_version'));
    await q.dropForeignKeys('alias_event', toVersions);
    // MySQL/MariaDB made an index for each of those keys, named after it; it served only the key.
    const keyNames = new Set(toVersions.map((f) => f.name));
    const leftover = (await q.getTable('alias_event'))!.indices.filter((i) => keyNames.has(i.name));
    for (const index of leftover) await q.dropIndex('alias_event', index);
    // New indexes first: MySQL/MariaDB need one starting with model_id for its foreign key at all times.
    await q.createIndices('alias_event', [
      new TableIndex({
        name: 'ix_alias_event_model_at',
        columnNames: ['model_id', 'at', 'id'],
      }),
      new TableIndex({
        name: 'ix_alias_event_model_alias_at',
        columnNames: ['model_id', 'alias', 'at', 'id'],
      }),
    ]);
    await q.dropIndex('alias_event', 'ix_alias_event_model');
    await q.dropIndex('alias_event', 'ix_alias_event_model_alias');

    await q.addColumn('registry', new TableColumn({ ...int('required_approvals'), default: 1 }));

    await createTable(
      q,
      new Table({
        name: 'alias_change_request',
        columns: [
          id('id', true),
          id('registry_id'),
          id('model_id'),
          str('alias', 64),
          // No foreign keys to model_version: a request stays readable after its versions are deleted.
          id('version_id'),
          int('version_number'),
          id('expected_version_id', false, true),
          int('expected_version_number', true),
          str('state', 16),
          text('reason'),
          str('requested_by', 255),
          ts('requested_at'),
          ts('expires_at'),
          str('decided_by', 255, true),
          ts('decided_at', true),
          text('comment'),
        ],
        indices: [
          new TableIndex({
            name: 'ix_change_request_registry',
            columnNames: ['registry_id', 'state', 'id'],
          }),
          new TableIndex({
            name: 'ix_change_request_model',
            columnNames: ['model_id', 'state', 'id'],
          }),
        ],
        foreignKeys: [fk('registry_id', 'registry'), fk('model_id', 'registered_model')],
      }),
    );
    await createTable(
      q,
      new Table({
        name: 'alias_change_approval',
        columns: [id('id', true), id('change_request_id'), str('approver', 255), text('comment'), ts('at')],
        indices: [
          new TableIndex({
            name: 'uq_change_approval_request_approver',
            columnNames: ['change_request_id', 'approver'],
            isUnique: true,
          }),
        ],
        foreignKeys: [fk('change_request_id', 'alias_change_request')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('alias_change_approval');
    await q.dropTable('alias_change_request');
    await q.dropColumn('registry', 'required_approvals');
    await q.createIndices('alias_event', [
      new TableIndex({
        name: 'ix_alias_event_model',
        columnNames: ['model_id', 'id'],
      }),
      new TableIndex({
        name: 'ix_alias_event_model_alias',
        columnNames: ['model_id', 'alias', 'id'],
      }),
    ]);
    await q.dropIndex('alias_event', 'ix_alias_event_model_alias_at');
    await q.dropIndex('alias_event', 'ix_alias_event_model_at');
    // Events of deleted versions cannot point at them again: down fails if any exist, as it should.
    await q.createForeignKeys('alias_event', [
      fk('from_version_id', 'model_version'),
      fk('to_version_id', 'model_version'),
    ]);
    await q.dropColumns('alias_event', ['from_version_number', 'to_version_number']);
  }
}
