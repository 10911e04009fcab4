/**
 * `npm run screenshots`: seeds a realistic registry into a throwaway server (the end-to-end
 * harness: fresh SQLite, test identity provider, built console) and writes PNGs of the console's
 * main pages into docs/images/console-*.png, at 1280×800 and one at phone width (390×844).
 * docs/console.md shows them. Rerun after changing a page, look at them, commit them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Receiver } from '../../test/support/receiver';
import { startPagesConsole } from './support/pages-console';
import { PagesSeed } from './support/pages-seed';

const OUT = path.resolve(__dirname, '..', '..', 'docs', 'images');
/** docs/console.md links these; keep each well under the repository's 300 KB per image. */
const MAX_BYTES = 300_000;

interface Shot {
  name: string;
  path: string;
  /** Waits for the page's content (default: its h1). */
  ready?: (page: Page) => Promise<void>;
  phone?: boolean;
}

async function seedRegistry(seed: PagesSeed, s: import('../../test/support/server').TestServer) {
  await seed.registry('vision', 'RESTRICTED', 'Image models of the perception team');
  await seed.registry('nlp', 'ORGANIZATION', 'Language models, readable by everyone in the organisation');
  await seed.registry('partner-data', 'RESTRICTED', 'Data shared by a partner under NDA');
  await seed.grant('vision', 'alice', 'ADMIN');
  await seed.grant('vision', 'bob', 'MEMBER');
  await seed.grant('vision', 'group:ml-platform', 'VIEWER');

  const train = await seed.artifact('vision', 'dataset', 'imagenet-train-2026-10');
  const val = await seed.artifact('vision', 'dataset', 'imagenet-val-2026-10');
  const code = await seed.artifact('vision', 'code', 'trainer-4f2c9e1');
  const partner = await seed.artifact('partner-data', 'dataset', 'partner-street-scenes');

  // resnet-classifier: seven versions, accuracy climbing, loss falling.
  const accuracy = [0.842, 0.861, 0.874, 0.889, 0.902, 0.897, 0.915];
  const versions: string[] = [];
  for (let i = 0; i < accuracy.length; i++) {
    const run = await seed.run('vision', `train-resnet50-${i + 1}`, { accuracy: accuracy[i], epochs: 30 + i * 5 });
    await seed.use(run, train);
    await seed.use(run, val);
    await seed.use(run, code);
    if (i >= 3) await seed.use(run, partner);
    const files =
      i === accuracy.length - 1
        ? [
            { path: 'model.safetensors', bytes: Buffer.alloc(180_000, 7) },
            { path: 'config.json', bytes: Buffer.from('{"arch":"resnet50","classes":1000}\n') },
            { path: 'preprocessor/normalize.json', bytes: Buffer.from('{"mean":[0.485,0.456,0.406]}\n') },
          ]
        : undefined;
    const v = await seed.link('vision', 'resnet-classifier', {
      run,
      files,
      metrics: {
        accuracy: accuracy[i],
        loss: Number((0.62 - i * 0.06).toFixed(3)),
        f1: Number((accuracy[i] - 0.02).toFixed(3)),
        latency_ms: 18 + (i % 3),
      },
      metadata: {
        framework: 'pytorch 2.5',
        architecture: 'resnet50',
        input: { width: 224, height: 224, channels: 3 },
        hyperparameters: { lr: 0.001 * (i + 1), batch_size: 256, optimizer: 'adamw', weight_decay: 0.05 },
        git: { commit: '4f2c9e1', branch: 'main' },
      },
      tags: i === accuracy.length - 1 ? ['candidate', 'fp16'] : ['fp32'],
      description: i === accuracy.length - 1 ? 'Retrained with partner street scenes; fp16 export.' : undefined,
    });
    versions.push(v.name);
  }
  await seed.setAlias('vision', 'resnet-classifier', 'staging', 'v3');
  await seed.setAlias('vision', 'resnet-classifier', 'production', 'v3');
  await seed.setAlias('vision', 'resnet-classifier', 'staging', 'v4');
  await seed.setAlias('vision', 'resnet-classifier', 'production', 'v4');
  await seed.setAlias('vision', 'resnet-classifier', 'staging', 'v6');

  // object-detector: fine-tuned from resnet-classifier v4.
  const finetune = await seed.run('vision', 'finetune-detector', { mAP: 0.61 });
  const list = await s.ok(`{ model(registry: "vision", name: "resnet-classifier") { version(ref: "v4") { id } } }`);
  await seed.use(finetune, list.model.version.id);
  for (let i = 0; i < 3; i++)
    await seed.link('vision', 'object-detector', {
      run: i === 2 ? finetune : undefined,
      metrics: { mAP: 0.52 + i * 0.045, recall: 0.7 + i * 0.03 },
      tags: ['yolo-head'],
    });
  await seed.setAlias('vision', 'object-detector', 'production', 'v2');
  const evalRun = await seed.run('vision', 'eval-detector-v2', { mAP: 0.61 });
  const det = await s.ok(`{ model(registry: "vision", name: "object-detector") { version(ref: "v2") { id } } }`);
  await seed.use(evalRun, det.model.version.id);
  await seed.artifact('vision', 'report', 'detector-v2-eval', evalRun);

  for (let i = 0; i < 2; i++)
    await seed.link('vision', 'image-embeddings', { metrics: { recall_at_10: 0.8 + i * 0.04 } });
  await seed.link('nlp', 'sentiment', { metrics: { accuracy: 0.88 } });
  return versions;
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const receiver = await Receiver.start();
  const c = await startPagesConsole({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_POLL_MS: '100' });
  try {
    const seed = new PagesSeed(c.server);
    await seedRegistry(seed, c.server);
    const hook = await c.server.ok(
      `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } } }`,
      {
        i: {
          registry: 'vision',
          url: receiver.url,
          events: ['VERSION_LINKED', 'ALIAS_SET'],
          description: 'Deploy bot',
        },
      },
    );
    await seed.setAlias('vision', 'resnet-classifier', 'production', 'v6');
    await c.server.ok(`mutation($i: WebhookRefInput!) { testWebhook(input: $i) { delivery { status } } }`, {
      i: { webhook: hook.createWebhook.webhook.id },
    });
    await receiver.until((r) => r.length >= 2);

    const model = '/r/vision/m/resnet-classifier';
    const shots: Shot[] = [
      { name: 'registries', path: '/' },
      { name: 'registry', path: '/r/vision' },
      { name: 'model', path: model },
      { name: 'compare', path: `${model}/compare?v=v4,v6` },
      { name: 'version', path: `${model}/v/v6` },
      { name: 'lineage', path: `${model}/v/v4/lineage?depth=2` },
      { name: 'timeline', path: `${model}/timeline` },
      { name: 'audit', path: '/r/vision/audit' },
      {
        name: 'webhook',
        path: `/r/vision/webhooks/${encodeURIComponent(hook.createWebhook.webhook.id)}`,
        ready: (p) => p.locator('.deliveries__table').waitFor(),
      },
      { name: 'version-phone', path: `${model}/v/v6`, phone: true },
    ];
    for (const shot of shots) {
      // Alice administers vision but cannot read partner-data: the lineage shows its dataset redacted.
      const page = await c.newPage(shot.phone ? { width: 390, height: 844 } : { width: 1280, height: 800 });
      await c.signIn(page, 'alice', shot.path);
      await (shot.ready ?? ((p: Page) => p.locator('main h1').first().waitFor()))(page);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      const file = path.join(OUT, `console-${shot.name}.png`);
      await page.screenshot({ path: file });
      const size = fs.statSync(file).size;
      console.log(`${path.relative(process.cwd(), file)}  ${Math.round(size / 1000)} KB`);
      if (size > MAX_BYTES) throw new Error(`${file} is ${size} bytes, over ${MAX_BYTES}`);
      const problems = c.problems(page);
      if (problems.length) console.warn(`  page problems: ${problems.join('; ')}`);
    }
  } finally {
    await c.stop();
    await receiver.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
