import 'reflect-metadata';
/**
 * `npm run bench:lineage`: lineage queries over a 100 000-node graph shaped like real pipelines.
 *
 * The graph: 200 shared raw datasets; ~5 900 pipelines of 8 steps, each step a run that uses the
 * previous step's artifact and one raw dataset (fan-in), and produces the next artifact; the last
 * run produces a model version. Raw datasets are used by hundreds of runs each (fan-out).
 * Timed: upstream lineage of a version at depth 5 and 10, downstream of a mid-pipeline artifact,
 * over HTTP (the whole GraphQL request: auth, the recursive walk, naming the nodes) and the same
 * recursive SQL run directly, with their ratio. Uses DATABASE_URL like the tests (SQLite default).
 */
import { performance } from 'node:perf_hooks';
import { startApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/common/logger';
import { toGlobalId } from '../src/common/global-id';
import { uuidv7 } from '../src/common/uuid';
import { ArtifactEntity } from '../src/lineage/artifact.entity';
import { LineageEdgeEntity, NodeKind } from '../src/lineage/lineage-edge.entity';
import { walk } from '../src/lineage/lineage-walk';
import { RunEntity } from '../src/lineage/run.entity';
import { ModelEntity } from '../src/models/model.entity';
import { RegistryEntity } from '../src/registry/registry.entity';
import { VersionEntity } from '../src/versions/version.entity';
import { createTestDatabase } from '../test/support/database';
import { AUDIENCE, IdentityProvider, ISSUER } from '../test/support/identity-provider';

const TARGET_NODES = 100_000;
const STEPS = 8;
const RAW = 200;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 100);

async function insertAll<T extends object>(insert: (rows: T[]) => Promise<unknown>, rows: T[], batch = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) await insert(rows.slice(i, i + batch));
}

function pct(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function timeIt(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const em = db.ds.manager;
  const now = new Date();
  const who = 'bench';
  const registry: RegistryEntity = { id: uuidv7(), name: 'bench', description: null, visibility: 'RESTRICTED', protectedAliases: ['production'], createdBy: who, createdAt: now, updatedAt: now };
  await em.insert(RegistryEntity, registry);
  const model: ModelEntity = { id: uuidv7(), registryId: registry.id, name: 'pipeline-model', description: null, tags: [], nextVersionNumber: 0, createdBy: who, createdAt: now, updatedAt: now, archivedAt: null };
  await em.insert(ModelEntity, model);

  const runs: RunEntity[] = [];
  const artifacts: ArtifactEntity[] = [];
  const versions: VersionEntity[] = [];
  const edges: LineageEdgeEntity[] = [];
  const node = (kind: NodeKind, id: string) => ({ kind, id });
  const edge = (from: { kind: NodeKind; id: string }, to: { kind: NodeKind; id: string }, kind: 'USED' | 'PRODUCED') =>
    edges.push({ id: uuidv7(), fromId: from.id, fromKind: from.kind, fromRegistryId: registry.id, toId: to.id, toKind: to.kind, toRegistryId: registry.id, kind, createdBy: who, createdAt: now });
  const artifact = (name: string) => {
    const a: ArtifactEntity = { id: uuidv7(), registryId: registry.id, type: 'dataset', name, digest: `sha256:${uuidv7().replace(/-/g, '').padEnd(64, '0')}`, uri: `s3://bench/${name}`, sizeBytes: 1, metadata: {}, createdBy: who, createdAt: now };
    artifacts.push(a);
    return node('ARTIFACT', a.id);
  };

  const raw = Array.from({ length: RAW }, (_, i) => artifact(`raw-${i}`));
  const perPipeline = STEPS * 2 + 1;
  const pipelines = Math.floor((TARGET_NODES - RAW) / perPipeline);
  const sample = { version: '', midArtifact: '' };
  for (let p = 0; p < pipelines; p++) {
    let prev = artifact(`p${p}-input`);
    for (let s = 0; s < STEPS; s++) {
      const r: RunEntity = { id: uuidv7(), registryId: registry.id, name: `p${p}-step${s}`, externalId: null, config: {}, metrics: {}, status: 'FINISHED', startedAt: now, finishedAt: now, createdBy: who, createdAt: now, updatedAt: now };
      runs.push(r);
      const rn = node('RUN', r.id);
      edge(prev, rn, 'USED');
      edge(raw[(p * 7 + s * 13) % RAW], rn, 'USED');
      if (s === STEPS - 1) {
        const v: VersionEntity = {
          id: uuidv7(), modelId: model.id, number: p, artifactUri: `s3://bench/model/${p}`, artifactDigest: `sha256:${'a'.repeat(64)}`, artifactSizeBytes: 1, artifactFiles: [],
          metadata: {}, metrics: {}, tags: [], description: null, idempotencyKey: null, createdBy: who, createdAt: now, updatedAt: now, archivedAt: null,
        };
        versions.push(v);
        edge(rn, node('MODEL_VERSION', v.id), 'PRODUCED');
        if (p === Math.floor(pipelines / 2)) sample.version = v.id;
      } else {
        const out = artifact(`p${p}-out${s}`);
        edge(rn, out, 'PRODUCED');
        if (p === Math.floor(pipelines / 2) && s === 2) sample.midArtifact = out.id;
        prev = out;
      }
    }
  }
  const t0 = performance.now();
  await insertAll((rows) => em.insert(ArtifactEntity, rows), artifacts);
  await insertAll((rows) => em.insert(RunEntity, rows), runs);
  await insertAll((rows) => em.insert(VersionEntity, rows), versions);
  await insertAll((rows) => em.insert(LineageEdgeEntity, rows), edges);
  await em.update(ModelEntity, { id: model.id }, { nextVersionNumber: versions.length });
  const nodes = artifacts.length + runs.length + versions.length;
  console.log(`graph: ${nodes} nodes (${runs.length} runs, ${artifacts.length} artifacts, ${versions.length} versions), ${edges.length} edges; seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${db.config.kind}`);

  const idp = await IdentityProvider.start();
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', AUTH_JWKS_URL: idp.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_ADMINS: 'admin' });
  const app = await startApp(config, db.ds, createLogger('error'));
  const token = await idp.token('admin', { expiresIn: 3600 });
  const query = 'query($id: ID!, $d: LineageDirection, $depth: Int) { lineage(id: $id, direction: $d, depth: $depth) { nodes { id kind name } edges { from to kind } truncated } }';

  const cases: { label: string; id: string; kind: 'ModelVersion' | 'Artifact'; direction: 'UPSTREAM' | 'DOWNSTREAM'; depth: number }[] = [
    { label: 'version upstream, depth 5', id: sample.version, kind: 'ModelVersion', direction: 'UPSTREAM', depth: 5 },
    { label: 'version upstream, depth 10', id: sample.version, kind: 'ModelVersion', direction: 'UPSTREAM', depth: 10 },
    { label: 'artifact downstream, depth 5', id: sample.midArtifact, kind: 'Artifact', direction: 'DOWNSTREAM', depth: 5 },
    { label: 'artifact downstream, depth 10', id: sample.midArtifact, kind: 'Artifact', direction: 'DOWNSTREAM', depth: 10 },
  ];
  console.log('\n| query | nodes | HTTP p50 ms | HTTP p99 ms | service p50 ms | SQL p50 ms | SQL p99 ms | HTTP/SQL (p50) |\n|---|---|---|---|---|---|---|---|');
  for (const c of cases) {
    const globalId = toGlobalId(c.kind, c.id);
    let nodeCount = 0;
    const http = await timeIt(async () => {
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables: { id: globalId, d: c.direction, depth: c.depth } }) });
      const body = (await res.json()) as { data?: { lineage: { nodes: unknown[] } }; errors?: unknown };
      if (res.status !== 200 || body.errors || !body.data) throw new Error(`bad response: ${JSON.stringify(body).slice(0, 300)}`);
      nodeCount = body.data.lineage.nodes.length;
    });
    const sql = await timeIt(() => walk(db.ds, c.id, c.direction, { depth: c.depth, expandable: 'all', limit: 1001 }));
    const service = await timeIt(() => app.services.lineage.graph({ subject: 'admin', groups: [], globalAdmin: true }, globalId, c.direction, c.depth));
    const ratio = pct(http, 0.5) / pct(sql, 0.5);
    console.log(`| ${c.label} | ${nodeCount} | ${pct(http, 0.5).toFixed(2)} | ${pct(http, 0.99).toFixed(2)} | ${pct(service, 0.5).toFixed(2)} | ${pct(sql, 0.5).toFixed(2)} | ${pct(sql, 0.99).toFixed(2)} | ${ratio.toFixed(2)} |`);
  }

  await app.stop();
  await idp.stop();
  await db.drop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
