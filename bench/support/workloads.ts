import http from 'node:http';
import { DataSource } from 'typeorm';
import { toGlobalId } from '../../src/common/global-id';
import { LoadResult, request, Workload } from './load';
import { SeededRegistry, VERSIONS_PER_MODEL } from './seed-registry';

/**
 * What `npm run bench` asks the registry, each with the check every response must pass: the
 * right data for the variables sent, not just "no errors".
 */
export const REGISTRY = 'bench';
/** The version `production` points at on every seeded model (see seed-registry). */
const PRODUCTION = VERSIONS_PER_MODEL - 10;

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];

/** W1, the deploy path: `bench/<model>:production` to its artifact. */
export function resolveProduction(models: string[]): Workload {
  return {
    label: 'W1 resolve model:production',
    query: `query($m: String!) { modelVersion(registry: "${REGISTRY}", model: $m, ref: "production") { artifact { uri digest } } }`,
    variables: () => ({ m: pick(models) }),
    check: (d, v) =>
      d.modelVersion?.artifact?.uri ===
        `s3://bench/models/${String(v.m).slice('model-'.length)}/${PRODUCTION}/model.safetensors` &&
      /^sha256:[0-9a-f]{64}$/.test(d.modelVersion.artifact.digest),
  };
}

/** W2, a model page: the model, its aliases, and its 50 newest versions with what a table shows. */
export function modelPage(models: string[]): Workload {
  return {
    label: 'W2 model page (50 versions)',
    query: `query($m: String!) { model(registry: "${REGISTRY}", name: $m) {
      name description tags updatedAt
      aliases { name protected updatedAt version { name } }
      versions(first: 50) { edges { node { id name number aliases tags metrics description createdAt createdBy { id } artifact { uri digest sizeBytes } } } pageInfo { hasNextPage endCursor } }
    } }`,
    variables: () => ({ m: pick(models) }),
    check: (d, v) =>
      d.model?.name === v.m &&
      d.model.aliases.length === 3 &&
      d.model.versions.edges.length === 50 &&
      d.model.versions.edges[0].node.name === `v${VERSIONS_PER_MODEL - 1}` &&
      d.model.versions.edges[0].node.aliases.includes('latest') &&
      d.model.versions.edges[0].node.metrics.accuracy > 0,
  };
}

/** W3: everything upstream of a version, 10 edges deep. */
export function lineageUpstream(versionId: string): Workload {
  return {
    label: 'W3 lineage, depth-10 upstream',
    query: `query($id: ID!) { lineage(id: $id, direction: UPSTREAM, depth: 10) { nodes { id kind name } edges { from to kind } truncated } }`,
    variables: () => ({ id: versionId }),
    check: (d) => d.lineage.nodes.length >= 10 && d.lineage.truncated === false,
  };
}

/** W5: what a federation gateway sends to resolve 100 versions another subgraph references. */
export function entities(versionIds: string[]): Workload {
  const representations = versionIds.map((id) => ({
    __typename: 'ModelVersion',
    id: toGlobalId('ModelVersion', id),
  }));
  return {
    label: 'W5 _entities, 100 ModelVersions',
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ModelVersion { id name artifact { uri } } } }`,
    variables: () => ({ r: representations }),
    check: (d) =>
      d._entities.length === representations.length &&
      d._entities.every((e: { id?: string } | null, i: number) => e?.id === representations[i].id),
  };
}

export const CONTENTION_RACERS = 50;
const SET_ALIAS = `mutation($i: SetAliasInput!) { setAlias(input: $i) { alias { version { name } } } }`;

/**
 * W4: each round reads where the alias points, then 50 clients at once ask to move it elsewhere,
 * each naming that version as expectedVersion. Exactly one may win, and it must have moved the
 * alias where it asked; the rest get CONFLICT. At the end the alias is where the last winner put
 * it, and the alias history holds one event per successful move.
 */
export async function contention(
  url: string,
  token: string,
  ds: DataSource,
  seeded: SeededRegistry,
  rounds: number,
  sqlFor: (requestId: string) => Promise<number>,
): Promise<LoadResult & { sql: number }> {
  const model = seeded.models[0].name;
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: CONTENTION_RACERS,
  });
  const ask = (version: string, expectedVersion: string | null, requestId?: string) =>
    request(
      url,
      token,
      SET_ALIAS,
      {
        i: {
          registry: REGISTRY,
          model,
          alias: 'champion',
          version,
          expectedVersion,
          reason: 'bench',
        },
      },
      requestId,
      agent,
    );
  const first = await ask('v0', null, 'probe-w4');
  if (first.errors) throw new Error(`W4 setup failed: ${JSON.stringify(first.errors)}`);
  const sql = await sqlFor('probe-w4');
  const countEvents = async () =>
    Number(
      (
        await ds.query(
          `SELECT COUNT(*) AS n FROM alias_event e JOIN registered_model m ON m.id = e.model_id WHERE m.name = ? AND e.alias = 'champion'`,
          [model],
        )
      )[0].n,
    );
  const eventsBefore = await countEvents();
  let current = 'v0';
  let winners = 0;
  let bad = 0;
  let firstBad: string | undefined;
  const fail = (why: string) => {
    bad += 1;
    firstBad ??= why;
  };
  const latencies: number[] = [];
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    const targets = Array.from({ length: VERSIONS_PER_MODEL }, (_, i) => `v${i}`)
      .filter((v) => v !== current)
      .sort(() => Math.random() - 0.5)
      .slice(0, CONTENTION_RACERS);
    const results = await Promise.all(targets.map((v) => ask(v, current)));
    const won = results.flatMap((r, i) =>
      r.errors ? [] : [{ target: targets[i], got: r.data?.setAlias?.alias?.version?.name }],
    );
    results.forEach((r) => {
      latencies.push(r.ms);
      if (r.errors && r.errors[0]?.extensions?.code !== 'CONFLICT') fail(JSON.stringify(r.errors).slice(0, 300));
    });
    if (won.length !== 1) fail(`round ${round}: ${won.length} winners for expected version ${current}`);
    if (won.length === 0) continue;
    if (won[0].got !== won[0].target)
      fail(`round ${round}: asked for ${won[0].target}, the alias points at ${won[0].got}`);
    winners += 1;
    current = won[0].target;
  }
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const [final] = await ds.query(
    `SELECT v.number FROM model_alias a JOIN model_version v ON v.id = a.version_id JOIN registered_model m ON m.id = a.model_id WHERE m.name = ? AND a.name = 'champion'`,
    [model],
  );
  if (`v${final?.number}` !== current)
    fail(`the alias ends at v${final?.number}, the last winner moved it to ${current}`);
  const events = (await countEvents()) - eventsBefore;
  if (events !== winners) fail(`alias events ${events} != successful moves ${winners}`);
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return {
    rps: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    requests: latencies.length,
    bad,
    firstBad,
    sql,
  };
}
