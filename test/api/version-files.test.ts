import { createHash } from 'node:crypto';
import { blobRequest, sha256 } from '../support/blobs';
import { codeOf, startTestServer, TestServer } from '../support/server';

/** Versions made of files the registry holds (docs/files.md): linkModelVersion with `files` and no `uri`. */
let s: TestServer;
let base: string;
const tokens: Record<string, string> = {};
const R = 'vfiles';
const OTHER = 'vfiles-other';

const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) {
  created replayed modelCreated
  version {
    id name aliases files { path downloadUrl }
    artifact { uri digest sizeBytes files { path digest sizeBytes downloadUrl } }
  }
} }`;

const bytes = {
  weights: Buffer.from('weights '.repeat(1000)),
  config: Buffer.from('{"layers": 12}'),
  tokenizer: Buffer.from('tokenizer vocabulary'),
};
const file = (path: string, body: Buffer) => ({
  path,
  digest: sha256(body),
  sizeBytes: body.length,
});

async function put(body: Buffer, as = 'mona', registry = R) {
  const r = await blobRequest(base, 'PUT', `/v1/registries/${registry}/blobs/${sha256(body)}`, {
    token: tokens[as],
    body,
  });
  expect([200, 201]).toContain(r.status);
}
const link = (input: Record<string, unknown>, as = 'mona') =>
  s.gql(LINK, { i: { registry: R, ...input } }, { authorization: `Bearer ${tokens[as]}` });
const versionCount = async () => Number((await s.db.ds.query('SELECT COUNT(*) AS n FROM model_version'))[0].n);

beforeAll(async () => {
  s = await startTestServer();
  base = new URL(s.url).origin;
  for (const name of [R, OTHER])
    await s.ok(`mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, { i: { name } });
  for (const [subject, role, registry] of [
    ['mona', 'MEMBER', R],
    ['vera', 'VIEWER', R],
    ['mona', 'MEMBER', OTHER],
    ['otto', 'MEMBER', OTHER],
  ]) {
    await s.ok(`mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { subject } } }`, {
      i: { registry, subject, role },
    });
  }
  for (const subject of ['mona', 'vera', 'otto']) tokens[subject] = await s.token(subject, { expiresIn: 3600 });
  await put(bytes.weights);
  await put(bytes.config);
});

afterAll(() => s.stop());

it('links uploaded files as a version whose digest is the sha256 of the canonical manifest', async () => {
  const files = [file('model/weights.bin', bytes.weights), file('config.json', bytes.config)];
  const r = await link({ model: 'm1', artifact: { files } });
  expect(r.errors).toBeUndefined();
  const { version, created } = r.data.linkModelVersion;
  expect(created).toBe(true);
  // The canonical form, spelled out as docs/files.md does: sorted by path, keys path, digest, sizeBytes, no spaces.
  const canonical =
    `[{"path":"config.json","digest":"${sha256(bytes.config)}","sizeBytes":${bytes.config.length}},` +
    `{"path":"model/weights.bin","digest":"${sha256(bytes.weights)}","sizeBytes":${bytes.weights.length}}]`;
  expect(version.artifact.digest).toBe(`sha256:${createHash('sha256').update(canonical).digest('hex')}`);
  expect(version.artifact.sizeBytes).toBe(bytes.weights.length + bytes.config.length);
  expect(version.artifact.uri).toBe(`registry://${R}/m1@${version.artifact.digest}`);
  expect(version.artifact.files.map((f: { path: string }) => f.path)).toEqual(['config.json', 'model/weights.bin']);
  // The version's id in the URL counts each download for this version.
  expect(version.files).toEqual([
    {
      path: 'config.json',
      downloadUrl: `/v1/registries/${R}/blobs/${sha256(bytes.config)}?version=${version.id}`,
    },
    {
      path: 'model/weights.bin',
      downloadUrl: `/v1/registries/${R}/blobs/${sha256(bytes.weights)}?version=${version.id}`,
    },
  ]);
  // Now a viewer of the registry may download them: a version links them.
  const down = await blobRequest(base, 'GET', version.files[1].downloadUrl, {
    token: tokens.vera,
  });
  expect([down.status, down.received.digest]).toEqual([200, sha256(bytes.weights)]);
});

it('gives the same digest whatever the order of the files, and dedupe answers the existing version', async () => {
  const files = [file('b.json', bytes.config), file('a.bin', bytes.weights)];
  const first = (await link({ model: 'm2', artifact: { files } })).data.linkModelVersion;
  const again = await link({
    model: 'm2',
    artifact: { files: [...files].reverse() },
    dedupe: true,
    aliases: ['staging'],
  });
  expect(again.errors).toBeUndefined();
  expect(again.data.linkModelVersion.created).toBe(false);
  expect(again.data.linkModelVersion.version.id).toBe(first.version.id);
  expect(again.data.linkModelVersion.version.aliases).toContain('staging');
  const fresh = (await link({ model: 'm2', artifact: { files } })).data.linkModelVersion;
  expect([fresh.created, fresh.version.name, fresh.version.artifact.digest]).toEqual([
    true,
    'v1',
    first.version.artifact.digest,
  ]);
});

it('refuses files that are not uploaded, naming them, and writes nothing', async () => {
  const before = await versionCount();
  const r = await link({
    model: 'never-created',
    artifact: {
      files: [file('weights.bin', bytes.weights), file('tokenizer.json', bytes.tokenizer)],
    },
  });
  expect(codeOf(r)).toBe('BAD_USER_INPUT');
  expect(r.errors![0].message).toContain('"tokenizer.json"');
  expect(r.errors![0].message).not.toContain('weights.bin');
  expect(await versionCount()).toBe(before);
  const models = await s.db.ds.query("SELECT COUNT(*) AS n FROM registered_model WHERE name = 'never-created'");
  expect(Number(models[0].n)).toBe(0);
});

it('treats a blob stored for another registry by someone else as missing: a digest alone gives no access', async () => {
  await put(bytes.tokenizer, 'otto', OTHER);
  const r = await link({
    model: 'm3',
    artifact: { files: [file('tokenizer.json', bytes.tokenizer)] },
  });
  expect(codeOf(r)).toBe('BAD_USER_INPUT');
  expect(r.errors![0].message).toContain('"tokenizer.json"');
});

it("refuses a size that is not the stored blob's, and a digest or size that is not the computed one", async () => {
  const wrongSize = await link({
    model: 'm4',
    artifact: { files: [{ ...file('c.json', bytes.config), sizeBytes: 1 }] },
  });
  expect([codeOf(wrongSize), wrongSize.errors![0].message]).toEqual([
    'BAD_USER_INPUT',
    expect.stringContaining('c.json'),
  ]);
  const wrongDigest = await link({
    model: 'm4',
    artifact: { files: [file('c.json', bytes.config)], digest: sha256('nope') },
  });
  expect(codeOf(wrongDigest)).toBe('BAD_USER_INPUT');
  const wrongTotal = await link({
    model: 'm4',
    artifact: { files: [file('c.json', bytes.config)], sizeBytes: 5 },
  });
  expect(codeOf(wrongTotal)).toBe('BAD_USER_INPUT');
});

it.each([
  ['a path with ..', [file('../escape', bytes.config)]],
  ['an absolute path', [file('/etc/passwd', bytes.config)]],
  ['an empty segment', [file('a//b', bytes.config)]],
  ['a . segment', [file('./a', bytes.config)]],
  ['a backslash', [file('a\\b', bytes.config)]],
  ['a path twice', [file('a', bytes.config), file('a', bytes.weights)]],
  ['a file without digest', [{ path: 'a', sizeBytes: 1 }]],
  ['no files at all', []],
])('refuses %s with BAD_USER_INPUT', async (_name, files) => {
  const before = await versionCount();
  const r = await link({ model: 'm5', artifact: { files } });
  expect(codeOf(r)).toBe('BAD_USER_INPUT');
  expect(await versionCount()).toBe(before);
});

it('keeps linking by uri alone, with no download URLs, and refuses registry:// URIs from clients', async () => {
  const r = await link({
    model: 'm6',
    artifact: {
      uri: 's3://bucket/m6',
      digest: sha256('m6'),
      sizeBytes: 3,
      files: [{ path: 'x.bin' }],
    },
  });
  expect(r.errors).toBeUndefined();
  expect(r.data.linkModelVersion.version.files).toEqual([{ path: 'x.bin', downloadUrl: null }]);
  const forged = await link({
    model: 'm6',
    artifact: {
      uri: `registry://${R}/m1@${sha256('x')}`,
      digest: sha256('x'),
      sizeBytes: 1,
    },
  });
  expect(codeOf(forged)).toBe('BAD_USER_INPUT');
  const noDigest = await link({
    model: 'm6',
    artifact: { uri: 's3://bucket/m6' },
  });
  expect(codeOf(noDigest)).toBe('BAD_USER_INPUT');
});
