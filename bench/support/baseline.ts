import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * BENCH_BASELINE=<git revision>: the registry as it was at that revision, checked out into a
 * temporary directory (with this checkout's node_modules), so it can run beside the working tree
 * as one more interleaved variant against the same database. "3x faster than before" is then a
 * measured ratio, not a remembered number. The revision's server must read the current schema:
 * pick one whose migrations are a prefix of today's (only added columns and tables since).
 */
export function checkoutBaseline(revision: string): { dir: string; commit: string; remove(): void } {
  const root = path.resolve(__dirname, '..', '..');
  const commit = execFileSync('git', ['rev-parse', '--short', revision], { cwd: root, encoding: 'utf8' }).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `registry-baseline-${commit}-`));
  const archive = execFileSync('git', ['archive', '--format=tar', commit], { cwd: root, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // This checkout's bench server, over the revision's own src/: it answers the same questions
  // (SQL per request, RSS, CPU time) whatever the revision's bench could.
  for (const file of ['bench-server.ts', 'floor-server.ts'])
    fs.copyFileSync(path.join(__dirname, file), path.join(dir, 'bench', 'support', file));
  return { dir, commit, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
