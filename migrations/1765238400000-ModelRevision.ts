import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Performance (issue #18): a per-model change counter. Every transaction that changes a model, its
 * versions or its aliases raises it (ChangeLog), so a cached page of the model is fresh exactly
 * while the counter still reads what it read when the page was cached (docs/architecture.md).
 */
export class ModelRevision1765238400000 implements MigrationInterface {
  name = 'ModelRevision1765238400000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('registered_model', new TableColumn({ name: 'revision', type: 'integer', default: 0 }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('registered_model', 'revision');
  }
}
