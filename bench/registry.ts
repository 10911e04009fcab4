import 'reflect-metadata';
/**
 * `npm run bench`: the registry under load, over HTTP on 127.0.0.1, against the ceilings of the
 * stack it is built on and the floor of each workload, on the embedded SQLite (default) or
 * MySQL/MariaDB (DATABASE_URL, a database named <base>_t<pid>_… is created and dropped).
 *
 * Variants, each a server process of its own, all running at once:
 *   L0     a bare node:http server answering a fixed JSON body;
 *   L2'    a stock Apollo Server (`startStandaloneServer`, default settings), `{ __typename }`;
 *   L2     Apollo Server with our production settings and HTTP front, `{ __typename }`;
 *   L1     the registry answering `{ __typename }` (adds the token check);
 *   floor  W1, W2 and W5 answered from the same data with the fewest SQL statements, through the
 *          bare driver and JSON.stringify over node:http (no GraphQL, ORM or auth);
 *   today  with BENCH_BASELINE=<git revision>: the registry at that revision, same database.
 * Workloads:
 *   W1  resolve `registry/model:production` to its artifact (the deploy path);
 *   W2  a model page: the model, its aliases and 50 versions with aliases, tags and metrics;
 *   W3  depth-10 upstream lineage of a version;
 *   W4  contention: rounds of 50 concurrent compare-and-swap moves of one alias;
 *   W5  `_entities` with 100 ModelVersion representations (what a federation gateway sends);
 *   M   memory: the server's RSS after seeding, and after each of three runs of W2, checked for growth;
 *   V   validation cost of the costliest documents the size limits let in (in this process,
 *       through the server's own checks and rules), beside the 20 ms they must stay under;
 *   W6  abuse beside normal traffic: W1's p50 and p99 alone and beside four clients looping
 *       those documents, in alternating windows.
 * The machine's speed drifts about 2x within minutes, so throughput is measured interleaved
 * (support/interleave.ts): short windows rotated across all variants for several rounds, and
 * reported as medians (and spreads) of per-round ratios. Every response is checked. Readers use
 * a registry VIEWER's token, as a deploy system would.
 * BENCH_ONLY=V,W6 (a comma-separated list of V, W6, M, Q and ALL, the default) runs only those
 * parts, on the small registry; Q is a quick interleaved run of L2', L1, W1, W2 and W5 there.
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
import { checkoutBaseline } from './support/baseline';
import {
  badOf,
  cpuOf,
  cpuRatio,
  INTERLEAVE,
  interleave,
  Lane,
  ratio,
  Rounds,
  rpsOf,
  Spread,
} from './support/interleave';
import { load, LoadResult, request, Workload } from './support/load';
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
const runs = (part: 'V' | 'W6' | 'M' | 'Q') => ONLY.has('ALL') || ONLY.has(part);
const BASELINE = process.env.BENCH_BASELINE;
/** The target of issue #11: no document the size limits accept costs more than this to validate. */
const VALIDATION_FLOOR_MS = 20;
const W6 = {
  rounds: Number(process.env.BENCH_W6_ROUNDS ?? 6),
  windowSeconds: Number(process.env.BENCH_W6_WINDOW ?? 3),
  clients: 4,
  connections: 8,
};
/** M: three runs of W2 (16 connections), a minute in all by default; RSS after each. */
const MEMORY = {
  runs: 3,
  seconds: Number(process.env.BENCH_MEMORY_SECONDS ?? 20),
  /** The third run's RSS may exceed the first's by this much before the bench calls it growth. */
  allowedGrowth: 0.1,
};

// ---------------------------------------------------------------------------------------------
// The server processes

type Mode = 'L0' | 'L2' | 'L2stock' | 'floor' | 'app';

class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** `dir`: the checkout whose bench server to run (the baseline's), by default this one. */
  static async start(
    mode: Mode,
    env: Record<string, string> = {},
    dir = path.join(__dirname, '..'),
  ): Promise<ServerProcess> {
    const child = fork(path.join(dir, 'bench', 'support', 'bench-server.ts'), [], {
      cwd: dir,
      execArgv: ['-r', '@swc-node/register', '--expose-gc'],
      env: { ...process.env, ...env, BENCH_SERVER: mode, BENCH_REGISTRY: REGISTRY },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (m: { url: string }) => resolve(m.url));
      child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`)));
    });
    return new ServerProcess(child, url);
  }

  private ask<T>(question: object, answers: (m: any) => T | undefined): Promise<T> {
    return new Promise((resolve) => {
      const onMessage = (m: unknown) => {
        const answer = answers(m);
        if (answer === undefined) return;
        this.child.off('message', onMessage);
        resolve(answer);
      };
      this.child.on('message', onMessage);
      this.child.send(question);
    });
  }

  /** SQL statements the server ran for one request (sent with x-request-id `probe-…`). */
  sqlFor(requestId: string): Promise<number> {
    return this.ask({ sqlFor: requestId }, (m) => (m.sqlFor === requestId ? (m.count as number) : undefined));
  }

  /** CPU time the server has used so far, in µs. */
  cpu(): Promise<number> {
    return this.ask({ cpu: true }, (m) => m.cpu as number | undefined);
  }

  /** Resident set size in bytes, after a full garbage collection. */
  rss(): Promise<number> {
    return this.ask({ rss: true }, (m) => m.rss as number | undefined);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------

async function probeSql(server: ServerProcess, token: string, w: Workload, n: number): Promise<number> {
  const requestId = `probe-${n}`;
  const variables = w.variables?.() ?? {};
  const r = await request(server.url, token, w.query, variables, requestId);
  if (r.errors || !w.check(r.data, variables))
    throw new Error(`${w.label}: probe failed: ${JSON.stringify(r).slice(0, 300)}`);
  return server.sqlFor(requestId);
}

async function measure(server: ServerProcess, token: string | null, w: Workload): Promise<LoadResult> {
  await load(server.url, token, w); // warm-up round, discarded
  const r = await load(server.url, token, w);
  if (r.bad > 0) console.error(`  ! ${w.label}: ${r.bad} bad responses, first: ${r.firstBad}`);
  return r;
}

const TYPENAME: Workload = {
  label: '{ __typename }',
  query: '{ __typename }',
  check: (d) => d.__typename === 'Query',
};

interface Servers {
  app: ServerProcess;
  today?: ServerProcess;
}

/** SQL statements per request of each workload, for the registry and (if running) its baseline. */
type SqlCounts = Map<string, number>;

let probes = 0;
async function countSql(servers: Servers, token: string, workloads: Workload[], into: SqlCounts): Promise<void> {
  for (const w of workloads) {
    into.set(`${w.label} app`, await probeSql(servers.app, token, w, ++probes));
    if (servers.today) into.set(`${w.label} today`, await probeSql(servers.today, token, w, ++probes));
  }
}

/** The lanes of one workload: the registry, its baseline, and the floor when there is one. */
function lanesOf(w: Workload, token: string, servers: Servers, floor?: ServerProcess): Lane[] {
  const lanes: Lane[] = [];
  const cpu = (s: ServerProcess) => () => s.cpu();
  if (floor) lanes.push({ label: `${w.label} floor`, url: floor.url, token: null, workload: w, cpu: cpu(floor) });
  lanes.push({ label: `${w.label} app`, url: servers.app.url, token, workload: w, cpu: cpu(servers.app) });
  if (servers.today)
    lanes.push({ label: `${w.label} today`, url: servers.today.url, token, workload: w, cpu: cpu(servers.today) });
  return lanes;
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const ds = database.ds;
  const kind =
    database.config.kind === 'sqlite' ? 'SQLite' : database.config.flavor === 'mariadb' ? 'MariaDB' : 'MySQL';
  const idp = await IdentityProvider.start();
  const started: ServerProcess[] = [];
  const baseline = BASELINE ? checkoutBaseline(BASELINE) : undefined;
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
    const start = async (mode: Mode, dir?: string) => {
      const server = await ServerProcess.start(mode, env, dir);
      started.push(server);
      return server;
    };
    console.log(
      `# npm run bench on ${kind}: ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}; ` +
        `interleaved: ${INTERLEAVE.rounds} rounds of ${INTERLEAVE.windowSeconds} s windows per variant, ` +
        `${INTERLEAVE.connections} connections (autocannon)` +
        (baseline ? `; "today" is ${baseline.commit} (BENCH_BASELINE=${BASELINE})` : ''),
    );

    let t = performance.now();
    const seeded = await createRegistry(ds.manager, REGISTRY);
    await addModels(ds.manager, seeded, SMALL_MODELS);
    console.log(
      `seeded ${seeded.models.length} models, ${seeded.models.length * VERSIONS_PER_MODEL} versions in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const servers: Servers = { app: await start('app') };
    const grant = await request(
      servers.app.url,
      admin,
      `mutation { grantRole(input: { registry: "${REGISTRY}", subject: "${DEPLOYER}", role: VIEWER }) { binding { role } } }`,
    );
    if (grant.errors) throw new Error(JSON.stringify(grant.errors));
    // Started after the grant, so its policy has it from the start.
    if (baseline) servers.today = await start('app', baseline.dir);
    const names = () => seeded.models.map((m) => m.name);
    const typename = (label: string, server: ServerProcess, token: string | null): Lane => ({
      label,
      url: server.url,
      token,
      workload: TYPENAME,
      cpu: () => server.cpu(),
    });
    let bad = 0;
    if (!ONLY.has('ALL')) {
      if (runs('V')) printValidationCosts(await measureValidation(env));
      if (runs('W6')) {
        const normal = resolveProduction(names());
        bad += printAbuse(await abuseBesideNormal(servers.app.url, deployer, noRole, normal, COSTLY_DOCUMENTS, W6));
      }
      if (runs('M')) bad += printMemory(await measureMemory(servers.app, deployer, modelPage(names())), null);
      if (runs('Q')) {
        // A quick interleaved comparison on the small registry: W1, W2 (warm and uncached) and W5,
        // beside the stock Apollo ceiling the targets are stated against and L1.
        const [floor, stock] = [await start('floor'), await start('L2stock')];
        const uncached = await ServerProcess.start('app', { ...env, MODEL_CACHE_ENTRIES: '0' });
        started.push(uncached);
        const [model] = seeded.models;
        const versions: { id: string }[] = await ds.query('SELECT id FROM model_version WHERE model_id = ?', [
          model.id,
        ]);
        const [w1, w2, w5] = [resolveProduction(names()), modelPage(names()), entities(versions.map((v) => v.id))];
        const sql: SqlCounts = new Map();
        await countSql(servers, deployer, [w1, w2, w5], sql);
        await readEveryModelPage(servers.app, deployer, names());
        const quick = await interleave([
          typename("L2'", stock, null),
          typename('L1 registry', servers.app, deployer),
          ...lanesOf(w1, deployer, servers, floor),
          ...lanesOf(w2, deployer, servers, floor),
          {
            label: `${w2.label} uncached`,
            url: uncached.url,
            token: deployer,
            workload: w2,
            cpu: () => uncached.cpu(),
          },
          ...lanesOf(w5, deployer, servers, floor),
        ]);
        printInterleaved(`${kind}: 10 models, 1 000 versions`, quick, sql, !!servers.today);
        bad += badOf(quick);
      }
      if (bad > 0) process.exitCode = 1;
      return;
    }
    const stock = await start('L2stock');

    // At 1 000 versions: the deploy path and the model page beside the ceiling, for the scale table.
    const sql: SqlCounts = new Map();
    const smallSql: SqlCounts = new Map();
    await countSql(servers, deployer, [resolveProduction(names()), modelPage(names())], smallSql);
    const small = await interleave([
      typename("L2'", stock, null),
      ...lanesOf(resolveProduction(names()), deployer, servers),
      ...lanesOf(modelPage(names()), deployer, servers),
    ]);

    t = performance.now();
    await addModels(ds.manager, seeded, 1000 - SMALL_MODELS);
    console.log(
      `grew the registry to ${seeded.models.length} models, ${seeded.models.length * VERSIONS_PER_MODEL} versions in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const rssAfterSeed = await servers.app.rss();

    // At 100 000 versions the workloads pick from all 1 000 models, not the first ten.
    const [l0, l2, floor] = [await start('L0'), await start('L2'), await start('floor')];
    // The same registry with the model cache off: what a model page costs when it is not cached
    // (the first read after a change to the model, or a model not read for a while).
    const uncached = await ServerProcess.start('app', { ...env, MODEL_CACHE_ENTRIES: '0' });
    started.push(uncached);
    const versions: { id: string }[] = await ds.query(
      `SELECT v.id FROM model_version v JOIN registered_model m ON m.id = v.model_id WHERE m.name = ? ORDER BY v.number`,
      [seeded.models[5].name],
    );
    const w1 = resolveProduction(names());
    const w2 = modelPage(names());
    const w5 = entities(versions.slice(0, 100).map((v) => v.id));
    await countSql(servers, deployer, [w1, w2, w5], sql);
    sql.set(`${w2.label} uncached`, await probeSql(uncached, deployer, w2, ++probes));
    // W2 measures a model page read again: every model's page is read once first, so the cache
    // holds them all (1 000 models, within MODEL_CACHE_ENTRIES' default). `W2 … uncached` above
    // is the other end.
    t = performance.now();
    await readEveryModelPage(servers.app, deployer, names());
    console.log(`read every model's page once in ${((performance.now() - t) / 1000).toFixed(1)} s (cache warm-up)`);
    sql.set(`${w2.label} app`, await probeSql(servers.app, deployer, w2, ++probes));
    const large = await interleave([
      typename('L0', l0, null),
      typename("L2'", stock, null),
      typename('L2', l2, null),
      typename('L1 app', servers.app, deployer),
      ...(servers.today ? [typename('L1 today', servers.today, deployer)] : []),
      ...lanesOf(w1, deployer, servers, floor),
      ...lanesOf(w2, deployer, servers, floor),
      { label: `${w2.label} uncached`, url: uncached.url, token: deployer, workload: w2, cpu: () => uncached.cpu() },
      ...lanesOf(w5, deployer, servers, floor),
    ]);
    for (const s of [l0, l2, floor, uncached]) await s.stop();

    // Before W4, which moves an alias of the first model (W2's check counts its aliases).
    const memory = await measureMemory(servers.app, deployer, w2);

    // Sequential, one run each: W3's cost is its SQL, W4 measures contention, not throughput.
    const [lineageRoot] = await ds.query(
      `SELECT v.id FROM model_version v JOIN registered_model m ON m.id = v.model_id WHERE m.name = ? AND v.number = ?`,
      [seeded.models[3].name, VERSIONS_PER_MODEL - 10],
    );
    const w3 = lineageUpstream(toGlobalId('ModelVersion', lineageRoot.id));
    const sequential: (LoadResult & { label: string; sql: number })[] = [
      {
        label: w3.label,
        sql: await probeSql(servers.app, deployer, w3, ++probes),
        ...(await measure(servers.app, deployer, w3)),
      },
      {
        label: `W4 contention (${CONTENTION_RACERS} CAS moves at once)`,
        ...(await contention(servers.app.url, admin, ds, seeded, W4_ROUNDS, (id) => servers.app.sqlFor(id))),
      },
    ];

    const abuse = await abuseBesideNormal(servers.app.url, deployer, noRole, w1, COSTLY_DOCUMENTS, W6);
    const costs = await measureValidation(env);

    printInterleaved(`${kind}: 1 000 models, 100 000 versions`, large, sql, !!servers.today);
    printScale(kind, small, large, smallSql, sql);
    printSequential(kind, sequential);
    bad += printMemory(memory, rssAfterSeed);
    printValidationCosts(costs);
    bad += printAbuse(abuse);
    bad += badOf(small) + badOf(large) + sequential.reduce((sum, r) => sum + r.bad, 0);
    if (bad > 0) {
      console.error(`\n${bad} bad responses: these figures are not valid.`);
      process.exitCode = 1;
    }
  } finally {
    for (const s of started) await s.stop();
    await idp.stop();
    await database.drop();
    baseline?.remove();
  }
}

/** Reads each model's page once, 16 at a time, checking each answer. */
async function readEveryModelPage(app: ServerProcess, token: string, models: string[]): Promise<void> {
  const queue = [...models];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let m = queue.pop(); m !== undefined; m = queue.pop()) {
        const w = modelPage([m]);
        const r = await request(app.url, token, w.query, { m });
        if (r.errors || !w.check(r.data, { m }))
          throw new Error(`W2 warm-up failed for ${m}: ${JSON.stringify(r.errors)}`);
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Memory

interface MemoryResult {
  /** RSS in bytes after each run. */
  after: number[];
  runs: LoadResult[];
}

async function measureMemory(app: ServerProcess, token: string, w: Workload): Promise<MemoryResult> {
  const result: MemoryResult = { after: [], runs: [] };
  for (let i = 0; i < MEMORY.runs; i++) {
    const run = await load(app.url, token, w, { connections: 16, duration: MEMORY.seconds });
    if (run.bad > 0) console.error(`  ! M run ${i + 1}: ${run.bad} bad responses, first: ${run.firstBad}`);
    result.runs.push(run);
    result.after.push(await app.rss());
  }
  return result;
}

/** Prints M, and counts growth across runs as one bad result. */
function printMemory(m: MemoryResult, rssAfterSeed: number | null): number {
  const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(`\n## M: memory of the registry's process (RSS after a full GC)\n`);
  console.log('| when | RSS MiB | W2 req/s in the run |');
  console.log('|---|---|---|');
  if (rssAfterSeed !== null)
    console.log(`| after the 100 000-version seed and the interleaved runs | ${mib(rssAfterSeed)} | – |`);
  m.after.forEach((rss, i) =>
    console.log(
      `| after W2 run ${i + 1} (${MEMORY.seconds} s, 16 connections) | ${mib(rss)} | ${m.runs[i].rps.toFixed(0)} |`,
    ),
  );
  const growth = m.after[m.after.length - 1] / m.after[0] - 1;
  const grew = growth > MEMORY.allowedGrowth;
  console.log(
    `\nRSS from run 1 to run ${m.after.length}: ${(growth * 100).toFixed(1)}% ` +
      `(allowed ${(MEMORY.allowedGrowth * 100).toFixed(0)}%): ${grew ? '**grows**' : 'no growth'}.`,
  );
  return (grew ? 1 : 0) + m.runs.reduce((sum, r) => sum + r.bad, 0);
}

// ---------------------------------------------------------------------------------------------
// Tables

const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const spread = (s: Spread | null, d = 2) => (s ? `${fmt(s.median, d)} (${fmt(s.low, d)}–${fmt(s.high, d)})` : '–');

function printInterleaved(title: string, rounds: Rounds, sql: SqlCounts, withToday: boolean): void {
  console.log(`\n## ${title}, interleaved\n`);
  console.log(
    "Medians over rounds, with the lowest and highest round in brackets. Ratios are taken round by round; L2' is " +
      'a stock Apollo Server answering `{ __typename }`, L2 the same with our settings and HTTP front.\n',
  );
  const header = [
    'variant',
    'req/s',
    "vs L2'",
    'vs L2',
    'vs floor',
    ...(withToday ? ['vs today'] : []),
    'CPU ms / request',
    ...(withToday ? ['CPU: today / this'] : []),
    'SQL / request',
    'bad',
  ];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const [label, results] of rounds) {
    const workload = label.replace(/ (app|today|floor|uncached)$/, '');
    const variant = label.slice(workload.length + 1);
    const registry = variant === 'app' || variant === 'today' || variant === 'uncached';
    const cells = [
      label,
      fmt(rpsOf(rounds, label).median),
      spread(ratio(rounds, label, "L2'")),
      spread(ratio(rounds, label, 'L2')),
      registry ? spread(ratio(rounds, label, `${workload} floor`)) : '–',
      ...(withToday
        ? [variant === 'app' || variant === 'uncached' ? spread(ratio(rounds, label, `${workload} today`)) : '–']
        : []),
      spread(cpuOf(rounds, label), 3),
      ...(withToday
        ? [variant === 'app' || variant === 'uncached' ? spread(cpuRatio(rounds, label, `${workload} today`)) : '–']
        : []),
      String(sql.get(label) ?? '–'),
      String(results.reduce((s, r) => s + r.bad, 0)),
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

function printScale(kind: string, small: Rounds, large: Rounds, smallSql: SqlCounts, sql: SqlCounts): void {
  console.log(`\n## ${kind}: the same registry at 1 000 and at 100 000 versions\n`);
  console.log("| variant | vs L2' at 1 000 | vs L2' at 100 000 | SQL / request (1 000 / 100 000) |");
  console.log('|---|---|---|---|');
  for (const label of small.keys()) {
    if (label === "L2'") continue;
    console.log(
      `| ${label} | ${spread(ratio(small, label, "L2'"))} | ${spread(ratio(large, label, "L2'"))} | ${smallSql.get(label) ?? '–'} / ${sql.get(label) ?? '–'} |`,
    );
  }
}

function printSequential(kind: string, rows: (LoadResult & { label: string; sql: number })[]): void {
  console.log(`\n## ${kind}: lineage and contention (one run each, not interleaved)\n`);
  console.log('| workload | req/s | p50 ms | p99 ms | SQL / request | bad |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.label} | ${fmt(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.sql} | ${r.bad} |`);
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
