import http from 'node:http';
import { createPool } from 'mysql2/promise';
import { toGlobalId } from '../../src/common/global-id';

/**
 * The floor of `npm run bench`: a bare `node:http` server that answers W1, W2 and W5 with the
 * same data the registry gives, from the fewest SQL statements that can produce it, run through
 * the bare driver (better-sqlite3 or mysql2), and `JSON.stringify`. No GraphQL, ORM, auth, log
 * or metrics: what the answer costs at the least on this machine. The bench checks its answers
 * with the same checks as the registry's, so a floor that cut corners would fail the run.
 *
 * It reads the operation from the GraphQL body's first word after `{` (`modelVersion`, `model`,
 * `_entities`) and its variables; nothing else of the document.
 */
type Row = Record<string, any>;
type Query = (sql: string, params: unknown[]) => Promise<Row[]>;

/** The little of better-sqlite3 used here (it ships no types, and TypeORM loads it the same way). */
interface SqliteStatement {
  all(...params: unknown[]): unknown[];
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Sqlite = require('better-sqlite3') as new (file: string, opts: { readonly: boolean }) => SqliteDatabase;

function sqliteQuery(file: string): Query {
  const db = new Sqlite(file, { readonly: true });
  const prepared = new Map<string, SqliteStatement>();
  return async (sql, params) => {
    let statement = prepared.get(sql);
    if (!statement) prepared.set(sql, (statement = db.prepare(sql)));
    return statement.all(...params) as Row[];
  };
}

function mysqlQuery(url: string): Query {
  const pool = createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: 10, dateStrings: false });
  return async (sql, params) => (await pool.execute(sql, params as (string | number)[]))[0] as Row[];
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const iso = (v: unknown) =>
  (v instanceof Date ? v : new Date(String(v).replace(' ', 'T') + (/Z$/.test(String(v)) ? '' : 'Z'))).toISOString();
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

const W1 = `SELECT v.artifact_uri, v.artifact_digest FROM registry r
  JOIN registered_model m ON m.registry_id = r.id
  JOIN model_alias a ON a.model_id = m.id
  JOIN model_version v ON v.id = a.version_id
  WHERE r.name = ? AND m.name = ? AND a.name = ?`;
const W2_MODEL = `SELECT m.*, r.protected_aliases FROM registry r JOIN registered_model m ON m.registry_id = r.id WHERE r.name = ? AND m.name = ?`;
const W2_ALIASES = `SELECT a.name, a.updated_at, v.number FROM model_alias a JOIN model_version v ON v.id = a.version_id WHERE a.model_id = ? ORDER BY a.name`;
const W2_PAGE = `SELECT * FROM model_version WHERE model_id = ? AND archived_at IS NULL ORDER BY number DESC LIMIT 51`;
const aliasNames = (n: number) =>
  `SELECT version_id, name FROM model_alias WHERE version_id IN (${placeholders(n)}) ORDER BY name`;
const versionsById = (n: number) => `SELECT * FROM model_version WHERE id IN (${placeholders(n)})`;

async function w1(query: Query, v: Row) {
  const [row] = await query(W1, [v.registry, v.m, 'production']);
  return { modelVersion: { artifact: { uri: row.artifact_uri, digest: row.artifact_digest } } };
}

async function w2(query: Query, v: Row) {
  const [model] = await query(W2_MODEL, [v.registry, v.m]);
  const protectedAliases = json<string[]>(model.protected_aliases).map((p) => p.toLowerCase());
  const aliases = await query(W2_ALIASES, [model.id]);
  const rows = await query(W2_PAGE, [model.id]);
  const page = rows.slice(0, 50);
  const names = new Map<string, string[]>(page.map((r) => [r.id, []]));
  for (const a of await query(
    aliasNames(page.length),
    page.map((r) => r.id),
  ))
    names.get(a.version_id)?.push(a.name);
  const cursor = (n: number) => Buffer.from(JSON.stringify({ o: 'version:number:DESC', v: [n] })).toString('base64url');
  return {
    model: {
      name: model.name,
      description: model.description,
      tags: json(model.tags),
      updatedAt: iso(model.updated_at),
      aliases: aliases.map((a) => ({
        name: a.name,
        protected: protectedAliases.includes(a.name),
        updatedAt: iso(a.updated_at),
        version: { name: `v${a.number}` },
      })),
      versions: {
        edges: page.map((r) => ({
          node: {
            id: toGlobalId('ModelVersion', r.id),
            name: `v${r.number}`,
            number: r.number,
            aliases: names.get(r.id),
            tags: json(r.tags),
            metrics: json(r.metrics),
            description: r.description,
            createdAt: iso(r.created_at),
            createdBy: { id: r.created_by },
            artifact: { uri: r.artifact_uri, digest: r.artifact_digest, sizeBytes: Number(r.artifact_size_bytes) },
          },
        })),
        pageInfo: { hasNextPage: rows.length > 50, endCursor: page.length ? cursor(page.at(-1)!.number) : null },
      },
    },
  };
}

async function w5(query: Query, v: Row) {
  const reps = v.r as { id: string }[];
  const ids = reps.map((r) => Buffer.from(r.id, 'base64url').toString('utf8').slice('ModelVersion:'.length));
  const rows = await query(versionsById(ids.length), ids);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    _entities: ids.map((id) => {
      const r = byId.get(id);
      return r ? { id: toGlobalId('ModelVersion', id), name: `v${r.number}`, artifact: { uri: r.artifact_uri } } : null;
    }),
  };
}

const OPERATIONS: Record<string, (q: Query, v: Row) => Promise<unknown>> = {
  modelVersion: w1,
  model: w2,
  _entities: w5,
};

export function floorServer(databaseUrl: string, registry: string): http.Server {
  const query = databaseUrl.startsWith('sqlite:')
    ? sqliteQuery(databaseUrl.slice('sqlite:'.length))
    : mysqlQuery(databaseUrl);
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Row };
        const operation = /{\s*(\w+)/.exec(body.query)?.[1] ?? '';
        const run = OPERATIONS[operation];
        if (!run) throw new Error(`the floor answers W1, W2 and W5 only, not ${operation}`);
        return run(query, { registry, ...body.variables });
      };
      answer().then(
        (data) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data })),
        (err) =>
          res
            .writeHead(500, { 'content-type': 'application/json' })
            .end(JSON.stringify({ errors: [{ message: String(err) }] })),
      );
    });
  });
}
