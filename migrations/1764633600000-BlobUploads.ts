import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from 'typeorm';
import { createTable } from './1764201600000-InitialSchema';

const str = (name: string, length: number, primary = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isPrimary: primary,
});

/** Model files (issue #13): who uploaded which blob into which registry. */
export class BlobUploads1764633600000 implements MigrationInterface {
  name = 'BlobUploads1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      new Table({
        name: 'blob_upload',
        columns: [
          str('id', 36, true),
          str('registry_id', 36),
          str('digest', 71),
          str('uploaded_by', 255),
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          new TableIndex({
            name: 'uq_blob_upload',
            columnNames: ['registry_id', 'digest', 'uploaded_by'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'ix_blob_upload_digest',
            columnNames: ['digest'],
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('blob_upload');
  }
}
