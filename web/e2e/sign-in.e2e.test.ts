import type { Page } from 'playwright-core';
import { startConsole, type ConsoleHarness } from './support';

const storedToken = (page: Page) => page.evaluate(() => sessionStorage.getItem('mr.token'));

describe('signing in to the console (local mode)', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsole();
    await h.seed.registry('vision', { description: 'Image models' });
    await h.seed.grant('vision', 'alice', 'VIEWER');
  });
  afterAll(() => h?.stop());

  it('sends a signed-out visitor to /login, and back to the page they asked for after pasting a token', async () => {
    const page = await h.newPage();
    await page.goto(`${h.origin}/r/vision?q=mn`);
    await page.waitForURL(`${h.origin}/login`);
    await page.getByLabel('Access token').fill(await h.token('alice'));
    await page.getByRole('button', { name: 'Sign in with this token' }).click();
    await page.waitForURL(`${h.origin}/r/vision?q=mn`);
    await page.getByRole('heading', { name: 'vision', level: 1 }).waitFor();
    expect(await page.getByText('alice', { exact: true }).count()).toBe(1);
    expect(await storedToken(page)).toMatch(/^ey/);
    expect(h.problems(page)).toEqual([]);
  });

  it('says so when the pasted text is not a token', async () => {
    const page = await h.newPage();
    await page.goto(`${h.origin}/login`);
    await page.getByLabel('Access token').fill('hunter2');
    await page.getByRole('button', { name: 'Sign in with this token' }).click();
    await page.getByRole('alert').getByText('does not look like a token').waitFor();
    expect(await storedToken(page)).toBeNull();
  });

  it('signs in from a /login#token= link and removes the token from the address bar and history', async () => {
    const page = await h.newPage();
    const token = await h.token('alice');
    await page.goto(`${h.origin}/login#token=${token}`);
    await page.getByRole('heading', { name: 'Registries' }).waitFor();
    expect(page.url()).toBe(`${h.origin}/`);
    expect(page.url()).not.toContain(token);
    expect(await storedToken(page)).toBe(token);
    await page.getByRole('link', { name: 'vision' }).waitFor();
    expect(h.problems(page)).toEqual([]);
    // The entry that held the fragment was replaced, not kept: going back leaves the console.
    await page.goBack();
    expect(page.url()).toBe('about:blank');
  });

  it('keeps the session across a reload and ends it on sign-out', async () => {
    const page = await h.newPage();
    await h.signIn(page, 'alice');
    await page.reload();
    await page.getByRole('link', { name: 'vision' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    expect(await storedToken(page)).toBeNull();
  });

  it('sends the user back to /login when the token expires', async () => {
    const page = await h.newPage();
    await h.signIn(page, 'alice', { expiresIn: 3 });
    await page.getByRole('link', { name: 'vision' }).waitFor();
    await page.waitForURL(/\/login$/, { timeout: 10_000 });
    expect(await storedToken(page)).toBeNull();
  });

  it('sends the user back to /login when the server refuses the token (UNAUTHENTICATED)', async () => {
    const page = await h.newPage();
    // Signed by a key the server does not trust: readable in the browser, refused by the API.
    const forged = await h.server.idp.token('alice', { kid: await h.server.idp.forgerKid(), expiresIn: 600 });
    await page.goto(`${h.origin}/login#token=${forged}`);
    await page.waitForFunction(() => sessionStorage.getItem('mr.token') === null);
    await page.getByLabel('Access token').waitFor();
    expect(page.url()).toBe(`${h.origin}/login`);
  });
});

describe('signing in to the console with OIDC (Authorization Code + PKCE)', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsole({ oidcUser: { subject: 'olivia', groups: ['vision-team'] } });
    await h.seed.registry('vision');
    await h.seed.grant('vision', 'group:vision-team', 'MEMBER');
  });
  afterAll(() => h?.stop());

  it('signs in through the identity provider and comes back to the page asked for', async () => {
    const page = await h.newPage();
    await page.goto(`${h.origin}/r/vision`);
    await page.waitForURL(`${h.origin}/login`);
    await page.getByRole('button', { name: /^Sign in with 127\.0\.0\.1:/ }).click();
    await page.waitForURL(`${h.origin}/r/vision`);
    await page.getByRole('heading', { name: 'vision', level: 1 }).waitFor();
    expect(await page.getByText('olivia', { exact: true }).count()).toBe(1);
    // Neither the code nor the token is left in the address bar.
    expect(page.url()).toBe(`${h.origin}/r/vision`);

    const authorize = h.oidc!.requests.find((r) => r.path === '/authorize')!.params;
    expect(authorize).toMatchObject({
      response_type: 'code',
      client_id: 'registry-console',
      redirect_uri: `${h.origin}/auth/callback`,
      code_challenge_method: 'S256',
      scope: 'openid',
    });
    expect(authorize.state).toMatch(/^[\w-]{43}$/);
    const token = h.oidc!.requests.find((r) => r.path === '/token')!.params;
    expect(token.code_verifier).toMatch(/^[\w-]{43}$/);
    expect(h.problems(page)).toEqual([]);
  });

  it('refuses an answer whose state is not the one this tab sent', async () => {
    const page = await h.newPage();
    await page.goto(`${h.origin}/auth/callback?code=abc&state=forged`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/No sign-in was started|state/);
    expect(await storedToken(page)).toBeNull();
  });
});
