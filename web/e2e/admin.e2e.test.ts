import { Receiver } from '../../test/support/receiver';
import { startPagesConsole, type PagesConsole } from './support/pages-console';
import { PagesSeed } from './support/pages-seed';

// The audit log and webhooks pages, as a registry admin, with a real receiver on 127.0.0.1.
describe('console: admin pages', () => {
  let c: PagesConsole;
  let receiver: Receiver;
  let seed: PagesSeed;

  beforeAll(async () => {
    receiver = await Receiver.start();
    c = await startPagesConsole({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_POLL_MS: '100' });
    seed = new PagesSeed(c.server);
    await seed.registry('vision');
    await seed.grant('vision', 'alice', 'ADMIN');
    await seed.link('vision', 'classifier', { metrics: { accuracy: 0.9 } });
    await seed.link('vision', 'classifier', { metrics: { accuracy: 0.93 } });
    await seed.setAlias('vision', 'classifier', 'staging', 'v1');
  });
  afterAll(async () => {
    await c?.stop();
    await receiver?.stop();
  });

  it('shows the audit log, filtered by action', async () => {
    const page = await c.newPage();
    await c.signIn(page, 'alice', '/r/vision/audit');
    const table = page.locator('.audit__table');
    await table.getByText('version.linked').first().waitFor();
    await table.getByText('role.granted').first().waitFor();

    await page.getByLabel('Action').selectOption('alias.set');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((url) => url.searchParams.get('action') === 'alias.set');
    // Only alias.set rows: staging, and `latest` moved by each link.
    await table.getByText('version.linked').first().waitFor({ state: 'detached' });
    const actions = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['alias.set']));
    expect(c.problems(page)).toEqual([]);
  });

  it('creates a webhook (secret shown once), tests it, lists its deliveries and redelivers one', async () => {
    const page = await c.newPage();
    await c.signIn(page, 'alice', '/r/vision/webhooks');
    await page.getByRole('heading', { name: 'New webhook' }).waitFor();
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Description').fill('CI deploys');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('link', { name: receiver.url }).click();
    await page.getByRole('heading', { name: receiver.url }).waitFor();
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('button', { name: 'Send test ping' }).click();
    await page.getByText('Test ping succeeded (HTTP 200).').waitFor();
    await receiver.until((r) => r.some((x) => x.json?.type === 'webhook.ping'));

    // An event the webhook subscribes to arrives and is listed once delivered.
    await seed.link('vision', 'classifier', { metrics: { accuracy: 0.95 } });
    await receiver.until((r) => r.some((x) => x.json?.type === 'version.linked'));
    const rows = page.locator('.deliveries__table tbody tr');
    const deadline = Date.now() + 15_000;
    while ((await rows.count()) < 2 || (await rows.first().textContent())?.includes('pending')) {
      if (Date.now() > deadline) throw new Error('the delivery log never showed the version.linked delivery');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(200);
    }
    const first = rows.first();
    expect(await first.textContent()).toContain('version.linked');
    expect(await first.textContent()).toContain('succeeded');
    expect(await first.locator('td:nth-child(4)').textContent()).toContain('200');

    const before = receiver.received.length;
    const eventId = receiver.received.find((x) => x.json?.type === 'version.linked')!.headers['webhook-id'];
    await first.getByRole('button', { name: /^Redeliver version\.linked/ }).click();
    await page.getByText(/Queued again as a new delivery/).waitFor();
    const again = await receiver.until((r) => r.length > before);
    expect(again[again.length - 1].headers['webhook-id']).toBe(eventId);
    expect(c.problems(page)).toEqual([]);
  });
});
