import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../../test/support/server';

// A small end-to-end harness for the version, lineage and admin pages (part C of issue #17),
// kept apart from the shared harness of part A so the two merge without conflict.

/** The built console the server serves; `npm run build:web` makes it. */
export const CONSOLE_DIR = path.resolve(__dirname, '..', '..', 'dist');

/** Debian's Chromium without a display, sandbox or background traffic to hosts it cannot reach. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Chromium is not installed: `apt-get install -y chromium` (or set CHROMIUM_PATH).');
  }
}

export interface PagesConsole {
  server: TestServer;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  browser: Browser;
  /** A page in a fresh context (empty storage), `viewport` default 1280×800. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Signs `page` in as `subject` through a `/login#token=` link, then opens `path`. */
  signIn(page: Page, subject: string, path: string, groups?: string[]): Promise<void>;
  /** Uncaught page errors and console errors (CSP refusals among them) seen on `page`. */
  problems(page: Page): string[];
  stop(): Promise<void>;
}

/** The real server over a fresh database serving the built console, and a headless Chromium. */
export async function startPagesConsole(env: Record<string, string> = {}): Promise<PagesConsole> {
  if (!fs.existsSync(path.join(CONSOLE_DIR, 'index.html')))
    throw new Error(`The console is not built (${CONSOLE_DIR}): run \`npm run build:web\` first.`);
  const server = await startTestServer({ CONSOLE_DIR, ...env });
  const origin = new URL(server.url).origin;
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
  } catch (err) {
    await server.stop();
    throw err;
  }
  const contexts: BrowserContext[] = [];
  const seen = new WeakMap<Page, string[]>();
  return {
    server,
    origin,
    browser,
    async newPage(viewport = { width: 1280, height: 800 }) {
      const context = await browser.newContext({ viewport, acceptDownloads: true });
      contexts.push(context);
      const page = await context.newPage();
      const problems: string[] = [];
      seen.set(page, problems);
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
      });
      return page;
    },
    async signIn(page, subject, target, groups) {
      const token = await server.token(subject, { expiresIn: 3600, groups });
      await page.goto(`${origin}/login#token=${token}`);
      await page.waitForURL((url) => url.pathname !== '/login');
      await page.goto(`${origin}${target}`);
    },
    problems: (page) => seen.get(page) ?? [],
    async stop() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await server.stop();
    },
  };
}
