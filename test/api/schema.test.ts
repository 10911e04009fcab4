import fs from 'node:fs';
import path from 'node:path';
import { AuditActionNames1764979200000 } from '../../migrations/1764979200000-AuditActionNames';
import { AuditEventEntity } from '../../src/audit/audit-event.entity';
import { createLogger } from '../../src/common/logger';
import { JsonObject } from '../../src/db/columns';
import { migrate } from '../../src/db/migrate';
import { buildRegistrySchema, printRegistrySchema } from '../../src/graphql/schema';
import { createTestDatabase, TestDatabase, usingMysql } from '../support/database';
import { startTestServer } from '../support/server';

// The database schema comes only from migrations/ (never `synchronize`), and the API schema is
// checked in as SDL. These tests catch either drifting from the code.

const TABLES = [
  'registry',
  'registered_model',
  'model_version',
  'model_alias',
  'alias_event',
  'audit_event',
  'webhook',
  'webhook_delivery',
];

/** The statements TypeORM would run to make the database match the entities; none when in sync. */
async function pendingSchemaChanges(db: TestDatabase): Promise<string[]> {
  const sql = await db.ds.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}

async function existingTables(db: TestDatabase): Promise<string[]> {
  const runner = db.ds.createQueryRunner();
  try {
    const present: string[] = [];
    for (const t of TABLES) if (await runner.hasTable(t)) present.push(t);
    return present;
  } finally {
    await runner.release();
  }
}

describe('database schema', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase()));
  afterAll(() => db.drop());

  describe('migrations and entities', () => {
    it('leaves nothing for the entities to change after migrating', async () => {
      const pending = await pendingSchemaChanges(db);
      if (pending.length) console.log(`schema drift (${db.ds.options.type}):\n${pending.join(';\n')}`);
      expect(pending).toEqual([]);
    });
  });

  describe('reverting and re-applying', () => {
    it('reverts every migration to an empty database, then re-applies them with no drift', async () => {
      expect(await existingTables(db)).toEqual(TABLES);
      for (let i = 0; i < db.ds.migrations.length; i++) await db.ds.undoLastMigration({ transaction: 'each' });
      expect(await existingTables(db)).toEqual([]);
      expect(await db.ds.showMigrations()).toBe(true);

      const ran = await migrate(db.ds, createLogger('error'));
      expect(ran).toEqual(db.ds.migrations.map((m) => m.name));
      expect(await existingTables(db)).toEqual(TABLES);
      expect(await db.ds.showMigrations()).toBe(false);
      expect(await pendingSchemaChanges(db)).toEqual([]);
    });
  });
});

describe('stored audit action names', () => {
  it('renames alias.moved rows to alias.set (the webhook name), and back on revert', async () => {
    const db = await createTestDatabase();
    const runner = db.ds.createQueryRunner();
    try {
      const row = (id: string, action: string, before: JsonObject | null): AuditEventEntity => ({
        id,
        at: new Date(),
        actor: 'x',
        action,
        registryId: null,
        modelId: null,
        targetType: 'Alias',
        targetId: id,
        before,
        after: { alias: 'a' },
        requestId: null,
      });
      await db.ds.manager.insert(AuditEventEntity, [
        row('01a21a62-f115-7000-8728-000000000001', 'alias.moved', {
          alias: 'a',
        }),
        row('01a21a62-f115-7000-8728-000000000002', 'alias.set', null),
      ]);
      const actions = async () => {
        const rows = await db.ds.manager.find(AuditEventEntity, {
          order: { id: 'ASC' },
        });
        return rows.map((e) => e.action);
      };
      const migration = new AuditActionNames1764979200000();
      await migration.up(runner);
      expect(await actions()).toEqual(['alias.set', 'alias.set']);
      await migration.down(runner);
      expect(await actions()).toEqual(['alias.moved', 'alias.set']);
    } finally {
      await runner.release();
      await db.drop();
    }
  });
});

describe('GraphQL schema', () => {
  const checkedIn = () => fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');

  it('is checked in as schema/schema.graphql, up to date with the code', async () => {
    expect(checkedIn()).toBe(await printRegistrySchema(await buildRegistrySchema()));
  });

  it('is exactly the SDL the running server answers to `_service { sdl }` over HTTP', async () => {
    const s = await startTestServer();
    try {
      const data = await s.ok<{ _service: { sdl: string } }>('{ _service { sdl } }');
      expect(data._service.sdl).toBe(checkedIn());
    } finally {
      await s.stop();
    }
  });
});

describe('text comparison', () => {
  it('compares names exactly, case included, on every database', async () => {
    const db = await createTestDatabase();
    try {
      await db.ds
        .query(`INSERT INTO registry (id, name, description, visibility, protected_aliases, created_by, created_at, updated_at)
        VALUES ('01a21a62-f115-7000-8728-4655e3896a82', 'vision', NULL, 'RESTRICTED', '[]', 'x', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')`);
      const [{ n }] = await db.ds.query(`SELECT COUNT(*) AS n FROM registry WHERE name = 'VISION'`);
      expect(Number(n)).toBe(0);
      if (usingMysql()) {
        // Every text column, not just the one above: MySQL/MariaDB default to case-insensitive.
        const rows: { t: string; c: string; collation: string }[] = await db.ds.query(
          `SELECT table_name AS t, column_name AS c, collation_name AS collation FROM information_schema.columns
           WHERE table_schema = DATABASE() AND collation_name IS NOT NULL AND table_name <> 'schema_migrations'`,
        );
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.filter((r) => r.collation !== 'utf8mb4_bin')).toEqual([]);
      }
    } finally {
      await db.drop();
    }
  });
});
