import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { usingMysql } from '../support/database';

// Issue #11, item 6: a DATABASE_URL that cannot be used stops main.ts with one line saying what
// could not be reached and how to fix it: no stack trace, no password, a non-zero exit code.

const ROOT = path.resolve(__dirname, '..', '..');
const PASSWORD = 'hunter2-secret';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-startup-'));
  dirs.push(dir);
  return dir;
};

/** Runs main.ts with the given environment until it exits; resolves with its exit code and stderr. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const dataDir = tempDir();
  const full: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
  };
  for (const k of Object.keys(full)) if (k.startsWith('AUTH_')) delete full[k];
  // The suite's own DATABASE_URL is not the one under test: cases set theirs, or mean SQLite.
  Object.assign(full, { DATABASE_URL: '' }, env);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: full,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c) => (stderr += c));
  child.stdout.on('data', (c) => (stdout += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

/** A MariaDB/MySQL server to be refused by, from the suite's DATABASE_URL. */
const server = () => new URL(process.env.DATABASE_URL!);

/** A whole line made of literal text and patterns, in order. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const line = (...parts: (string | RegExp)[]) =>
  new RegExp(`^${parts.map((p) => (typeof p === 'string' ? escape(p) : p.source)).join('')}$`);
const WRITABLE = ' Make DATA_DIR, or the file of DATABASE_URL=sqlite:<file>, a path this user can write.';

type Case = [string, () => Record<string, string>, RegExp];
const cases: Case[] = [
  [
    'an unparsable DATABASE_URL',
    () => ({
      DATABASE_URL: `mysql://root:${PASSWORD}@127.0.0.1:port/registry`,
    }),
    line(
      'Configuration error: DATABASE_URL should be ',
      'mysql://user:password@host:3306/database, mariadb://… or sqlite:<file>; ',
      'got "mysql://***@127.0.0.1:port/registry"',
    ),
  ],
  [
    'a DATABASE_URL without a host',
    () => ({ DATABASE_URL: `mariadb:root:${PASSWORD}@127.0.0.1/registry` }),
    line(
      'Configuration error: DATABASE_URL should be a URL with a host ',
      /.*/,
      '; got "mariadb:***@127.0.0.1/registry"',
    ),
  ],
  [
    'a host where nothing listens (ECONNREFUSED)',
    () => ({ DATABASE_URL: `mariadb://root:${PASSWORD}@127.0.0.1:1/registry` }),
    line(
      'Cannot reach the database: nothing accepts connections at 127.0.0.1:1 (ECONNREFUSED). ',
      'Start MariaDB/MySQL there, or fix the host and port in DATABASE_URL.',
    ),
  ],
  [
    'a host that does not exist',
    () => ({
      DATABASE_URL: `mariadb://root:${PASSWORD}@no-such-host.invalid:3306/registry`,
    }),
    line(
      'Cannot reach the database: the host "no-such-host.invalid" was not found (',
      /ENOTFOUND|EAI_AGAIN/,
      '). Fix the host in DATABASE_URL.',
    ),
  ],
  [
    'a SQLite path under a regular file, two levels down',
    () => {
      const file = path.join(tempDir(), 'not-a-dir');
      fs.writeFileSync(file, '');
      return { DATABASE_URL: `sqlite:${file}/sub/registry.sqlite` };
    },
    line(
      'Cannot create or open ',
      /.*not-a-dir\/sub/,
      ': a part of its path is a file, not a directory (ENOTDIR).',
      WRITABLE,
    ),
  ],
  [
    'a SQLite file whose parent is a regular file',
    () => ({ DATABASE_URL: `sqlite:/etc/passwd/x.sqlite` }),
    line('Cannot create the directory /etc/passwd: it is a file, not a directory (EEXIST).', WRITABLE),
  ],
  ...(['p%ZZs3cr3t', `${PASSWORD}%`].map((password) => [
    `a malformed percent-escape in the password (${password.endsWith('%') ? 'a lone %' : '%ZZ'})`,
    () => ({ DATABASE_URL: `mariadb://root:${password}@127.0.0.1:3306/db` }),
    line(
      'Configuration error: DATABASE_URL should be a URL whose password is percent-encoded, but it contains a ',
      'malformed percent-escape (encode % as %25); got "mariadb://***@127.0.0.1:3306/db"',
    ),
  ]) satisfies Case[]),
  [
    'a malformed percent-escape in the user',
    () => ({ DATABASE_URL: `mariadb://ro%ZZot:${PASSWORD}@127.0.0.1:3306/db` }),
    line(
      'Configuration error: DATABASE_URL should be a URL whose user is percent-encoded',
      /.*/,
      '"mariadb://***@127.0.0.1:3306/db"',
    ),
  ],
  [
    'a malformed percent-escape in the database name',
    () => ({ DATABASE_URL: `mariadb://root:${PASSWORD}@127.0.0.1:3306/d%ZZb` }),
    line(
      'Configuration error: DATABASE_URL should be a URL whose database name is percent-encoded',
      /.*/,
      '"mariadb://***@127.0.0.1:3306/d%ZZb"',
    ),
  ],
  [
    'a SQLite path that is a directory',
    () => ({ DATABASE_URL: `sqlite:${os.tmpdir()}` }),
    line(`Cannot open the SQLite database ${os.tmpdir()} (SQLITE_CANTOPEN: unable to open database file).`, WRITABLE),
  ],
  [
    'a SQLite file that is not a database',
    () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'registry.sqlite'), 'not a database, only text that fills a header'.repeat(20));
      return { DATA_DIR: dir };
    },
    line(
      /.*/,
      'registry.sqlite is not a SQLite database (SQLITE_NOTADB). ',
      'Point DATA_DIR or DATABASE_URL=sqlite:<file> somewhere else.',
    ),
  ],
];
if (process.getuid?.() !== 0) {
  // Root may write anywhere: this case only means something for an ordinary user.
  cases.push([
    'a DATA_DIR this user may not create',
    () => {
      const parent = tempDir();
      fs.chmodSync(parent, 0o500);
      return { DATA_DIR: path.join(parent, 'data') };
    },
    line('Cannot create or open ', /.*/, '/data (EACCES).', WRITABLE),
  ]);
}
if (usingMysql()) {
  cases.push(
    [
      'a wrong password (error 1045)',
      () => {
        const u = server();
        u.username = 'root';
        u.password = PASSWORD;
        return { DATABASE_URL: u.toString() };
      },
      line(
        'The database at ',
        /[^ ]+/,
        ' refused the user "root" (access denied, error 1045). ',
        'Check the user and password in DATABASE_URL; percent-encode special characters in them.',
      ),
    ],
    [
      'a database that does not exist (error 1049)',
      () => {
        const u = server();
        u.pathname = '/registry_no_such_database';
        return { DATABASE_URL: u.toString() };
      },
      line(
        'The database "registry_no_such_database" does not exist at ',
        /[^ ]+/,
        ' (error 1049). ',
        'Create it (CREATE DATABASE `registry_no_such_database` ',
        'CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci), ',
        'or fix the name in DATABASE_URL.',
      ),
    ],
  );
}

describe('main.ts with a database it cannot use', () => {
  it.each(cases)('exits 1 with one line, and no password, for %s', async (_what, env, expected) => {
    const r = await start(env());
    expect(r.code).toBe(1);
    expect(r.stderr.endsWith('\n')).toBe(true);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
  });
});
