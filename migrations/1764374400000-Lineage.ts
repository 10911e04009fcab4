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
const json = (name: string): TableColumnOptions => ({ name, type: 'json' });
const registryFk = () =>
  new TableForeignKey({
    columnNames: ['registry_id'],
    referencedTableName: 'registry',
    referencedColumnNames: ['id'],
    onDelete: 'RESTRICT',
    onUpdate: 'RESTRICT',
  });

export class Lineage1764374400000 implements MigrationInterface {
  name = 'Lineage1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      new Table({
        name: 'run',
        columns: [
          id('id', true),
          id('registry_id'),
          str('name', 255),
          str('external_id', 255, true),
          json('config'),
          json('metrics'),
          str('status', 16),
          ts('started_at'),
          ts('finished_at', true),
          str('created_by', 255),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          new TableIndex({
            name: 'uq_run_registry_external',
            columnNames: ['registry_id', 'external_id'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'ix_run_registry_created',
            columnNames: ['registry_id', 'created_at', 'id'],
          }),
        ],
        foreignKeys: [registryFk()],
      }),
    );
    await createTable(
      q,
      new Table({
        name: 'artifact',
        columns: [
          id('id', true),
          id('registry_id'),
          str('type', 64),
          str('name', 255),
          str('digest', 71),
          str('uri', 2048),
          { name: 'size_bytes', type: 'bigint', isNullable: true },
          json('metadata'),
          str('created_by', 255),
          ts('created_at'),
        ],
        indices: [
          new TableIndex({
            name: 'uq_artifact_content',
            columnNames: ['registry_id', 'type', 'name', 'digest'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'ix_artifact_digest',
            columnNames: ['digest'],
          }),
        ],
        foreignKeys: [registryFk()],
      }),
    );
    await createTable(
      q,
      new Table({
        name: 'lineage_edge',
        columns: [
          id('id', true),
          id('from_id'),
          str('from_kind', 16),
          id('from_registry_id'),
          id('to_id'),
          str('to_kind', 16),
          id('to_registry_id'),
          str('kind', 16),
          str('created_by', 255),
          ts('created_at'),
        ],
        indices: [
          new TableIndex({
            name: 'uq_lineage_edge',
            columnNames: ['from_id', 'to_id', 'kind'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'ix_lineage_edge_to',
            columnNames: ['to_id'],
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('lineage_edge');
    await q.dropTable('artifact');
    await q.dropTable('run');
  }
}
