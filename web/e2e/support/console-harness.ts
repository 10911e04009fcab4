import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { OidcEndpoints } from '../../../test/support/oidc-endpoints';
import type { TokenOptions } from '../../../test/support/identity-provider';
import { startTestServer, TEST_ADMIN, type TestServer } from '../../../test/support/server';
import { launchBrowser } from './browser';
import { Seeder } from './seed';

/** The built console the server serves; `npm run build:web` makes it. */
export const CONSOLE_DIR = path.resolve(__dirname, '..', '..', 'dist');

export interface ConsoleHarnessOptions {
  /** Extra server environment (see docs/configuration.md). */
  env?: Record<string, string>;
  /**
   * Turn on OIDC sign-in: the server gets AUTH_OIDC_CLIENT_ID and the test identity provider signs
   * this user in at /authorize without asking.
   */
  oidcUser?: { subject: string; groups?: string[] };
}

export interface ConsoleHarness {
  /** The registry server (its `gql`/`ok` speak GraphQL as the global admin TEST_ADMIN). */
  server: TestServer;
  /** `http://127.0.0.1:<port>`: the console's origin. */
  origin: string;
  browser: Browser;
  /** The identity provider's OIDC endpoints when `oidcUser` was given. */
  oidc: OidcEndpoints | null;
  /** Makes registries, models, versions, aliases and role bindings through GraphQL. */
  seed: Seeder;
  /** A bearer token for `subject` (with `groups`), signed by the test identity provider. */
  token(subject: string, opts?: TokenOptions): Promise<string>;
  /** A page in a fresh browser context (empty storage): a new user in a new browser. */
  newPage(): Promise<Page>;
  /** Signs `page` in as `subject` through a `/login#token=` link, then opens `path` (default `/`). */
  signIn(page: Page, subject: string, opts?: TokenOptions & { path?: string }): Promise<void>;
  /** Uncaught page errors and console errors (CSP refusals among them) seen on `page`. */
  problems(page: Page): string[];
  stop(): Promise<void>;
}

export const ADMIN = TEST_ADMIN;

/**
 * One call for an end-to-end test file: the real server over a fresh database serving the built
 * console, the tests' identity provider, and a headless Chromium. `stop()` in afterAll.
 */
export async function startConsole(opts: ConsoleHarnessOptions = {}): Promise<ConsoleHarness> {
  if (!fs.existsSync(path.join(CONSOLE_DIR, 'index.html')))
    throw new Error(`The console is not built (${CONSOLE_DIR}): run \`npm run build:web\` first.`);
  const oidcEnv: Record<string, string> = opts.oidcUser ? { AUTH_OIDC_CLIENT_ID: 'registry-console' } : {};
  const server = await startTestServer(
    { CONSOLE_DIR, ...oidcEnv, ...opts.env },
    { selfIssuedIdp: Boolean(opts.oidcUser) },
  );
  const origin = new URL(server.url).origin;
  const oidc = opts.oidcUser
    ? server.idp.enableOidc({
        clientId: 'registry-console',
        redirectUris: [`${origin}/auth/callback`],
        user: opts.oidcUser,
      })
    : null;
  const browser = await launchBrowser().catch(async (err: unknown) => {
    await server.stop();
    throw err;
  });
  const contexts: BrowserContext[] = [];
  const seen = new WeakMap<Page, string[]>();

  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    seen.set(page, problems);
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    // The console's message for a failed request names no URL; this does.
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()} ${res.request().method()} ${res.url()}`);
    });
    return page;
  };

  return {
    server,
    origin,
    browser,
    oidc,
    seed: new Seeder(server),
    token: (subject, tokenOpts) => server.token(subject, { expiresIn: 3600, ...tokenOpts }),
    newPage,
    async signIn(page, subject, signInOpts = {}) {
      const { path: target = '/', ...tokenOpts } = signInOpts;
      const token = await server.token(subject, { expiresIn: 3600, ...tokenOpts });
      await page.goto(`${origin}/login#token=${token}`);
      await page.waitForURL((url) => url.pathname !== '/login');
      if (target !== '/') await page.goto(`${origin}${target}`);
    },
    problems: (page) => seen.get(page) ?? [],
    async stop() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await server.stop();
    },
  };
}
