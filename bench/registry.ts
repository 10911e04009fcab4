import 'reflect-metadata';
/**
 * `npm run bench`: the registry under load, over HTTP on 127.0.0.1, against the ceilings of the
 * stack it is built on, on the embedded SQLite (default) or MySQL/MariaDB (DATABASE_URL, a
 * database named <base>_bench_<pid> is created and dropped).
 *
 * It seeds one registry (10 models, 1 000 versions), measures the deploy path and the model page,
 * grows the registry to 1 000 models and 100 000 versions, and measures everything:
 *   L0  a bare node:http server answering a fixed JSON body;
 *   L1  the registry answering `{ __typename }` (our HTTP front, token check, Apollo);
 *   L2  Apollo Server with our production settings answering `{ __typename }`;
 *   W1  resolve `registry/model:production` to its artifact (the deploy path);
 *   W2  a model page: the model, its aliases and 50 versions with aliases, tags and metrics;
 *   W3  depth-10 upstream lineage of a version;
 *   W4  contention: rounds of 50 concurrent compare-and-swap moves of one alias;
 *   W5  `_entities` with 100 ModelVersion representations (what a federation gateway sends);
 *   V   validation cost of the costliest documents the size limits let in (in this process,
 *       through the server's own checks and rules), beside the 20 ms they must stay under;
 *   W6  abuse beside normal traffic: W1's p50 and p99 alone and beside four clients looping
 *       those documents, in alternating windows.
 * Every response is checked. Readers use a registry VIEWER's token, as a deploy system would.
 * BENCH_ONLY=V,W6 (a comma-separated list of V, W6 and ALL, the default) runs only those parts,
 * on the small registry.
 */
import { ChildProcess, fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { toGlobalId } from '../src/common/global-id';
import { loadConfig } from '../src/config';
import { buildRegistrySchema } from '../src/graphql/schema';
import { COSTLY_DOCUMENTS } from '../test/support/costly-documents';
import { createTestDatabase } from '../test/support/database';
import { AUDIENCE, IdentityProvider, ISSUER } from '../test/support/identity-provider';
import { abuseBesideNormal, AbuseResult } from './support/abuse';
import { load, LOAD, LoadResult, request, Workload } from './support/load';
import { addModels, createRegistry, VERSIONS_PER_MODEL } from './support/seed-registry';
import { ValidationCost, validationCosts } from './support/validation-cost';
import {
  contention,
  CONTENTION_RACERS,
  entities,
  lineageUpstream,
  modelPage,
  REGISTRY,
  resolveProduction,
} from './support/workloads';

const ADMIN = 'bench-admin';
const DEPLOYER = 'deployer';
/** Models in the registry for the first measurement (1 000 versions). */
const SMALL_MODELS = 10;
const W4_ROUNDS = Number(process.env.BENCH_W4_ROUNDS ?? 40);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'ALL').split(',').map((s) => s.trim().toUpperCase()));
const runs = (part: 'V' | 'W6') => ONLY.has('ALL') || ONLY.has(part);
/** The target of issue #11: no document the size limits accept costs more than this to validate. */
const VALIDATION_FLOOR_MS = 20;
const W6 = {
  rounds: Number(process.env.BENCH_W6_ROUNDS ?? 6),
  windowSeconds: Number(process.env.BENCH_W6_WINDOW ?? 3),
  clients: 4,
  connections: 8,
};

interface Row extends LoadResult {
  label: string;
  sql: number | null;
}

// ---------------------------------------------------------------------------------------------
// The database and the server process

class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(mode: 'L0' | 'L2' | 'app', env: Record<string, string> = {}): Promise<ServerProcess> {
    const child = fork(path.join(__dirname, 'support', 'bench-server.ts'), [], {
      execArgv: ['-r', '@swc-node/register'],
      env: { ...process.env, ...env, BENCH_SERVER: mode },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (m: { url: string }) => resolve(m.url));
      child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`)));
    });
    return new ServerProcess(child, url);
  }

  /** SQL statements the server ran for one request (sent with x-request-id `probe-…`). */
  sqlFor(requestId: string): Promise<number> {
    return new Promise((resolve) => {
      const onMessage = (m: { sqlFor?: string; count?: number }) => {
        if (m.sqlFor !== requestId) return;
        this.child.off('message', onMessage);
        resolve(m.count!);
      };
      this.child.on('message', onMessage);
      this.child.send({ sqlFor: requestId });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------
// Workloads

// ---------------------------------------------------------------------------------------------

async function probeSql(server: ServerProcess, token: string, w: Workload, n: number): Promise<number> {
  const requestId = `probe-${n}`;
  const variables = w.variables?.() ?? {};
  const r = await request(server.url, token, w.query, variables, requestId);
  if (r.errors || !w.check(r.data, variables))
    throw new Error(`${w.label}: probe failed: ${JSON.stringify(r).slice(0, 300)}`);
  return server.sqlFor(requestId);
}

async function measure(server: ServerProcess, token: string | null, w: Workload, n: number): Promise<Row> {
  const sql = token ? await probeSql(server, token, w, n) : null;
  await load(server.url, token, w); // warm-up round, discarded
  const r = await load(server.url, token, w);
  if (r.bad > 0) console.error(`  ! ${w.label}: ${r.bad} bad responses, first: ${r.firstBad}`);
  return { label: w.label, sql, ...r };
}

const TYPENAME: Workload = {
  label: '{ __typename }',
  query: '{ __typename }',
  check: (d) => d.__typename === 'Query',
};

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const ds = database.ds;
  const kind =
    database.config.kind === 'sqlite' ? 'SQLite' : database.config.flavor === 'mariadb' ? 'MariaDB' : 'MySQL';
  const idp = await IdentityProvider.start();
  const servers: ServerProcess[] = [];
  try {
    const admin = await idp.token(ADMIN, { expiresIn: 7200 });
    const deployer = await idp.token(DEPLOYER, { expiresIn: 7200 });
    // W6's abusive clients: signed in, no role anywhere.
    const noRole = await idp.token('no-role', { expiresIn: 7200 });
    // PORT 0: the server takes a free port and tells this process its URL.
    const env = {
      NODE_ENV: 'production',
      PORT: '0',
      DATABASE_URL: database.url,
      MIGRATE_ON_START: 'false',
      AUTH_JWKS_URL: idp.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_ADMINS: ADMIN,
      LOG_LEVEL: 'error',
    };
    console.log(
      `# npm run bench on ${kind}: ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}; autocannon ${LOAD.connections} connections x ${LOAD.duration} s per workload, after a warm-up run`,
    );

    let t = performance.now();
    const seeded = await createRegistry(ds.manager, REGISTRY);
    await addModels(ds.manager, seeded, SMALL_MODELS);
    console.log(
      `seeded ${seeded.models.length} models, ${seeded.models.length * VERSIONS_PER_MODEL} versions in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const app = await ServerProcess.start('app', env);
    servers.push(app);
    const grant = await request(
      app.url,
      admin,
      `mutation { grantRole(input: { registry: "${REGISTRY}", subject: "${DEPLOYER}", role: VIEWER }) { binding { role } } }`,
    );
    if (grant.errors) throw new Error(JSON.stringify(grant.errors));
    let n = 0;
    const names = () => seeded.models.map((m) => m.name);
    let bad = 0;
    if (!ONLY.has('ALL')) {
      if (runs('V')) printValidationCosts(await measureValidation(env));
      const normal = resolveProduction(names());
      if (runs('W6')) {
        bad += printAbuse(await abuseBesideNormal(app.url, deployer, noRole, normal, COSTLY_DOCUMENTS, W6));
      }
      if (bad > 0) process.exitCode = 1;
      return;
    }
    const small = [
      await measure(app, deployer, resolveProduction(names()), ++n),
      await measure(app, deployer, modelPage(names()), ++n),
    ];

    t = performance.now();
    await addModels(ds.manager, seeded, 1000 - SMALL_MODELS);
    console.log(
      `grew the registry to ${seeded.models.length} models, ${seeded.models.length * VERSIONS_PER_MODEL} versions in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const rows: Row[] = [];
    for (const mode of ['L0', 'L2'] as const) {
      const ceiling = await ServerProcess.start(mode, env);
      rows.push(
        await measure(
          ceiling,
          null,
          {
            ...TYPENAME,
            label: mode === 'L0' ? 'L0 bare node:http, fixed JSON' : 'L2 Apollo Server, { __typename }',
          },
          ++n,
        ),
      );
      await ceiling.stop();
    }
    rows.push(await measure(app, deployer, { ...TYPENAME, label: 'L1 the registry, { __typename }' }, ++n));
    // At 100 000 versions the workloads pick from all 1 000 models, not the first ten.
    const large = [
      await measure(app, deployer, resolveProduction(names()), ++n),
      await measure(app, deployer, modelPage(names()), ++n),
    ];
    rows.push(...large);
    const [lineageRoot] = await ds.query(
      `SELECT v.id FROM model_version v JOIN registered_model m ON m.id = v.model_id WHERE m.name = ? AND v.number = ?`,
      [seeded.models[3].name, VERSIONS_PER_MODEL - 10],
    );
    rows.push(await measure(app, deployer, lineageUpstream(toGlobalId('ModelVersion', lineageRoot.id)), ++n));
    rows.push({
      label: `W4 contention (${CONTENTION_RACERS} CAS moves at once)`,
      ...(await contention(app.url, admin, ds, seeded, W4_ROUNDS, (id) => app.sqlFor(id))),
    });
    const versions: { id: string }[] = await ds.query(
      `SELECT v.id FROM model_version v JOIN registered_model m ON m.id = v.model_id WHERE m.name = ? ORDER BY v.number`,
      [seeded.models[5].name],
    );
    rows.push(await measure(app, deployer, entities(versions.slice(0, 100).map((v) => v.id)), ++n));

    const abuse = await abuseBesideNormal(app.url, deployer, noRole, resolveProduction(names()), COSTLY_DOCUMENTS, W6);
    const costs = await measureValidation(env);

    printTables(kind, rows, small, large);
    printValidationCosts(costs);
    bad += printAbuse(abuse);
    bad += [...rows, ...small].reduce((sum, r) => sum + r.bad, 0);
    if (bad > 0) {
      console.error(`\n${bad} bad responses: these figures are not valid.`);
      process.exitCode = 1;
    }
  } finally {
    for (const s of servers) await s.stop();
    await idp.stop();
    await database.drop();
  }
}

/** V: the costly documents through the server's checks and validation rules, with the server's settings. */
async function measureValidation(env: Record<string, string>): Promise<ValidationCost[]> {
  const config = loadConfig({ ...process.env, ...env });
  return validationCosts(await buildRegistrySchema(), config.graphql, COSTLY_DOCUMENTS);
}

function printValidationCosts(costs: ValidationCost[]): void {
  const fmt = (x: number) => x.toFixed(2);
  console.log(`\n## V: validation cost of the costliest documents (limit ${VALIDATION_FLOOR_MS} ms each)\n`);
  console.log(
    'Size check, parse, document bounds and validation rules, as the server runs them; 15 runs each after one ' +
      "untimed run. CPU ms is this process's user + system time, less sensitive than wall time to other load.\n",
  );
  console.log('| document | bytes | outcome | CPU ms, median | wall ms, median | wall ms, slowest | within 20 ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const c of costs) {
    const within = c.cpuMedian <= VALIDATION_FLOOR_MS ? 'yes' : '**no**';
    const times = `${fmt(c.cpuMedian)} | ${fmt(c.median)} | ${fmt(c.max)}`;
    console.log(`| ${c.name} | ${c.bytes} | ${c.outcome} | ${times} | ${within} |`);
  }
}

/** W6, and how many answers were wrong. */
function printAbuse(r: AbuseResult): number {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (x: number) => x.toFixed(2);
  const row = (label: string, rs: LoadResult[]) => {
    const of = (key: 'rps' | 'p50' | 'p99') => fmt(median(rs.map((x) => x[key])));
    const worst = fmt(Math.max(...rs.map((x) => x.p99)));
    const bad = rs.reduce((s, x) => s + x.bad, 0);
    return `| ${label} | ${of('rps')} | ${of('p50')} | ${of('p99')} | ${worst} | ${bad} |`;
  };
  console.log(`\n## W6: abuse beside normal traffic\n`);
  console.log(
    `W1 with ${W6.connections} connections, alone and beside ${W6.clients} clients each looping the ` +
      `${COSTLY_DOCUMENTS.length} costly documents (as a signed-in user with no role); ${W6.rounds} rounds of ` +
      `${W6.windowSeconds} s windows, alternating; medians over rounds.\n`,
  );
  console.log('| normal traffic | req/s | p50 ms | p99 ms | worst round p99 ms | bad responses |');
  console.log('|---|---|---|---|---|---|');
  console.log(row('alone', r.alone));
  console.log(row(`beside ${W6.clients} abusive clients`, r.beside));
  const ratio = median(r.beside.map((x) => x.p99)) / median(r.alone.map((x) => x.p99));
  const a = r.abusive;
  console.log(
    `\np99 beside abuse / alone: ${fmt(ratio)}. Abusive requests: ${a.requests} answered, p50 ${fmt(a.p50)} ms, ` +
      `p99 ${fmt(a.p99)} ms, ${a.bad} not as expected${a.firstBad ? ` (first: ${a.firstBad})` : ''}.`,
  );
  const bad = r.alone.concat(r.beside).reduce((s, x) => s + x.bad, 0) + a.bad;
  for (const x of r.alone.concat(r.beside)) if (x.firstBad) console.error(`  ! W6: ${x.firstBad}`);
  return bad;
}

function printTables(kind: string, rows: Row[], small: Row[], large: Row[]): void {
  const l2 = rows.find((r) => r.label.startsWith('L2'))!;
  const fmt = (x: number, d = 0) =>
    x.toLocaleString('en-US', {
      minimumFractionDigits: d,
      maximumFractionDigits: d,
    });
  console.log(`\n## ${kind}: 1 000 models, 100 000 versions\n`);
  console.log('| workload | req/s | p50 ms | p99 ms | SQL / request | vs L2 throughput | bad responses |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.label} | ${fmt(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.sql ?? '–'} | ${fmt(r.rps / l2.rps, 2)} | ${r.bad} |`,
    );
  console.log(`\n## ${kind}: the same registry at 1 000 and at 100 000 versions\n`);
  console.log(
    '| workload | req/s at 1 000 | req/s at 100 000 | ratio | p50 ms at 1 000 | p50 ms at 100 000 | SQL / request (both) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  small.forEach((s, i) => {
    const l = large[i];
    console.log(
      `| ${s.label} | ${fmt(s.rps)} | ${fmt(l.rps)} | ${fmt(l.rps / s.rps, 2)} | ${fmt(s.p50, 2)} | ${fmt(l.p50, 2)} | ${s.sql} / ${l.sql} |`,
    );
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
