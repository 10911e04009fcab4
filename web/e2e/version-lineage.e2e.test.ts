import fs from 'node:fs';
import { startPagesConsole, type PagesConsole } from './support/pages-console';
import { PagesSeed } from './support/pages-seed';

// The version page's files and the lineage graph in a real Chromium against the real server.
describe('console: version and lineage pages', () => {
  let c: PagesConsole;
  let ids: { secret: string; tunedV0: string; train: string; mnist: string; v0: string };
  const weights = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256));

  beforeAll(async () => {
    c = await startPagesConsole();
    const seed = new PagesSeed(c.server);
    await seed.registry('vision');
    await seed.registry('secret-lab');
    await seed.grant('vision', 'alice', 'ADMIN');
    await seed.grant('vision', 'bob', 'MEMBER');
    await seed.grant('vision', 'rita', 'RESTRICTED_VIEWER');
    const mnist = await seed.artifact('vision', 'dataset', 'mnist-train');
    const secret = await seed.artifact('secret-lab', 'dataset', 'secret-features');
    const train = await seed.run('vision', 'train-classifier');
    await seed.use(train, mnist);
    await seed.use(train, secret);
    const v0 = await seed.link('vision', 'classifier', {
      run: train,
      files: [
        { path: 'weights/model.bin', bytes: weights },
        { path: 'config.json', bytes: Buffer.from('{"layers":3}\n') },
      ],
      metrics: { accuracy: 0.912, loss: 0.31 },
      metadata: { framework: 'pytorch', layers: [64, 32, 10] },
      tags: ['baseline'],
      aliases: ['staging'],
      description: 'First classifier',
    });
    const finetune = await seed.run('vision', 'finetune');
    await seed.use(finetune, v0.id);
    const tuned = await seed.link('vision', 'tuned', { run: finetune, metrics: { accuracy: 0.95 } });
    ids = { secret, tunedV0: tuned.id, train, mnist, v0: v0.id };
  });
  afterAll(() => c?.stop());

  const graphNodes = (page: import('playwright-core').Page) => page.locator('.lineage-graph [data-node-id]');

  it('draws the lineage: depth changes the graph, nodes link to their pages, a redacted node stays nameless', async () => {
    const page = await c.newPage();
    await c.signIn(page, 'bob', '/r/vision/m/classifier/v/v0/lineage?depth=1');
    await page.getByRole('heading', { name: 'Lineage of vision/classifier:v0' }).waitFor();
    await expectCount(() => graphNodes(page).count(), 3); // v0, the run that made it, the run that used it

    await page.getByLabel('Depth').selectOption('2');
    await expectCount(() => graphNodes(page).count(), 6); // + both datasets, + tuned:v0
    expect(new URL(page.url()).searchParams.get('depth')).toBe('2');

    // The dataset of a registry bob cannot read: drawn, hatched, named by kind only, not a link.
    const redacted = page.locator(`.lineage-graph [data-node-id="${ids.secret}"]`);
    expect(await redacted.getAttribute('aria-label')).toBe('Artifact Redacted artifact');
    expect(await redacted.evaluate((el) => el.tagName.toLowerCase())).toBe('g');
    expect(await redacted.getAttribute('class')).toContain('lineage-node--redacted');
    expect(await page.content()).not.toContain('secret-features');
    // The list view says the same.
    await page.getByRole('heading', { name: 'As a list' }).waitFor();
    expect(await page.locator(`.lineage-list [data-node-id="${ids.secret}"]`).textContent()).toContain(
      'Redacted artifact',
    );

    // Upstream left, downstream right.
    const x = async (id: string) =>
      Number(await page.locator(`.lineage-graph [data-node-id="${id}"] rect`).first().getAttribute('x'));
    expect(await x(ids.mnist)).toBeLessThan(await x(ids.train));
    expect(await x(ids.train)).toBeLessThan(await x(ids.tunedV0));

    // Keyboard: Tab reaches the graph's links.
    await page.getByLabel('Direction').focus();
    let focused: string | null = null;
    for (let i = 0; i < 20 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(
        () => document.activeElement?.closest('.lineage-graph [data-node-id]')?.getAttribute('data-node-id') ?? null,
      );
    }
    expect(focused).not.toBeNull();

    // A run walks the lineage from itself; a version opens its page.
    await page.locator(`.lineage-graph a[data-node-id="${ids.train}"]`).click();
    await page.waitForURL((url) => url.searchParams.get('root') === ids.train);
    await page.getByRole('heading', { name: 'Lineage of train-classifier' }).waitFor();
    expect(await page.getByRole('link', { name: 'Version vision/classifier:v0' }).count()).toBe(1);
    await page.locator(`.lineage-graph a[data-node-id="${ids.v0}"]`).click();
    await page.waitForURL('**/r/vision/m/classifier/v/v0');
    await page.getByRole('heading', { name: 'classifier v0' }).waitFor();
    expect(c.problems(page)).toEqual([]);
  });

  it('names the redacted node for a caller who may read it', async () => {
    const page = await c.newPage();
    await c.signIn(page, 'local-admin', '/r/vision/m/classifier/v/v0/lineage?depth=2');
    const node = page.locator(`.lineage-graph [data-node-id="${ids.secret}"]`);
    await node.waitFor();
    expect(await node.textContent()).toBe('Artifact dataset:secret-features');
  });

  it('downloads a version file with the caller’s token: the bytes are the ones uploaded', async () => {
    const page = await c.newPage();
    await c.signIn(page, 'bob', '/r/vision/m/classifier/v/v0');
    await page.getByRole('heading', { name: 'classifier v0' }).waitFor();
    expect(await page.locator('.facts').textContent()).toContain('train-classifier');
    expect(await page.getByRole('row', { name: /accuracy/ }).textContent()).toContain('0.912');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download weights/model.bin' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('model.bin');
    const saved = await download.path();
    expect(Buffer.compare(fs.readFileSync(saved), weights)).toBe(0);
    expect(c.problems(page)).toEqual([]);
  });

  it('lists the files but offers no download to a restricted viewer', async () => {
    const page = await c.newPage();
    await c.signIn(page, 'rita', '/r/vision/m/classifier/v/v0');
    await page.getByRole('heading', { name: 'classifier v0' }).waitFor();
    await page.getByText('weights/model.bin').waitFor();
    await page.getByText('reads metadata but not model files').waitFor();
    expect(await page.getByRole('button', { name: /^Download/ }).count()).toBe(0);
  });

  it('links the admin pages for a registry admin only', async () => {
    const member = await c.newPage();
    await c.signIn(member, 'bob', '/r/vision/m/classifier/v/v0');
    await member.getByRole('heading', { name: 'classifier v0' }).waitFor();
    const nav = member.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'vision' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);

    const admin = await c.newPage();
    await c.signIn(admin, 'alice', '/r/vision/m/classifier/v/v0');
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).waitFor();
  });
});

async function expectCount(count: () => Promise<number>, expected: number, ms = 10_000) {
  const deadline = Date.now() + ms;
  let last = await count();
  while (last !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    last = await count();
  }
  expect(last).toBe(expected);
}
