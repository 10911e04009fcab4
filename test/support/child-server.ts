import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { AUDIENCE, ISSUER } from './identity-provider';
import { TEST_ADMIN, TestServer } from './server';

export interface ChildServer {
  /** The GraphQL URL it listens on. */
  url: string;
  /** Its log lines, parsed. */
  lines: Record<string, unknown>[];
  stop(): Promise<void>;
}

/**
 * main.ts in a process of its own, on the test server's database and identity provider: a second
 * replica, as a deployment would run it (its own event loop, pool and Redis connections).
 */
export async function startChildServer(s: TestServer, env: Record<string, string> = {}): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: s.db.url,
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'info',
      AUTH_JWKS_URL: s.idp.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_ADMINS: TEST_ADMIN,
      AUTH_JWKS_COOLDOWN_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const line of parts) if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  let started: Record<string, unknown> | undefined;
  while (!(started = lines.find((l) => l.msg === 'model registry listening'))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the child server did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: String(started.url),
    lines,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
