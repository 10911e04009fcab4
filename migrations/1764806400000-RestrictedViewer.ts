import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Model files (issue #13): role names up to 32 characters, for RESTRICTED_VIEWER (17). */
export class RestrictedViewer1764806400000 implements MigrationInterface {
  name = 'RestrictedViewer1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.changeColumn('role_binding', 'role', roleColumn(q, 32));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM role_binding WHERE role = 'RESTRICTED_VIEWER'`);
    await q.changeColumn('role_binding', 'role', roleColumn(q, 16));
  }
}

// As createTable made it: binary collation on MySQL/MariaDB.
function roleColumn(q: QueryRunner, length: number): TableColumn {
  const mysql = q.connection.driver.options.type !== 'better-sqlite3';
  return new TableColumn({
    name: 'role',
    type: 'varchar',
    length: String(length),
    ...(mysql ? { collation: 'utf8mb4_bin' } : {}),
  });
}
