import { createLogger } from '../../src/common/logger';
import { OrphanCollector } from '../../src/files/orphan-collector';
import { blobRequest, sha256 } from '../support/blobs';
import { codeOf, startTestServer, TestServer } from '../support/server';

/**
 * A link racing the orphan collector, on the real database (SQLite, or MariaDB with DATABASE_URL):
 * whichever goes first, a version never links a blob that is gone. Each test pauses one side at a
 * point of its real code path (a gate around a method of the running server) while the other runs.
 */
let s: TestServer;
let base: string;
let token: string;
const R = 'gc-race';
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { id files { downloadUrl } } } }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const collector = () => new OrphanCollector(s.app.services.db, s.app.services.blobs.store, 24, createLogger('error'));
/** Past the TTL of every upload made by these tests. */
const later = () => new Date(Date.now() + 48 * 3600_000);

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  let reached!: () => void;
  const arrived = new Promise<void>((r) => (reached = r));
  return { opened, open, arrived, reached };
}

const put = (body: Buffer) => blobRequest(base, 'PUT', `/v1/registries/${R}/blobs/${sha256(body)}`, { token, body });
const link = (model: string, body: Buffer) =>
  s.gql(LINK, {
    i: {
      registry: R,
      model,
      artifact: { files: [{ path: 'model.bin', digest: sha256(body), sizeBytes: body.length }] },
    },
  });
const stored = (body: Buffer) => s.app.services.blobs.store.stat(sha256(body).slice(7));

beforeAll(async () => {
  s = await startTestServer();
  base = new URL(s.url).origin;
  token = await s.token('local-admin', { expiresIn: 3600 });
  await s.ok(`mutation { createRegistry(input: { name: "${R}" }) { registry { id } } }`);
});
afterAll(() => s.stop());

it('keeps the blob when the link holds its lock while the collector runs, and the version reads it', async () => {
  const body = Buffer.from('linked while the collector runs');
  expect((await put(body)).status).toBe(201);
  const blobs = s.app.services.blobs;
  const original = blobs.linkToVersion.bind(blobs);
  const g = gate();
  // The link has checked the file and locked its upload rows; it waits here, inside its transaction.
  blobs.linkToVersion = async (...args) => {
    g.reached();
    await g.opened;
    return original(...args);
  };
  try {
    const linking = link('kept', body);
    await g.arrived;
    const collecting = collector().collect(later());
    await sleep(300);
    g.open();
    const [linked, deleted] = await Promise.all([linking, collecting]);
    expect(linked.errors).toBeUndefined();
    expect(deleted).toBe(0);
    expect(await stored(body)).not.toBeNull();
    const [{ downloadUrl }] = linked.data.linkModelVersion.version.files;
    const down = await blobRequest(base, 'GET', downloadUrl, { token });
    expect([down.status, down.body]).toEqual([200, body]);
    // A later pass keeps it too: a version links it.
    expect(await collector().collect(later())).toBe(0);
  } finally {
    blobs.linkToVersion = original;
  }
});

it('fails the link cleanly when the collector has released the blob, linking nothing', async () => {
  const body = Buffer.from('collected while a link arrives');
  expect((await put(body)).status).toBe(201);
  const store = s.app.services.blobs.store;
  const original = store.delete.bind(store);
  const g = gate();
  // The collector has committed the release of the upload rows and is about to delete the file.
  store.delete = async (hex) => {
    g.reached();
    await g.opened;
    return original(hex);
  };
  try {
    const collecting = collector().collect(later());
    await g.arrived;
    const linked = await link('refused', body);
    g.open();
    expect(await collecting).toBe(1);
    expect(codeOf(linked)).toBe('BAD_USER_INPUT');
    expect(linked.errors![0].message).toMatch(/model\.bin/);
    expect(await stored(body)).toBeNull();
    const rows = await s.db.ds.query('SELECT COUNT(*) AS n FROM version_blob WHERE digest = ?', [sha256(body)]);
    expect(Number(rows[0].n)).toBe(0);
    const models = await s.db.ds.query("SELECT COUNT(*) AS n FROM registered_model WHERE name = 'refused'");
    expect(Number(models[0].n)).toBe(0);
  } finally {
    store.delete = original;
  }
});
