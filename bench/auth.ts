import 'reflect-metadata';
/**
 * What authentication and authorization add to each request: `npm run bench:auth`.
 *
 * 1. In-process: verifying a bearer token against a (cached) remote JWKS, and one authorization
 *    decision with the real Casbin policy loaded with 10 000 role bindings.
 * 2. Over HTTP on 127.0.0.1: `{ __typename }` sent with a valid token, sequentially, so the
 *    per-request figure includes the verification; compare with its in-process cost.
 */
import { performance } from 'node:perf_hooks';
import { Authenticator } from '../src/access/authenticator';
import { Authorizer } from '../src/access/authorizer';
import { Policy } from '../src/access/policy';
import { RoleBindingEntity } from '../src/access/role-binding.entity';
import { PolicyVersionEntity } from '../src/access/policy-version.entity';
import { startApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/common/logger';
import { uuidv7 } from '../src/common/uuid';
import { Database } from '../src/db/database';
import { RegistryEntity } from '../src/registry/registry.entity';
import { createTestDatabase } from '../test/support/database';
import { AUDIENCE, IdentityProvider, ISSUER } from '../test/support/identity-provider';

const N = 5000;

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return `mean ${(mean * 1000).toFixed(1)} µs, p50 ${(q(0.5) * 1000).toFixed(1)} µs, p99 ${(q(0.99) * 1000).toFixed(1)} µs`;
}

async function time(n: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function main(): Promise<void> {
  const idp = await IdentityProvider.start();
  const db = await createTestDatabase();
  const logger = createLogger('error');
  const env = {
    NODE_ENV: 'test',
    PORT: '0',
    AUTH_JWKS_URL: idp.url,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_ADMINS: 'root',
  };
  const config = loadConfig(env);

  // 10 000 bindings over 1 000 registries, like a large organisation.
  const registries = Array.from({ length: 1000 }, (_, i) => ({
    id: uuidv7(),
    name: `reg-${i}`,
    description: null,
    visibility: 'RESTRICTED' as const,
    protectedAliases: ['production'],
    createdBy: 'root',
    createdAt: new Date(),
    updatedAt: new Date(),
  }));
  for (let i = 0; i < registries.length; i += 200)
    await db.ds.manager.insert(RegistryEntity, registries.slice(i, i + 200));
  const bindings = Array.from({ length: 10_000 }, (_, i) => ({
    id: uuidv7(),
    registryId: registries[i % 1000].id,
    subject: `user-${i}`,
    role: 'MEMBER' as const,
    grantedBy: 'root',
    grantedAt: new Date(),
  }));
  for (let i = 0; i < bindings.length; i += 500)
    await db.ds.manager.insert(RoleBindingEntity, bindings.slice(i, i + 500));
  await db.ds.manager.update(PolicyVersionEntity, { id: 1 }, { version: 1 });

  const authenticator = await Authenticator.create(config.auth, logger);
  const policy = new Policy(new Database(db.ds), config.auth.admins, logger);
  await policy.reload();
  const authz = new Authorizer(policy);
  const token = await idp.token('user-42', {
    groups: ['ml', 'vision'],
    expiresIn: 3600,
  });
  const principal = await authenticator.authenticate(`Bearer ${token}`);

  const verify = await time(N, () => authenticator.authenticate(`Bearer ${token}`));
  const decide = await time(N, () => authz.can(principal, 'alias:write', registries[42]));
  console.log(`token verification (ES256, cached JWKS):      ${stats(verify)}`);
  console.log(`authorization decision (10 000 bindings):    ${stats(decide)}`);

  const app = await startApp(config, db.ds, logger);
  const body = JSON.stringify({ query: '{ __typename }' });
  const post = (headers: Record<string, string>) =>
    fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    }).then(async (r) => {
      if (r.status !== 200 || !(await r.text()).includes('"Query"')) throw new Error(`unexpected response ${r.status}`);
    });
  await time(200, () => post({ authorization: `Bearer ${token}` }));
  const http = await time(2000, () => post({ authorization: `Bearer ${token}` }));
  console.log(`HTTP { __typename } with a token (sequential): ${stats(http)}`);
  const share =
    (verify.reduce((a, b) => a + b, 0) / verify.length + decide.reduce((a, b) => a + b, 0) / decide.length) /
    (http.reduce((a, b) => a + b, 0) / http.length);
  console.log(`authentication + one authorization decision = ${(share * 100).toFixed(1)}% of that request's latency`);

  await app.stop();
  policy.stop();
  await idp.stop();
  await db.drop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
