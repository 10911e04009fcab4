import fs from 'node:fs';
import path from 'node:path';

// docs/architecture.md, "Dialects": every difference between databases lives in src/db/dialect,
// chosen once when the Database is built; no file outside src/db branches on the database.

const SRC = path.join(__dirname, '..', '..', 'src');

/** Spellings of a branch on the database, or of reaching for a driver directly. */
const BRANCHES: [RegExp, string][] = [
  [/\boptions\.type\b/, 'reads the DataSource driver type'],
  [/['"`]better-sqlite3['"`]/, "names the 'better-sqlite3' driver"],
  [/['"`]mariadb['"`]/, "names 'mariadb'"],
  [/['"`]mysql2?['"`]/, "names 'mysql'"],
  [/\bdialect(\.name)?\s*[!=]==?/, 'compares the dialect'],
  [/['"`]sqlite['"`]/, "names 'sqlite'"],
  [/\bdatabase\.(kind|flavor)\b/, "reads the configured database's kind"],
];

/**
 * config.ts reads DATABASE_URL and says which database it names (DatabaseConfig.kind/flavor);
 * only src/db acts on that.
 */
const ALLOWED = new Set(['config.ts']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return full === path.join(SRC, 'db') ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

function branchesIn(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments may name databases
    for (const [pattern, what] of BRANCHES) if (pattern.test(line)) found.push(`line ${i + 1} ${what}: ${line.trim()}`);
  });
  return found;
}

describe('dialects stay in src/db', () => {
  it('finds no branch on the database in any file of src/ outside src/db', () => {
    const offences = sourceFiles(SRC)
      .filter((f) => !ALLOWED.has(path.relative(SRC, f)))
      .flatMap((f) => branchesIn(fs.readFileSync(f, 'utf8')).map((o) => `src/${path.relative(SRC, f)} ${o}`));
    expect(offences).toEqual([]);
  });

  it('recognises the branches it forbids', () => {
    expect(branchesIn(`const shared = em.connection.options.type !== 'better-sqlite3';`)).toHaveLength(2);
    expect(branchesIn(`if (this.db.dialect === 'mysql') qb.setLock('pessimistic_write');`)).toHaveLength(2);
    expect(branchesIn(`return ds.options.type === 'mariadb' ? 'per-step' : 'none';`)).toHaveLength(2);
    expect(branchesIn(`const where = config.database.kind === 'sqlite' ? file : url;`)).toHaveLength(2);
    expect(branchesIn(`if (kind !== "sqlite") return [];`)).toHaveLength(1);
    expect(branchesIn(`const name = cfg.database.flavor;`)).toHaveLength(1);
    expect(branchesIn(`qb.andWhere(this.db.dialect.jsonArrayContains('m.tags', 'tag'));`)).toEqual([]);
    expect(branchesIn(`// SQLite and 'mariadb' differ here`)).toEqual([]);
  });
});
