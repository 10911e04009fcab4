import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One name per change: the audit log called an alias move `alias.moved` while webhooks sent it as
 * `alias.set` (receivers depend on that name). Stored rows take the webhook name. A move is the
 * `alias.set` that has a `before` (the version the alias left), so `down` can tell them apart
 * again.
 */
export class AuditActionNames1764979200000 implements MigrationInterface {
  name = 'AuditActionNames1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE audit_event SET action = 'alias.set' WHERE action = 'alias.moved'`);
  }

  async down(q: QueryRunner): Promise<void> {
    const before = q.connection.driver.escape('before');
    await q.query(`UPDATE audit_event SET action = 'alias.moved' WHERE action = 'alias.set' AND ${before} IS NOT NULL`);
  }
}
