import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { createTable } from './1764201600000-InitialSchema';

/** Model files (issue #13): which blobs each version's files use. */
export class VersionBlobs1764720000000 implements MigrationInterface {
  name = 'VersionBlobs1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      new Table({
        name: 'version_blob',
        columns: [
          {
            name: 'version_id',
            type: 'varchar',
            length: '36',
            isPrimary: true,
          },
          { name: 'digest', type: 'varchar', length: '71', isPrimary: true },
        ],
        indices: [
          new TableIndex({
            name: 'ix_version_blob_digest',
            columnNames: ['digest'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['version_id'],
            referencedTableName: 'model_version',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'RESTRICT',
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('version_blob');
  }
}
