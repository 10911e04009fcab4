import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { Receiver } from '../../test/support/receiver';
import { startPagesConsole, type PagesConsole } from './support/pages-console';
import { PagesSeed } from './support/pages-seed';

// Every page of the console through axe-core (WCAG 2 A and AA: labels, contrast, landmarks, names)
// at 1280×800 and 390×844, and no page wider than a phone's screen.
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
}

async function axe(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the console's CSP (no inline scripts) does not apply.
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run(o: object): Promise<AxeResult> } }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }),
  );
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

describe('console: accessibility and small screens', () => {
  let c: PagesConsole;
  let receiver: Receiver;
  let webhookId: string;

  beforeAll(async () => {
    receiver = await Receiver.start();
    c = await startPagesConsole({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_POLL_MS: '100' });
    const seed = new PagesSeed(c.server);
    await seed.registry('vision');
    await seed.registry('hidden');
    const data = await seed.artifact('vision', 'dataset', 'mnist');
    const secret = await seed.artifact('hidden', 'dataset', 'secret');
    const run = await seed.run('vision', 'train');
    await seed.use(run, data);
    await seed.use(run, secret);
    await seed.link('vision', 'classifier', {
      run,
      files: [{ path: 'model.bin', bytes: Buffer.from('weights') }],
      metrics: { accuracy: 0.9 },
      metadata: { framework: 'pytorch' },
      aliases: ['staging'],
    });
    await seed.link('vision', 'classifier', { metrics: { accuracy: 0.92 } });
    await seed.grant('vision', 'alice', 'ADMIN');
    const hook = await c.server.ok(
      `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } } }`,
      { i: { registry: 'vision', url: receiver.url, events: ['VERSION_LINKED'] } },
    );
    webhookId = hook.createWebhook.webhook.id;
    await c.server.ok(`mutation($i: WebhookRefInput!) { testWebhook(input: $i) { delivery { id } } }`, {
      i: { webhook: webhookId },
    });
  });
  afterAll(async () => {
    await c?.stop();
    await receiver?.stop();
  });

  const pages = () => [
    '/',
    '/r/vision',
    '/r/vision/m/classifier',
    '/r/vision/m/classifier/compare?v=v0,v1',
    '/r/vision/m/classifier/timeline',
    '/r/vision/m/classifier/v/v0',
    '/r/vision/m/classifier/v/v0/lineage',
    '/r/vision/audit',
    '/r/vision/webhooks',
    `/r/vision/webhooks/${encodeURIComponent(webhookId)}`,
  ];

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ])
    it(`finds no WCAG A/AA violation and no sideways page scroll at ${viewport.width}×${viewport.height}`, async () => {
      const page = await c.newPage(viewport);
      const found: string[] = [];
      for (const path of pages()) {
        await c.signIn(page, 'alice', path);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        for (const v of await axe(page)) found.push(`${path}: ${v}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) found.push(`${path}: the page is ${overflow}px wider than the screen`);
      }
      expect(found).toEqual([]);
    });

  it('the sign-in page too', async () => {
    const page = await c.newPage();
    await page.goto(`${c.origin}/login`);
    await page.locator('h1').first().waitFor();
    expect(await axe(page)).toEqual([]);
  });
});
