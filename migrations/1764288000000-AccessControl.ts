import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { createTable } from './1764201600000-InitialSchema';

export class AccessControl1764288000000 implements MigrationInterface {
  name = 'AccessControl1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      new Table({
        name: 'role_binding',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'registry_id', type: 'varchar', length: '36' },
          { name: 'subject', type: 'varchar', length: '255' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'granted_by', type: 'varchar', length: '255' },
          { name: 'granted_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          new TableIndex({
            name: 'uq_role_binding_registry_subject',
            columnNames: ['registry_id', 'subject'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'ix_role_binding_subject',
            columnNames: ['subject'],
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
        name: 'policy_version',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'version', type: 'integer' },
        ],
      }),
    );
    await q.query('INSERT INTO policy_version (id, version) VALUES (1, 0)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('policy_version');
    await q.dropTable('role_binding');
  }
}
