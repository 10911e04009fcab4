import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { OrphanCollector } from '../../src/files/orphan-collector';
import { verifyBlobs } from '../../src/files/verify-blobs';
import { createLogger } from '../../src/common/logger';
import { blobRequest, sha256 } from '../support/blobs';
import { startTestServer, TestServer } from '../support/server';

/** What happens to stored files over time: download counts, orphan collection, integrity checks. */
let s: TestServer;
let base: string;
let token: string;
const R = 'lifecycle';
const LINK = `mutation($i: LinkModelVersionInput!) {
  linkModelVersion(input: $i) { version { id name files { downloadUrl } } }
}`;
const COUNT = `query($m: String!, $v: String!) {
  modelVersion(registry: "${R}", model: $m, ref: $v) { downloadCount }
}`;

const put = (body: Buffer) =>
  blobRequest(base, 'PUT', `/v1/registries/${R}/blobs/${sha256(body)}`, {
    token,
    body,
  });
const link = async (model: string, files: Record<string, Buffer>) =>
  (
    await s.ok(LINK, {
      i: {
        registry: R,
        model,
        artifact: {
          files: Object.entries(files).map(([p, b]) => ({
            path: p,
            digest: sha256(b),
            sizeBytes: b.length,
          })),
        },
      },
    })
  ).linkModelVersion.version;
const downloads = async (model: string, v = 'v0') =>
  (await s.ok(COUNT, { m: model, v })).modelVersion.downloadCount as number;
const stored = (body: Buffer) => s.app.services.blobs.store.stat(sha256(body).slice(7));

beforeAll(async () => {
  s = await startTestServer();
  base = new URL(s.url).origin;
  token = await s.token('local-admin', { expiresIn: 3600 });
  await s.ok(`mutation { createRegistry(input: { name: "${R}" }) { registry { id } } }`);
});
afterAll(() => s.stop());

describe('ModelVersion.downloadCount', () => {
  const shared = Buffer.from('shared tokenizer');
  const weights = Buffer.from('counted weights');
  let url: string;

  beforeAll(async () => {
    for (const b of [shared, weights]) await put(b);
    const v = await link('counted', {
      'weights.bin': weights,
      'tok.json': shared,
    });
    url = v.files.find((f: { downloadUrl: string }) => f.downloadUrl.includes(sha256(weights))).downloadUrl;
    await link('other', { 'tok.json': shared });
  });

  it('counts a file fetched to its last byte for the version in the URL, and nothing else', async () => {
    expect(await downloads('counted')).toBe(0);
    expect((await blobRequest(base, 'GET', url, { token })).status).toBe(200);
    expect(await downloads('counted')).toBe(1);
    // A probe of the first bytes is not a download; the rest of the file, fetched later, completes one.
    expect((await blobRequest(base, 'GET', url, { token, headers: { range: 'bytes=0-3' } })).status).toBe(206);
    expect(await downloads('counted')).toBe(1);
    expect((await blobRequest(base, 'GET', url, { token, headers: { range: 'bytes=4-' } })).status).toBe(206);
    expect(await downloads('counted')).toBe(2);
    // A HEAD and a revalidation are not downloads.
    expect((await blobRequest(base, 'HEAD', url, { token })).status).toBe(200);
    expect(
      (
        await blobRequest(base, 'GET', url, {
          token,
          headers: { 'if-none-match': `"${sha256(weights)}"` },
        })
      ).status,
    ).toBe(304);
    expect(await downloads('counted')).toBe(2);
  });

  it('without a version in the URL, counts for every version of the registry that links the blob', async () => {
    const [counted, other] = [await downloads('counted'), await downloads('other')];
    expect((await blobRequest(base, 'GET', `/v1/registries/${R}/blobs/${sha256(shared)}`, { token })).status).toBe(200);
    expect([await downloads('counted'), await downloads('other')]).toEqual([counted + 1, other + 1]);
  });
});

describe('orphan collection', () => {
  const orphan = Buffer.from('uploaded, never linked');
  const linked = Buffer.from('linked, then archived');
  const collector = () => new OrphanCollector(s.app.services.db, s.app.services.blobs.store, 24, createLogger('error'));
  const hoursFromNow = (h: number) => new Date(Date.now() + h * 3600_000);

  it('removes blobs never linked after BLOB_ORPHAN_TTL_HOURS, never one a version links, archived too', async () => {
    await put(orphan);
    await put(linked);
    const v = await link('archived-files', { 'model.bin': linked });
    await s.ok(
      `mutation { linkModelVersion(input: { registry: "${R}", model: "archived-files",
        artifact: { uri: "s3://x/y", digest: "${sha256('y')}", sizeBytes: 1 } }) { version { id } } }`,
    );
    await s.ok(
      `mutation { archiveModelVersion(input: { registry: "${R}", model: "archived-files", version: "${v.name}" }) {
        version { archived }
      } }`,
    );

    expect(await collector().collect(hoursFromNow(23))).toBe(0);
    expect(await stored(orphan)).not.toBeNull();

    expect(await collector().collect(hoursFromNow(25))).toBe(1);
    expect(await stored(orphan)).toBeNull();
    expect(await stored(linked)).not.toBeNull();
    const rows = await s.db.ds.query('SELECT COUNT(*) AS n FROM blob_upload WHERE digest = ?', [sha256(orphan)]);
    expect(Number(rows[0].n)).toBe(0);
    // The downloads of the linked file still work; linking the collected one fails until it is uploaded again.
    expect((await blobRequest(base, 'GET', `/v1/registries/${R}/blobs/${sha256(linked)}`, { token })).status).toBe(200);
    const relink = await s.gql(LINK, {
      i: {
        registry: R,
        model: 'late',
        artifact: {
          files: [{ path: 'a', digest: sha256(orphan), sizeBytes: orphan.length }],
        },
      },
    });
    expect(relink.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await put(orphan)).status).toBe(201);
  });

  it('removes the temporary files of crashed uploads untouched for a day at each pass, not fresher ones', async () => {
    const tmp = path.join(s.dataDir, 'blobs', 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    const crashed = path.join(tmp, 'crashed.part');
    const inProgress = path.join(tmp, 'in-progress.part');
    fs.writeFileSync(crashed, 'left by a crash');
    fs.writeFileSync(inProgress, 'being written');
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
    fs.utimesSync(crashed, twoDaysAgo, twoDaysAgo);
    await collector().collect();
    expect([fs.existsSync(crashed), fs.existsSync(inProgress)]).toEqual([false, true]);
    fs.rmSync(inProgress);
  });
});

describe('blobs:verify', () => {
  it('re-hashes every blob and reports one whose bytes changed on disk', async () => {
    const body = Buffer.from('bytes that will rot');
    await put(body);
    const hex = sha256(body).slice(7);
    expect((await verifyBlobs(s.app.services.blobs.store)).mismatches).toEqual([]);
    fs.writeFileSync(path.join(s.dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex), 'rotten');
    const progress: number[] = [];
    const report = await verifyBlobs(s.app.services.blobs.store, (p) => progress.push(p.checked));
    expect(report.mismatches).toEqual([{ digest: sha256(body), actual: sha256('rotten') }]);
    expect(progress[progress.length - 1]).toBe(report.checked);

    const cli = spawnSync(process.execPath, ['-r', '@swc-node/register', 'src/cli/blobs-verify.ts'], {
      cwd: path.join(__dirname, '..', '..'),
      env: {
        ...process.env,
        DATA_DIR: s.dataDir,
        DATABASE_URL: '',
        NODE_ENV: 'test',
      },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain(`MISMATCH ${sha256(body)}`);
    expect(cli.stderr).toMatch(/verified \d+\/\d+ blobs/);
  });
});
