import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * The groups an approver's token carried when they approved a change request. An approval counts
 * toward requiredApprovals only while its approver still holds alias:approve in the registry, and
 * that may come through a group role binding; the groups are kept so the check can be made again
 * without the approver's token. Approvals made before this column existed are checked by subject.
 */
export class ApprovalGroups1765152000000 implements MigrationInterface {
  name = 'ApprovalGroups1765152000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'alias_change_approval',
      new TableColumn({ name: 'approver_groups', type: 'json', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('alias_change_approval', 'approver_groups');
  }
}
