import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Model files (issue #13): downloads of a version's files through the server. */
export class DownloadCount1764892800000 implements MigrationInterface {
  name = 'DownloadCount1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('model_version', new TableColumn({ name: 'download_count', type: 'integer', default: 0 }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('model_version', 'download_count');
  }
}
