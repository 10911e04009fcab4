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
 *   W5  `_entities` with 100 ModelVersion representations (what a federation gateway sends).
 * Every response is checked. Readers use a registry VIEWER's token, as a deploy system would.
 */
import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config';
import { toGlobalId } from '../src/common/global-id';
import { createLogger } from '../src/common/logger';
import { createDataSource } from '../src/db/data-source';
import { migrate } from '../src/db/migrate';
import { AUDIENCE, IdentityProvider, ISSUER } from '../test/support/identity-provider';
import { load, LOAD, LoadResult, request, Workload } from './support/load';
import { addModels, createRegistry, SeededRegistry, VERSIONS_PER_MODEL } from './support/seed-registry';

const REGISTRY = 'bench';
const ADMIN = 'bench-admin';
const DEPLOYER = 'deployer';
const HOT_MODELS = 10;
const W4_ROUNDS = Number(process.env.BENCH_W4_ROUNDS ?? 40);
const W4_RACERS = 50;

interface Row extends LoadResult {
  label: string;
  sql: number | null;
}

// ---------------------------------------------------------------------------------------------
// The database and the server process

async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (base && /^(mysql|mariadb):/.test(base)) {
    const u = new URL(base);
    const name = `${u.pathname.slice(1)}_bench_${process.pid}`;
    const admin = () => createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
    const c = await admin();
    await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await c.end();
    u.pathname = `/${name}`;
    return {
      url: u.toString(),
      async drop() {
        const d = await admin();
        await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await d.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-bench-'));
  return { url: `sqlite:${path.join(dir, 'registry.sqlite')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

class ServerProcess {
  private constructor(private readonly child: ChildProcess, readonly url: string) {}

  static async start(mode: 'L0' | 'L2' | 'app', env: Record<string, string> = {}): Promise<ServerProcess> {
    const child = fork(path.join(__dirname, 'support', 'bench-server.ts'), [], { execArgv: ['-r', '@swc-node/register'], env: { ...process.env, ...env, BENCH_SERVER: mode }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];
const hot = (seeded: SeededRegistry) => seeded.models.slice(0, HOT_MODELS).map((m) => m.name);
const W1_QUERY = `query($m: String!) { modelVersion(registry: "${REGISTRY}", model: $m, ref: "production") { artifact { uri digest } } }`;
const W2_QUERY = `query($m: String!) { model(registry: "${REGISTRY}", name: $m) {
  name description tags updatedAt
  aliases { name protected updatedAt version { name } }
  versions(first: 50) { edges { node { id name number aliases tags metrics description createdAt createdBy { id } artifact { uri digest sizeBytes } } } pageInfo { hasNextPage endCursor } }
} }`;

function w1(seeded: SeededRegistry): Workload {
  const models = hot(seeded);
  return { label: 'W1 resolve model:production', query: W1_QUERY, variables: () => ({ m: pick(models) }), check: (d) => /^s3:\/\/bench\/models\//.test(d.modelVersion?.artifact?.uri) && /^sha256:/.test(d.modelVersion.artifact.digest) };
}

function w2(seeded: SeededRegistry): Workload {
  const models = hot(seeded);
  return {
    label: 'W2 model page (50 versions)',
    query: W2_QUERY,
    variables: () => ({ m: pick(models) }),
    check: (d) => d.model?.aliases?.length === 3 && d.model.versions.edges.length === 50 && d.model.versions.edges[0].node.metrics.accuracy > 0,
  };
}

// ---------------------------------------------------------------------------------------------

async function probeSql(server: ServerProcess, token: string, w: Workload, n: number): Promise<number> {
  const requestId = `probe-${n}`;
  const r = await request(server.url, token, w.query, w.variables?.() ?? {}, requestId);
  if (r.errors || !w.check(r.data)) throw new Error(`${w.label}: probe failed: ${JSON.stringify(r).slice(0, 300)}`);
  return server.sqlFor(requestId);
}

async function measure(server: ServerProcess, token: string | null, w: Workload, n: number): Promise<Row> {
  const sql = token ? await probeSql(server, token, w, n) : null;
  await load(server.url, token, { ...w }); // warm-up round, discarded
  const r = await load(server.url, token, w);
  if (r.bad > 0) console.error(`  ! ${w.label}: ${r.bad} bad responses, first: ${r.firstBad}`);
  return { label: w.label, sql, ...r };
}

/**
 * W4: each round reads where the alias points, then 50 clients at once ask to move it elsewhere,
 * each naming that version as expectedVersion. Exactly one may win; the rest get CONFLICT.
 */
async function contention(server: ServerProcess, token: string, ds: DataSource, seeded: SeededRegistry): Promise<Row & { winners: number; events: number }> {
  const model = seeded.models[0].name;
  const SET = `mutation($i: SetAliasInput!) { setAlias(input: $i) { alias { version { name } } } }`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: W4_RACERS });
  const ask = (version: string, expectedVersion: string | null) => request(server.url, token, SET, { i: { registry: REGISTRY, model, alias: 'champion', version, expectedVersion, reason: 'bench' } }, undefined, agent);
  const first = await ask('v0', null);
  if (first.errors) throw new Error(`W4 setup failed: ${JSON.stringify(first.errors)}`);
  const countEvents = async () => Number((await ds.query(`SELECT COUNT(*) AS n FROM alias_event e JOIN registered_model m ON m.id = e.model_id WHERE m.name = ? AND e.alias = 'champion'`, [model]))[0].n);
  const eventsBefore = await countEvents();
  let current = 'v0';
  let winners = 0;
  let bad = 0;
  let firstBad: string | undefined;
  const latencies: number[] = [];
  const started = performance.now();
  for (let round = 0; round < W4_ROUNDS; round++) {
    const targets = Array.from({ length: VERSIONS_PER_MODEL }, (_, i) => `v${i}`).filter((v) => v !== current).sort(() => Math.random() - 0.5).slice(0, W4_RACERS);
    const results = await Promise.all(targets.map((v) => ask(v, current)));
    let won: string | null = null;
    results.forEach((r, i) => {
      latencies.push(r.ms);
      if (!r.errors) {
        if (won) bad += 1; // a second winner for the same expected version
        won = targets[i];
      } else if (r.errors[0]?.extensions?.code !== 'CONFLICT') {
        bad += 1;
        firstBad ??= JSON.stringify(r.errors).slice(0, 300);
      }
    });
    if (!won) {
      bad += 1;
      firstBad ??= `round ${round}: no winner`;
      continue;
    }
    winners += 1;
    current = won;
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const events = (await countEvents()) - eventsBefore;
  if (events !== winners) {
    bad += 1;
    firstBad ??= `alias events ${events} != successful moves ${winners}`;
  }
  if (bad) console.error(`  ! W4: ${bad} bad outcomes, first: ${firstBad}`);
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { label: `W4 contention (${W4_RACERS} CAS moves at once)`, sql: null, rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), requests: latencies.length, bad, winners, events };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const database = await createDatabase();
  const ds = createDataSource(parseDatabaseUrl(database.url, os.tmpdir()));
  await ds.initialize();
  await migrate(ds, createLogger('error'));
  const kind = database.url.startsWith('sqlite:') ? 'SQLite' : new URL(database.url).protocol === 'mariadb:' ? 'MariaDB' : 'MySQL';
  const idp = await IdentityProvider.start();
  const servers: ServerProcess[] = [];
  try {
    const admin = await idp.token(ADMIN, { expiresIn: 7200 });
    const deployer = await idp.token(DEPLOYER, { expiresIn: 7200 });
    const env = { NODE_ENV: 'production', DATABASE_URL: database.url, MIGRATE_ON_START: 'false', AUTH_JWKS_URL: idp.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_ADMINS: ADMIN, LOG_LEVEL: 'error' };
    console.log(`# npm run bench on ${kind}: ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}; autocannon ${LOAD.connections} connections x ${LOAD.duration} s per workload, after a warm-up run`);

    let t = performance.now();
    const seeded = await createRegistry(ds.manager, REGISTRY);
    await addModels(ds.manager, seeded, HOT_MODELS);
    console.log(`seeded ${seeded.models.length} models, ${seeded.models.length * VERSIONS_PER_MODEL} versions in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const app = await ServerProcess.start('app', env);
    servers.push(app);
    const grant = await request(app.url, admin, `mutation { grantRole(input: { registry: "${REGISTRY}", subject: "${DEPLOYER}", role: VIEWER }) { binding { role } } }`);
    if (grant.errors) throw new Error(JSON.stringify(grant.errors));
    let n = 0;
    const small = [await measure(app, deployer, w1(seeded), ++n), await measure(app, deployer, w2(seeded), ++n)];

    t = performance.now();
    await addModels(ds.manager, seeded, 1000 - HOT_MODELS);
    console.log(`grew the registry to ${seeded.models.length} models, ${seeded.models.length * VERSIONS_PER_MODEL} versions in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const rows: Row[] = [];
    for (const mode of ['L0', 'L2'] as const) {
      const ceiling = await ServerProcess.start(mode, env);
      rows.push(await measure(ceiling, null, { label: mode === 'L0' ? 'L0 bare node:http, fixed JSON' : 'L2 Apollo Server, { __typename }', query: '{ __typename }', check: (d) => d.__typename === 'Query' }, ++n));
      await ceiling.stop();
    }
    rows.push(await measure(app, deployer, { label: 'L1 the registry, { __typename }', query: '{ __typename }', check: (d) => d.__typename === 'Query' }, ++n));
    const large = [await measure(app, deployer, w1(seeded), ++n), await measure(app, deployer, w2(seeded), ++n)];
    rows.push(...large);
    const version = seeded.models[3].name;
    const versionId = (await request(app.url, deployer, `{ modelVersion(registry: "${REGISTRY}", model: "${version}", ref: "production") { id } }`)).data.modelVersion.id as string;
    rows.push(await measure(app, deployer, {
      label: 'W3 lineage, depth-10 upstream',
      query: `query($id: ID!) { lineage(id: $id, direction: UPSTREAM, depth: 10) { nodes { id kind name } edges { from to kind } truncated } }`,
      variables: () => ({ id: versionId }),
      check: (d) => d.lineage.nodes.length >= 10 && d.lineage.truncated === false,
    }, ++n));
    rows.push(await contention(app, admin, ds, seeded));
    const entities = await ds.query(`SELECT v.id FROM model_version v JOIN registered_model m ON m.id = v.model_id WHERE m.name = ? ORDER BY v.number`, [seeded.models[5].name]);
    const representations = entities.slice(0, 100).map((v: { id: string }) => ({ __typename: 'ModelVersion', id: toGlobalId('ModelVersion', v.id) }));
    const w5: Workload = {
      label: 'W5 _entities, 100 ModelVersions',
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ModelVersion { id name artifact { uri } } } }`,
      variables: () => ({ r: representations }),
      check: (d) => d._entities.length === 100 && d._entities.every((e: { name?: string } | null) => e?.name),
    };
    const federated = !(await request(app.url, deployer, w5.query, w5.variables!())).errors;
    if (federated) rows.push(await measure(app, deployer, w5, ++n));
    else console.log('W5 skipped: this build does not serve _entities');

    const l2 = rows.find((r) => r.label.startsWith('L2'))!;
    const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
    console.log(`\n## ${kind}: 1 000 models, 100 000 versions\n`);
    console.log('| workload | req/s | p50 ms | p99 ms | SQL / request | vs L2 throughput | bad responses |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.label} | ${fmt(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.sql ?? '–'} | ${fmt(r.rps / l2.rps, 2)} | ${r.bad} |`);
    console.log(`\n## ${kind}: the same registry at 1 000 and at 100 000 versions\n`);
    console.log('| workload | req/s at 1 000 | req/s at 100 000 | ratio | p50 ms at 1 000 | p50 ms at 100 000 | SQL / request (both) |');
    console.log('|---|---|---|---|---|---|---|');
    small.forEach((s, i) => {
      const l = large[i];
      console.log(`| ${s.label} | ${fmt(s.rps)} | ${fmt(l.rps)} | ${fmt(l.rps / s.rps, 2)} | ${fmt(s.p50, 2)} | ${fmt(l.p50, 2)} | ${s.sql} / ${l.sql} |`);
    });
    const bad = [...rows, ...small].reduce((sum, r) => sum + r.bad, 0);
    if (bad > 0) {
      console.error(`\n${bad} bad responses: these figures are not valid.`);
      process.exitCode = 1;
    }
  } finally {
    for (const s of servers) await s.stop();
    await idp.stop();
    await ds.destroy();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
