import 'reflect-metadata';
/**
 * `npm run bench:lineage`: lineage queries over a 100 000-node graph shaped like real pipelines.
 *
 * The graph: 200 shared raw datasets; ~5 900 pipelines of 8 steps, each step a run that uses the
 * previous step's artifact, one raw dataset (fan-in) and a shared code artifact, and produces the
 * next artifact; the last run produces a model version. Raw datasets are used by hundreds of runs
 * each (fan-out), and the shared artifact by every run (a hub, the worst case for a walk).
 * Every response is checked: its graph must have the expected size and `truncated`.
 * Timed: upstream lineage of a version at depth 5 and 10, downstream of a mid-pipeline artifact,
 * and downstream of a raw dataset (fanning out to the node cap), as a global admin and as a
 * registry viewer. Each is timed three ways: the whole GraphQL request over HTTP (auth, the
 * recursive walk, authorization, naming the nodes); every SQL statement that request ran,
 * replayed through the bare driver ("the SQL it runs"); and the recursive walk statement alone.
 * The floor line is `{ __typename }` over the same connection: the fixed cost of any request.
 * Uses DATABASE_URL like the tests (SQLite default).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { startApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/common/logger';
import { RequestScope } from '../src/common/request-scope';
import { toGlobalId } from '../src/common/global-id';
import { uuidv7 } from '../src/common/uuid';
import { ArtifactEntity } from '../src/lineage/artifact.entity';
import { LineageEdgeEntity, NodeKind } from '../src/lineage/lineage-edge.entity';
import { RunEntity } from '../src/lineage/run.entity';
import { ModelEntity } from '../src/models/model.entity';
import { RegistryEntity } from '../src/registry/registry.entity';
import { VersionEntity } from '../src/versions/version.entity';
import { createTestDatabase } from '../test/support/database';
import { request } from './support/load';
import { AUDIENCE, IdentityProvider, ISSUER } from '../test/support/identity-provider';

const TARGET_NODES = 100_000;
const STEPS = 8;
const RAW = 200;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 100);
/** Run only the cases whose label contains this text (for profiling one of them). */
const ONLY = process.env.BENCH_ONLY;

async function insertAll<T extends object>(
  insert: (rows: T[]) => Promise<unknown>,
  rows: T[],
  batch = 500,
): Promise<void> {
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
  const registry: RegistryEntity = {
    id: uuidv7(),
    name: 'bench',
    description: null,
    visibility: 'RESTRICTED',
    protectedAliases: ['production'],
    requiredApprovals: 1,
    createdBy: who,
    createdAt: now,
    updatedAt: now,
  };
  await em.insert(RegistryEntity, registry);
  const model: ModelEntity = {
    id: uuidv7(),
    registryId: registry.id,
    name: 'pipeline-model',
    description: null,
    tags: [],
    nextVersionNumber: 0,
    revision: 0,
    createdBy: who,
    createdAt: now,
    updatedAt: now,
    archivedAt: null,
  };
  await em.insert(ModelEntity, model);

  const runs: RunEntity[] = [];
  const artifacts: ArtifactEntity[] = [];
  const versions: VersionEntity[] = [];
  const edges: LineageEdgeEntity[] = [];
  const node = (kind: NodeKind, id: string) => ({ kind, id });
  const edge = (from: { kind: NodeKind; id: string }, to: { kind: NodeKind; id: string }, kind: 'USED' | 'PRODUCED') =>
    edges.push({
      id: uuidv7(),
      fromId: from.id,
      fromKind: from.kind,
      fromRegistryId: registry.id,
      toId: to.id,
      toKind: to.kind,
      toRegistryId: registry.id,
      kind,
      createdBy: who,
      createdAt: now,
    });
  const artifact = (name: string) => {
    const a: ArtifactEntity = {
      id: uuidv7(),
      registryId: registry.id,
      type: 'dataset',
      name,
      digest: `sha256:${uuidv7().replace(/-/g, '').padEnd(64, '0')}`,
      uri: `s3://bench/${name}`,
      sizeBytes: 1,
      metadata: {},
      createdBy: who,
      createdAt: now,
    };
    artifacts.push(a);
    return node('ARTIFACT', a.id);
  };

  const raw = Array.from({ length: RAW }, (_, i) => artifact(`raw-${i}`));
  const perPipeline = STEPS * 2 + 1;
  const pipelines = Math.floor((TARGET_NODES - RAW) / perPipeline);
  // A shared artifact every run uses (training code, a base model): the worst case for a walk.
  const hub = artifact('shared-code');
  const sample = {
    version: '',
    midArtifact: '',
    rawDataset: raw[0].id,
    hub: hub.id,
  };
  for (let p = 0; p < pipelines; p++) {
    let prev = artifact(`p${p}-input`);
    for (let s = 0; s < STEPS; s++) {
      const r: RunEntity = {
        id: uuidv7(),
        registryId: registry.id,
        name: `p${p}-step${s}`,
        externalId: null,
        config: {},
        metrics: {},
        status: 'FINISHED',
        startedAt: now,
        finishedAt: now,
        createdBy: who,
        createdAt: now,
        updatedAt: now,
      };
      runs.push(r);
      const rn = node('RUN', r.id);
      edge(prev, rn, 'USED');
      edge(raw[(p * 7 + s * 13) % RAW], rn, 'USED');
      edge(hub, rn, 'USED');
      if (s === STEPS - 1) {
        const v: VersionEntity = {
          id: uuidv7(),
          modelId: model.id,
          number: p,
          artifactUri: `s3://bench/model/${p}`,
          artifactDigest: `sha256:${'a'.repeat(64)}`,
          artifactSizeBytes: 1,
          artifactFiles: [],
          metadata: {},
          metrics: {},
          tags: [],
          description: null,
          idempotencyKey: null,
          createdBy: who,
          createdAt: now,
          updatedAt: now,
          archivedAt: null,
          downloadCount: 0,
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
  console.log(
    `graph: ${nodes} nodes (${runs.length} runs, ${artifacts.length} artifacts, ${versions.length} versions), ${edges.length} edges; seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${db.config.kind}`,
  );

  const idp = await IdentityProvider.start();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    AUTH_JWKS_URL: idp.url,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_ADMINS: 'admin',
  });
  const captured = new Map<string, RequestScope>();
  const app = await startApp(config, db.ds, createLogger('error'), {
    recordStatements: true,
    onGraphQLResponse: (scope) => captured.set(scope.requestId, scope),
  });
  const client = new GraphQLClient(app.url);
  const admin = await idp.token('admin', { expiresIn: 3600 });
  const viewer = await idp.token('viewer', { expiresIn: 3600 });
  await client.request(
    admin,
    'mutation { grantRole(input: { registry: "bench", subject: "viewer", role: VIEWER }) { binding { role } } }',
  );

  // The floor: the cheapest request this server can answer, with the same client and token.
  const floor = await timeIt(() => client.request(admin, '{ __typename }'));
  console.log(
    `\nfloor: { __typename } over HTTP p50 ${pct(floor, 0.5).toFixed(2)} ms, p99 ${pct(floor, 0.99).toFixed(2)} ms (${REPEAT} requests, one keep-alive connection)`,
  );

  const query =
    'query($id: ID!, $d: LineageDirection, $depth: Int) { lineage(id: $id, direction: $d, depth: $depth) { nodes { id kind name } edges { from to kind } truncated } }';
  type Shape = { nodes: number; truncated: boolean };
  type Case = {
    label: string;
    id: string;
    kind: 'ModelVersion' | 'Artifact';
    direction: 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH';
    depth: number;
    token: string;
    expect: (g: Shape) => boolean;
  };
  const small = (g: Shape) => g.nodes >= 5 && g.nodes < 100 && !g.truncated;
  const capped = (g: Shape) => g.nodes === 1000 && g.truncated;
  const cases: Case[] = [
    {
      label: 'version upstream, depth 5',
      id: sample.version,
      kind: 'ModelVersion',
      direction: 'UPSTREAM',
      depth: 5,
      token: admin,
      expect: small,
    },
    {
      label: 'version upstream, depth 10',
      id: sample.version,
      kind: 'ModelVersion',
      direction: 'UPSTREAM',
      depth: 10,
      token: admin,
      expect: small,
    },
    {
      label: 'version upstream, depth 10, as a viewer',
      id: sample.version,
      kind: 'ModelVersion',
      direction: 'UPSTREAM',
      depth: 10,
      token: viewer,
      expect: small,
    },
    {
      label: 'artifact downstream, depth 5',
      id: sample.midArtifact,
      kind: 'Artifact',
      direction: 'DOWNSTREAM',
      depth: 5,
      token: admin,
      expect: small,
    },
    {
      label: 'artifact downstream, depth 10',
      id: sample.midArtifact,
      kind: 'Artifact',
      direction: 'DOWNSTREAM',
      depth: 10,
      token: admin,
      expect: small,
    },
    {
      label: 'artifact both ways, depth 3 (the default)',
      id: sample.midArtifact,
      kind: 'Artifact',
      direction: 'BOTH',
      depth: 3,
      token: admin,
      expect: (g) => g.nodes >= 5 && !g.truncated,
    },
    {
      label: 'raw dataset downstream, depth 6 (fan-out past the cap)',
      id: sample.rawDataset,
      kind: 'Artifact',
      direction: 'DOWNSTREAM',
      depth: 6,
      token: admin,
      expect: capped,
    },
    {
      label: 'raw dataset downstream, depth 6, as a viewer',
      id: sample.rawDataset,
      kind: 'Artifact',
      direction: 'DOWNSTREAM',
      depth: 6,
      token: viewer,
      expect: capped,
    },
    {
      label: 'hub used by every run, downstream, depth 20',
      id: sample.hub,
      kind: 'Artifact',
      direction: 'DOWNSTREAM',
      depth: 20,
      token: viewer,
      expect: (g) => g.nodes <= 1000 && g.truncated,
    },
  ];
  console.log(
    '\n| query | nodes | truncated | statements | HTTP p50 ms | HTTP p99 ms | its SQL p50 ms | walk SQL p50 ms | HTTP / its SQL | HTTP − floor − SQL ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const c of cases.filter((x) => !ONLY || x.label.includes(ONLY))) {
    const variables = {
      id: toGlobalId(c.kind, c.id),
      d: c.direction,
      depth: c.depth,
    };
    let shape: Shape = { nodes: 0, truncated: false };
    const http = await timeIt(async () => {
      const data = (await client.request(c.token, query, variables)) as {
        lineage: { nodes: unknown[]; truncated: boolean };
      };
      shape = {
        nodes: data.lineage.nodes.length,
        truncated: data.lineage.truncated,
      };
      if (!c.expect(shape)) throw new Error(`${c.label}: unexpected graph ${JSON.stringify(shape)}`);
    });
    // Every statement one such request ran, replayed through the bare driver: "the SQL it runs";
    // and its recursive walks alone, exactly as the request sent them.
    const requestId = await client.request(c.token, query, variables, true);
    const statements = captured.get(requestId as string)!.statements!;
    captured.clear();
    const sql = await timeIt(() => replay(db.ds, statements));
    const walkOnly = await timeIt(() =>
      replay(
        db.ds,
        statements.filter((st) => /WITH RECURSIVE/.test(st.query)),
      ),
    );
    const [h, q] = [pct(http, 0.5), pct(sql, 0.5)];
    console.log(
      `| ${c.label} | ${shape.nodes} | ${shape.truncated} | ${statements.length} | ${h.toFixed(2)} | ${pct(http, 0.99).toFixed(2)} | ${q.toFixed(2)} | ${pct(walkOnly, 0.5).toFixed(2)} | ${(h / q).toFixed(1)} | ${(h - pct(floor, 0.5) - q).toFixed(2)} |`,
    );
  }

  client.close();
  await app.stop();
  await idp.stop();
  await db.drop();
}

/** Runs statements as TypeORM logged them, straight through the driver (no ORM, no GraphQL). */
async function replay(ds: DataSource, statements: { query: string; parameters?: unknown[] }[]): Promise<void> {
  const driver = ds.driver as unknown as {
    databaseConnection?: {
      prepare(sql: string): { all(...p: unknown[]): unknown };
    };
    pool?: {
      query(sql: string, p: unknown[], cb: (err: Error | null) => void): void;
    };
  };
  for (const { query, parameters = [] } of statements) {
    if (driver.databaseConnection) driver.databaseConnection.prepare(query).all(...parameters);
    else
      await new Promise<void>((resolve, reject) =>
        driver.pool!.query(query, parameters, (err) => (err ? reject(err) : resolve())),
      );
  }
}

/**
 * One keep-alive connection, so the figures are the server's and not a heavyweight client's.
 * Throws on anything but data without errors.
 */
class GraphQLClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private seq = 0;
  constructor(private readonly url: string) {}

  async request(
    token: string,
    query: string,
    variables: Record<string, unknown> = {},
    returnRequestId = false,
  ): Promise<unknown> {
    const requestId = `bench-${++this.seq}`;
    const r = await request(this.url, token, query, variables, requestId, this.agent);
    if (r.errors || !r.data) throw new Error(`bad response: ${JSON.stringify(r).slice(0, 300)}`);
    return returnRequestId ? requestId : r.data;
  }

  close(): void {
    this.agent.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
