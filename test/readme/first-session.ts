/**
 * Keeps the README's first session honest: starts the server the way the README says (`npm start`,
 * embedded SQLite, local mode), runs the shell blocks of its "A first session" section exactly as
 * written, with `bash -euo pipefail`, and checks every GraphQL answer.
 *
 * A block takes part when the line before its fence is a `<!-- first-session … -->` comment, and
 * every `sh` block of the section must be marked, so none goes untested. By default no answer of a
 * block may carry `errors`; `expect-errors: FORBIDDEN` in the comment says which error codes the
 * block's answers must carry, in order (the protected-alias walkthrough shows a refusal on purpose).
 * A bash comment `# expect: <JSON>` after a `gql` call states what its answer must contain (a
 * subset: every key given must be there with that value; arrays must have exactly the items
 * given, each a subset of the answer's item), so the README's stated outcomes are checked too,
 * and the block stays pasteable as it is.
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
const SECTION = '## A first session';
const MARKER = /^<!--\s*first-session\b(.*?)-->\s*$/;
const START_TIMEOUT_MS = 300_000; // `npm start` compiles first
const SESSION_TIMEOUT_MS = 120_000;

interface Block {
  line: number;
  code: string;
  expectedErrors: string[];
  /** Per `gql` call of the block, in order: the JSON subset its answer must contain, if stated. */
  expectedAnswers: { line: number; subset: unknown }[][];
}

const CALL = /^\s*gql '/;
const EXPECT = /^\s*# expect: (.*)$/;

/** The `# expect:` lines of a block, attached to the `gql` call before each. */
function expectationsOf(code: string, firstLine: number): Block['expectedAnswers'] {
  const calls: Block['expectedAnswers'] = [];
  code.split('\n').forEach((l, i) => {
    if (CALL.test(l)) calls.push([]);
    const expect = EXPECT.exec(l);
    if (!expect) return;
    const line = firstLine + 1 + i;
    if (calls.length === 0) throw new Error(`README.md:${line}: "# expect:" before any gql call`);
    try {
      calls[calls.length - 1].push({ line, subset: JSON.parse(expect[1]) });
    } catch {
      throw new Error(`README.md:${line}: "# expect:" is not followed by JSON`);
    }
  });
  return calls;
}

/** Where `actual` differs from the subset `expected` (see Block.expectedAnswers), or null. */
export function subsetMismatch(expected: unknown, actual: unknown, at = '$'): string | null {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return `${at}: expected ${expected.length} items, got ${JSON.stringify(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const found = subsetMismatch(expected[i], actual[i], `${at}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return `${at}: expected an object, got ${JSON.stringify(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      const found = subsetMismatch(value, (actual as Record<string, unknown>)[key], `${at}.${key}`);
      if (found) return found;
    }
    return null;
  }
  return expected === actual ? null : `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/** The marked `sh` blocks of the first-session section, up to the next `## ` heading. */
export function extractBlocks(readme: string): Block[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.trim() === SECTION);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section`);
  const blocks: Block[] = [];
  for (let i = start + 1; i < lines.length && !lines[i].startsWith('## '); i++) {
    if (!/^```(sh|bash)\s*$/.test(lines[i])) continue;
    const marker = MARKER.exec(lines[i - 1] ?? '');
    if (!marker)
      throw new Error(`README.md:${i + 1}: a shell block of "${SECTION}" has no <!-- first-session --> marker`);
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) throw new Error(`README.md:${i + 1}: unclosed code block`);
    const expect = /expect-errors:\s*([A-Z_,\s]+)/.exec(marker[1]);
    const code = lines.slice(i + 1, end).join('\n');
    blocks.push({
      line: i + 1,
      code,
      expectedAnswers: expectationsOf(code, i + 1),
      expectedErrors: expect
        ? expect[1]
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean)
        : [],
    });
    i = end;
  }
  if (blocks.length === 0) throw new Error(`README.md: no marked shell blocks in "${SECTION}"`);
  return blocks;
}

/** `npm start` in its own process group (npm, sh and node), resolved with the URL it prints. */
function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: URL; output: () => string }> {
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
    const bash = spawn('bash', ['-euo', 'pipefail'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] });
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
      try {
        answers[current].push(JSON.parse(line));
      } catch {
        throw new Error(`README.md:${blocks[current]?.line}: printed something that is not a GraphQL answer: ${line}`);
      }
    }
  }
  let total = 0;
  blocks.forEach((block, i) => {
    const calls = block.expectedAnswers.length;
    const got = answers[i] as Array<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }>;
    if (got.length !== calls) throw new Error(`README.md:${block.line}: ${calls} gql calls but ${got.length} answers`);
    const codes = got.flatMap((a) => (a.errors ?? []).map((e) => e.extensions?.code ?? '(no code)'));
    if (JSON.stringify(codes) !== JSON.stringify(block.expectedErrors)) {
      throw new Error(
        `README.md:${block.line}: expected errors [${block.expectedErrors.join(', ')}], got [${codes.join(', ')}]:\n${got.map((a) => JSON.stringify(a)).join('\n')}`,
      );
    }
    for (const a of got)
      if (a.data === undefined || a.data === null) {
        if (!a.errors)
          throw new Error(`README.md:${block.line}: an answer without data or errors: ${JSON.stringify(a)}`);
      }
    got.forEach((answer, call) => {
      for (const { line, subset } of block.expectedAnswers[call]) {
        const mismatch = subsetMismatch(subset, answer);
        if (mismatch)
          throw new Error(`README.md:${line}: the answer is not as stated: ${mismatch}\n${JSON.stringify(answer)}`);
      }
    });
    total += got.length;
  });
  return total;
}

async function main(): Promise<void> {
  const blocks = extractBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-first-session-'));
  // A newcomer's shell: the embedded database and local mode, whatever this shell has set.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  for (const name of ['DATABASE_URL', 'NODE_ENV', 'AUTH_JWKS_URL', 'AUTH_ADMINS', 'API', 'TOKEN', 'ADMIN'])
    delete env[name];
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer({ ...env, PORT: '0' });
    process.stdout.write(`server ready at ${server.url.href} (DATA_DIR ${dataDir})\n`);
    const script = blocks.map((b, i) => `echo '@@first-session-block ${i}'\n${b.code}\n`).join('');
    const out = await runSession(script, { ...env, PORT: server.url.port });
    for (const line of out.split('\n'))
      if (line) process.stdout.write(`  ${line.length > 150 ? `${line.slice(0, 150)}…` : line}\n`);
    const answers = checkAnswers(blocks, out);
    const stated = blocks.flatMap((b) => b.expectedAnswers.flat()).length;
    process.stdout.write(
      `README first session: ${blocks.length} blocks, ${answers} GraphQL answers, errors only where expected, ` +
        `${stated} stated outcomes held\n`,
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
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
