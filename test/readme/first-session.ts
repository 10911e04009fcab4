/**
 * Keeps the first sessions of the docs honest: starts the server the way the README says (`npm start`,
 * embedded SQLite, local mode), then runs, exactly as written and in one `bash -euo pipefail`, the
 * README's "Quickstart" (the `model-registry` CLI and the Python client) and the `curl` session of
 * docs/api.md, checking every GraphQL answer of the latter.
 *
 * A block takes part when the line before its fence is a `<!-- first-session … -->` comment, and
 * every `sh` or `python` block of a section must be marked, so none goes untested. A `python` block
 * runs as `python3 -` in the same shell, so it sees what the shell blocks exported. In the quickstart,
 * every command must succeed (its exit status). In the curl session, no answer of a block may carry
 * `errors` by default; `expect-errors: FORBIDDEN` in the comment says which error codes the block's
 * answers must carry, in order (the protected-alias walkthrough shows a refusal on purpose).
 *
 * The server listens on a free port (PORT=0) and the blocks get that port as PORT, which the
 * README's `API=http://127.0.0.1:${PORT:-4000}/graphql` reads; its data lives in a temporary
 * DATA_DIR that is removed at the end. Run: `node -r @swc-node/register test/readme/first-session.ts`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
/** Where the sessions are, in the order they run (the curl session uses registries of its own). */
const SOURCES: { file: string; section: string; graphql: boolean }[] = [
  { file: 'README.md', section: '## Quickstart', graphql: false },
  { file: 'docs/api.md', section: '## A first session with curl', graphql: true },
];
/** What the quickstart writes in the clone's folder: refused if already there, removed afterwards. */
const QUICKSTART_CREATES = ['my_model.h5', 'deployed', 'model'];
const MARKER = /^<!--\s*first-session\b(.*?)-->\s*$/;
const START_TIMEOUT_MS = 300_000; // `npm start` compiles first
const SESSION_TIMEOUT_MS = 120_000;

interface Block {
  /** `file:line` of the fence. */
  line: string;
  code: string;
  /** Its output is GraphQL answers, one a line, checked against expectedErrors. */
  graphql: boolean;
  expectedErrors: string[];
}

/** The marked `sh` and `python` blocks of a section, up to the next `## ` heading, as shell code. */
export function extractBlocks(text: string, file: string, section: string, graphql: boolean): Block[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === section);
  if (start < 0) throw new Error(`${file} has no "${section}" section`);
  const blocks: Block[] = [];
  for (let i = start + 1; i < lines.length && !lines[i].startsWith('## '); i++) {
    const fence = /^```(sh|bash|python)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const marker = MARKER.exec(lines[i - 1] ?? '');
    if (!marker)
      throw new Error(`${file}:${i + 1}: a ${fence[1]} block of "${section}" has no <!-- first-session --> marker`);
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) throw new Error(`${file}:${i + 1}: unclosed code block`);
    const expect = /expect-errors:\s*([A-Z_,\s]+)/.exec(marker[1]);
    const code = lines.slice(i + 1, end).join('\n');
    blocks.push({
      line: `${file}:${i + 1}`,
      code: fence[1] === 'python' ? `python3 - <<'FIRST_SESSION_PY'\n${code}\nFIRST_SESSION_PY` : code,
      graphql,
      expectedErrors: expect
        ? expect[1]
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean)
        : [],
    });
    i = end;
  }
  if (blocks.length === 0) throw new Error(`${file}: no marked blocks in "${section}"`);
  return blocks;
}

/** `npm start` in its own process group (npm, sh and node), resolved with the URL it prints. */
function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: URL; output: () => string }> {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not start within ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /Model registry ready at (http:\/\/\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, url: new URL(ready[1]), output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before the server was ready:\n${output}`));
    });
  });
}

/** SIGTERM to the whole group, as Ctrl-C would; SIGKILL if it has not gone after 20 s. */
async function stopServer(child: ChildProcess): Promise<void> {
  const pid = child.pid!;
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-pid, 'SIGTERM');
  for (let waited = 0; alive() && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(-pid, 'SIGKILL');
}

function runSession(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const bash = spawn('bash', ['-euo', 'pipefail'], {
      cwd: ROOT,
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => bash.kill('SIGKILL'), SESSION_TIMEOUT_MS);
    bash.stdout.on('data', (c: Buffer) => (out += c.toString()));
    bash.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`the first session failed (bash exit ${code ?? signal}); its output:\n${out}`));
    });
    bash.stdin.end(script);
  });
}

/** Each `gql` call prints one answer on a line of its own; blocks are separated by a marker line. */
function checkAnswers(blocks: Block[], out: string): number {
  const answers: unknown[][] = blocks.map(() => []);
  let current = -1;
  for (const line of out.split('\n')) {
    const sep = /^@@first-session-block (\d+)$/.exec(line);
    if (sep) current = Number(sep[1]);
    else if (line.trim() !== '') {
      if (current < 0) throw new Error(`the first session printed before its first block: ${line}`);
      if (!blocks[current].graphql) continue; // the CLI's and Python's output: their exit status counts
      try {
        answers[current].push(JSON.parse(line));
      } catch {
        throw new Error(`${blocks[current]?.line}: printed something that is not a GraphQL answer: ${line}`);
      }
    }
  }
  let total = 0;
  blocks.forEach((block, i) => {
    if (!block.graphql) return;
    const calls = block.code.split('\n').filter((l) => /^\s*gql '/.test(l)).length;
    const got = answers[i] as Array<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }>;
    if (got.length !== calls) throw new Error(`${block.line}: ${calls} gql calls but ${got.length} answers`);
    const codes = got.flatMap((a) => (a.errors ?? []).map((e) => e.extensions?.code ?? '(no code)'));
    if (JSON.stringify(codes) !== JSON.stringify(block.expectedErrors)) {
      throw new Error(
        `${block.line}: expected errors [${block.expectedErrors.join(', ')}], got [${codes.join(', ')}]:\n${got.map((a) => JSON.stringify(a)).join('\n')}`,
      );
    }
    for (const a of got)
      if (a.data === undefined || a.data === null) {
        if (!a.errors) throw new Error(`${block.line}: an answer without data or errors: ${JSON.stringify(a)}`);
      }
    total += got.length;
  });
  return total;
}

async function main(): Promise<void> {
  const blocks = SOURCES.flatMap((src) =>
    extractBlocks(fs.readFileSync(path.join(ROOT, src.file), 'utf8'), src.file, src.section, src.graphql),
  );
  const existing = QUICKSTART_CREATES.filter((f) => fs.existsSync(path.join(ROOT, f)));
  if (existing.length)
    throw new Error(`the quickstart would overwrite ${existing.join(', ')} in ${ROOT}: move them away first`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-first-session-'));
  // A newcomer's shell: the embedded database and local mode, whatever this shell has set; the CLI's
  // login goes to a config directory of its own, not the user's.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, XDG_CONFIG_HOME: path.join(dataDir, 'config') };
  for (const name of ['DATABASE_URL', 'NODE_ENV', 'AUTH_JWKS_URL', 'AUTH_ADMINS', 'API', 'TOKEN', 'ADMIN'])
    delete env[name];
  for (const name of ['MODEL_REGISTRY_URL', 'MODEL_REGISTRY_TOKEN', 'PYTHONPATH']) delete env[name];
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer({ ...env, PORT: '0' });
    process.stdout.write(`server ready at ${server.url.href} (DATA_DIR ${dataDir})\n`);
    const script = blocks.map((b, i) => `echo '@@first-session-block ${i}'\n${b.code}\n`).join('');
    const out = await runSession(script, { ...env, PORT: server.url.port });
    for (const line of out.split('\n'))
      if (line) process.stdout.write(`  ${line.length > 150 ? `${line.slice(0, 150)}…` : line}\n`);
    const answers = checkAnswers(blocks, out);
    process.stdout.write(
      `First sessions: ${blocks.length} blocks (${SOURCES.map((x) => x.file).join(', ')}) ran; ` +
        `${answers} GraphQL answers, errors only where expected\n`,
    );
  } catch (err) {
    if (server) process.stderr.write(`--- server output ---\n${server.output()}\n`);
    throw err;
  } finally {
    if (server) {
      await stopServer(server.child);
      if (process.env.FIRST_SESSION_DEBUG) process.stdout.write(server.output());
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    for (const f of QUICKSTART_CREATES) fs.rmSync(path.join(ROOT, f), { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
