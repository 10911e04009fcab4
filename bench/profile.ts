import 'reflect-metadata';
/**
 * `npm run bench:profile`: where a workload's CPU goes in the server, in ms per request. Seeds the
 * small registry, runs the registry's server under `--cpu-prof`, drives one workload
 * (BENCH_PROFILE=W1|W2|W5|L1, default W2) for BENCH_DURATION seconds (default 10) with 16
 * connections, and sums the profile's self time by where the code lives: graphql-js execution,
 * Apollo, type-graphql, TypeORM, the SQLite driver, node:http, garbage collection, our own src/.
 * The numbers a performance change argues with (docs/benchmarks.md).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../test/support/database';
import { AUDIENCE, IdentityProvider, ISSUER } from '../test/support/identity-provider';
import { load, request, Workload } from './support/load';
import { addModels, createRegistry } from './support/seed-registry';
import { entities, modelPage, REGISTRY, resolveProduction } from './support/workloads';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}

/** Where a function lives, by its script's URL, in the words of issue #18's profile. */
function categoryOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return functionName;
  const rules: [RegExp, string][] = [
    [/node_modules\/graphql\/execution\//, 'graphql-js execution'],
    [/node_modules\/graphql\//, 'graphql-js other (parse, validate, values)'],
    [/node_modules\/@apollo\//, 'Apollo Server'],
    [/node_modules\/type-graphql\//, 'type-graphql'],
    [/node_modules\/typeorm\//, 'TypeORM'],
    [/node_modules\/better-sqlite3\//, 'SQLite driver'],
    [/node_modules\/mysql2\//, 'mysql2 driver'],
    [/node_modules\/dataloader\//, 'DataLoader'],
    [/node_modules\/jose\//, 'jose'],
    [/node_modules\/casbin\//, 'casbin'],
    [/node_modules\/prom-client\//, 'prom-client'],
    [/node_modules\//, 'other packages'],
    [/\/src\/http\//, 'src/http'],
    [/\/src\/graphql\//, 'src/graphql'],
    [/\/src\//, 'src (services, resolvers)'],
    [/^node:internal\/(http|_http|streams|net)|^node:(http|_http|net)/, 'node:http and sockets'],
    [/^node:internal\/async_hooks|async_local_storage/, 'AsyncLocalStorage'],
    [/^node:/, 'node other'],
  ];
  for (const [pattern, name] of rules) if (pattern.test(url)) return name;
  if (url === '' && /^(JSON|stringify|parse)/.test(functionName)) return 'JSON (native)';
  return url === '' ? 'native (regexps, buffers, bindings)' : 'other';
}

async function main(): Promise<void> {
  const which = (process.env.BENCH_PROFILE ?? 'W2').toUpperCase();
  const seconds = Number(process.env.BENCH_DURATION ?? 10);
  const database = await createTestDatabase();
  const idp = await IdentityProvider.start();
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-profile-'));
  try {
    const seeded = await createRegistry(database.ds.manager, REGISTRY);
    await addModels(database.ds.manager, seeded, 10);
    const names = seeded.models.map((m) => m.name);
    const versions: { id: string }[] = await database.ds.query(
      'SELECT id FROM model_version WHERE model_id = ? ORDER BY number',
      [seeded.models[5].id],
    );
    const workloads: Record<string, Workload> = {
      W1: resolveProduction(names),
      W2: modelPage(names),
      W5: entities(versions.map((v) => v.id)),
      L1: { label: 'L1', query: '{ __typename }', check: (d) => d.__typename === 'Query' },
    };
    const workload = workloads[which];
    if (!workload) throw new Error(`BENCH_PROFILE must be one of ${Object.keys(workloads).join(', ')}`);
    const child = fork(path.join(__dirname, 'support', 'bench-server.ts'), [], {
      execArgv: ['-r', '@swc-node/register', '--cpu-prof', '--cpu-prof-dir', profileDir],
      env: {
        ...process.env,
        BENCH_SERVER: 'app',
        NODE_ENV: 'production',
        PORT: '0',
        DATABASE_URL: database.url,
        MIGRATE_ON_START: 'false',
        AUTH_JWKS_URL: idp.url,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_ADMINS: 'bench-admin',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
    const admin = await idp.token('bench-admin', { expiresIn: 7200 });
    await request(
      url,
      admin,
      `mutation { grantRole(input: { registry: "${REGISTRY}", subject: "deployer", role: VIEWER }) { binding { role } } }`,
    );
    const token = await idp.token('deployer', { expiresIn: 7200 });
    await load(url, token, workload, { duration: 3 }); // warm-up, left out of the profile's sum
    const from = await new Promise<number>((resolve) => {
      child.on('message', (m: { clock?: number }) => m.clock !== undefined && resolve(m.clock));
      child.send({ clock: true });
    });
    const run = await load(url, token, workload, { duration: seconds });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'))!;
    const profile = JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8')) as {
      nodes: ProfileNode[];
      samples: number[];
      timeDeltas: number[];
      startTime: number;
    };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfUs = new Map<string, number>();
    // Samples from the measured run on (start-up, compilation and the warm-up left out).
    let at = profile.startTime;
    const byFunction = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      at += profile.timeDeltas[i] ?? 0;
      if (at < from) return;
      const node = byId.get(id)!;
      const category = categoryOf(node);
      selfUs.set(category, (selfUs.get(category) ?? 0) + (profile.timeDeltas[i] ?? 0));
      const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    const requests = run.requests;
    const top = Number(process.env.BENCH_PROFILE_TOP ?? 0);
    const total = [...selfUs.entries()].filter(([c]) => c !== '(idle)').reduce((s, [, us]) => s + us, 0);
    console.log(
      `# ${which} (${workload.label}): ${run.rps.toFixed(0)} req/s, ${run.requests} requests in ${seconds} s, ${run.bad} bad`,
    );
    console.log(
      `CPU ms per request by where the code lives (self time over the measured run, after start-up and a 3 s warm-up):\n`,
    );
    console.log('| where | ms / request | share |');
    console.log('|---|---|---|');
    for (const [category, us] of [...selfUs.entries()].sort((a, b) => b[1] - a[1])) {
      if (category === '(idle)') continue;
      console.log(`| ${category} | ${(us / 1000 / requests).toFixed(3)} | ${((us / total) * 100).toFixed(1)}% |`);
    }
    console.log(`| **total** | **${(total / 1000 / requests).toFixed(3)}** | |`);
    // BENCH_PROFILE_TOP=n: the n functions with the most self time, for a closer look.
    if (top > 0) {
      console.log(`\n| function | ms / request |\n|---|---|`);
      for (const [name, us] of [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
        console.log(`| ${name} | ${(us / 1000 / requests).toFixed(3)} |`);
    }
  } finally {
    await idp.stop();
    await database.drop();
    fs.rmSync(profileDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
