import http from 'node:http';
import { blobRequest, digestOfStream, generatedBytes, sha256 } from '../support/blobs';
import { startTestS3, TestS3 } from '../support/s3';
import { startInstance, startTestServer, TestServer } from '../support/server';

/**
 * The byte endpoints over real HTTP (docs/files.md): PUT, HEAD and GET of
 * /v1/registries/{registry}/blobs/sha256:{hex}, with real tokens and policies, on each backend:
 * the local filesystem and S3 (s3rver on 127.0.0.1).
 */
describe.each(['local', 's3'] as const)('%s backend', (backend) => {
  let s: TestServer;
  let s3: TestS3 | undefined;
  let storageEnv: Record<string, string> = {};
  let base: string;
  const tokens: Record<string, string> = {};
  const R = 'files';
  const OTHER = 'files-other';
  const blobUrl = (digest: string, registry = R) => `/v1/registries/${registry}/blobs/${digest}`;

  const CREATE = `mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`;
  const GRANT = `mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { subject } } }`;

  /** Blobs in the store, and temporary files of uploads in progress. */
  async function storedFiles() {
    const blobs: string[] = [];
    for await (const b of s.app.services.blobs.store.list()) blobs.push(b.hex);
    return {
      blobs,
      temporary: await s.app.services.blobs.store.temporaryFiles(),
    };
  }

  beforeAll(async () => {
    if (backend === 's3') {
      s3 = await startTestS3();
      storageEnv = s3.env('blobs-http');
    }
    s = await startTestServer(storageEnv);
    base = new URL(s.url).origin;
    for (const name of [R, OTHER]) await s.ok(CREATE, { i: { name } });
    for (const [subject, role, registry] of [
      ['mona', 'MEMBER', R],
      ['vera', 'VIEWER', R],
      ['mona', 'MEMBER', OTHER],
    ]) {
      await s.ok(GRANT, { i: { registry, subject, role } });
    }
    for (const subject of ['mona', 'vera', 'olive']) tokens[subject] = await s.token(subject, { expiresIn: 3600 });
  });

  afterAll(async () => {
    await s.stop();
    await s3?.stop();
  });

  const put = (digest: string, body: Buffer, as = 'mona', registry = R) =>
    blobRequest(base, 'PUT', blobUrl(digest, registry), {
      token: tokens[as],
      body,
    });
  const get = (digest: string, as = 'mona', headers: Record<string, string> = {}, registry = R) =>
    blobRequest(base, 'GET', blobUrl(digest, registry), {
      token: tokens[as],
      headers,
    });

  describe('a 200 MB file', () => {
    const SIZE = 200 * 1024 * 1024;
    it('is uploaded streaming, linked, and downloaded byte-identical by a reader of the registry', async () => {
      const expected = await digestOfStream(generatedBytes(SIZE, 'big'));
      const up = await blobRequest(base, 'PUT', blobUrl(expected.digest), {
        token: tokens.mona,
        body: generatedBytes(SIZE, 'big'),
        headers: { 'content-length': SIZE },
      });
      expect(up.status).toBe(201);
      expect(up.json).toEqual({
        digest: expected.digest,
        sizeBytes: SIZE,
        created: true,
      });
      const down = await get(expected.digest);
      expect(down.status).toBe(200);
      expect(down.headers['content-length']).toBe(String(SIZE));
      expect(down.headers.etag).toBe(`"${expected.digest}"`);
      expect(down.received).toEqual(expected);
      expect((await storedFiles()).temporary).toEqual([]);
      // Linked into a version, it is readable by every reader of the registry, not only its uploader.
      const LINK = `mutation($i: LinkModelVersionInput!) {
        linkModelVersion(input: $i) { version { files { path downloadUrl } } }
      }`;
      const linked = await s.ok(
        LINK,
        {
          i: {
            registry: R,
            model: 'big',
            artifact: {
              files: [{ path: 'model.bin', digest: expected.digest, sizeBytes: SIZE }],
            },
          },
        },
        { authorization: `Bearer ${tokens.mona}` },
      );
      const [{ downloadUrl }] = linked.linkModelVersion.version.files;
      const byViewer = await blobRequest(base, 'GET', downloadUrl, {
        token: tokens.vera,
      });
      expect([byViewer.status, byViewer.received]).toEqual([200, expected]);
    });
  });

  describe('PUT', () => {
    it('answers 201 for a new blob and 200 for one already stored, recording one upload', async () => {
      const body = Buffer.from('idempotent bytes');
      const first = await put(sha256(body), body);
      expect([first.status, first.json.created]).toEqual([201, true]);
      expect(first.headers.location).toBe(blobUrl(sha256(body)));
      const again = await put(sha256(body), body);
      expect([again.status, again.json]).toEqual([
        200,
        { digest: sha256(body), sizeBytes: body.length, created: false },
      ]);
      const [{ n }] = await s.db.ds.query('SELECT COUNT(*) AS n FROM blob_upload WHERE digest = ?', [sha256(body)]);
      expect(Number(n)).toBe(1);
    });

    it('audits the first upload of a blob into a registry as blob.uploaded (digest, size, actor), not a repeat', async () => {
      const AUDIT = `query($r: String!) { auditEvents(filter: { registry: $r, action: "blob.uploaded" }, first: 100) {
        edges { node { action targetType actor { id } registry { name } after requestId } } } }`;
      const uploads = async (digest: string) =>
        (await s.ok(AUDIT, { r: R })).auditEvents.edges
          .map((e: any) => e.node)
          .filter((n: any) => n.after.digest === digest);
      const body = Buffer.from('audited bytes');
      expect((await put(sha256(body), body)).status).toBe(201);
      expect((await put(sha256(body), body)).status).toBe(200);
      expect(await uploads(sha256(body))).toEqual([
        {
          action: 'blob.uploaded',
          targetType: 'Blob',
          actor: { id: 'mona' },
          registry: { name: R },
          after: { digest: sha256(body), sizeBytes: body.length },
          requestId: expect.any(String),
        },
      ]);
      // A refused upload (a viewer may not write) records nothing.
      const other = Buffer.from('refused bytes');
      expect((await put(sha256(other), other, 'vera')).status).toBe(403);
      expect(await uploads(sha256(other))).toEqual([]);
    });

    it('refuses a body whose digest does not match with 400, storing nothing', async () => {
      const body = Buffer.from('these are not the bytes you named');
      const named = sha256('something else');
      const before = (await storedFiles()).blobs.length;
      const r = await put(named, body);
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('BAD_USER_INPUT');
      expect(r.json.error.message).toMatch(/sha256/);
      expect(await storedFiles()).toEqual({
        blobs: expect.any(Array),
        temporary: [],
      });
      expect((await storedFiles()).blobs).toHaveLength(before);
      expect((await get(named)).status).toBe(404);
      expect((await get(sha256(body))).status).toBe(404);
      const [{ n }] = await s.db.ds.query('SELECT COUNT(*) AS n FROM blob_upload WHERE digest IN (?, ?)', [
        named,
        sha256(body),
      ]);
      expect(Number(n)).toBe(0);
    });

    it('leaves nothing behind when an upload is cut off halfway', async () => {
      const size = 8 * 1024 * 1024;
      const expected = await digestOfStream(generatedBytes(size, 'cut'));
      const before = (await storedFiles()).blobs.length;
      await new Promise<void>((resolve) => {
        const req = http.request(new URL(blobUrl(expected.digest), base), {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${tokens.mona}`,
            'content-length': size,
          },
        });
        req.on('error', () => resolve());
        req.write(Buffer.alloc(size / 2, 7), () => setTimeout(() => req.destroy(), 200));
        req.on('close', () => resolve());
      });
      // The server notices the reset and removes its temporary file.
      for (let i = 0; i < 50 && (await storedFiles()).temporary.length > 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect((await storedFiles()).temporary).toEqual([]);
      expect((await storedFiles()).blobs).toHaveLength(before);
      expect((await get(expected.digest)).status).toBe(404);
    });

    it('refuses a blob beyond MAX_BLOB_BYTES, declared or streamed, storing nothing', async () => {
      const small = await startInstance(s, {
        ...storageEnv,
        DATA_DIR: s.dataDir,
        MAX_BLOB_BYTES: '1000',
      });
      try {
        const smallBase = new URL(small.app.url).origin;
        const body = Buffer.alloc(1001, 1);
        const declared = await blobRequest(smallBase, 'PUT', blobUrl(sha256(body)), {
          token: tokens.mona,
          headers: { 'content-length': 5000 },
          body: Buffer.alloc(0),
        });
        expect([declared.status, declared.json.error.code]).toEqual([413, 'BAD_USER_INPUT']);
        expect(declared.json.error.message).toMatch(/MAX_BLOB_BYTES/);
        // No declared length (chunked): the cap is enforced while the bytes stream.
        const { Readable } = await import('node:stream');
        const streamed = await blobRequest(smallBase, 'PUT', blobUrl(sha256(body)), {
          token: tokens.mona,
          body: Readable.from([body.subarray(0, 600), body.subarray(600)]),
        });
        expect([streamed.status, streamed.json.error.code]).toEqual([413, 'BAD_USER_INPUT']);
        expect((await storedFiles()).temporary).toEqual([]);
        expect((await get(sha256(body))).status).toBe(404);
      } finally {
        await small.stop();
      }
    });

    it('needs MEMBER or above: a viewer gets 403, an outsider 404, no token 401; nothing is stored', async () => {
      const body = Buffer.from('refused bytes');
      const before = (await storedFiles()).blobs.length;
      const viewer = await put(sha256(body), body, 'vera');
      expect([viewer.status, viewer.json.error.code]).toEqual([403, 'FORBIDDEN']);
      const outsider = await put(sha256(body), body, 'olive');
      expect([outsider.status, outsider.json.error.code]).toEqual([404, 'NOT_FOUND']);
      const anonymous = await blobRequest(base, 'PUT', blobUrl(sha256(body)), {
        body,
      });
      expect([anonymous.status, anonymous.json.error.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect((await storedFiles()).blobs).toHaveLength(before);
    });

    it('refuses a malformed digest and other methods', async () => {
      const bad = await blobRequest(base, 'PUT', blobUrl('sha256:ABC'), {
        token: tokens.mona,
        body: Buffer.from('x'),
      });
      expect([bad.status, bad.json.error.code]).toEqual([400, 'BAD_USER_INPUT']);
      const badPath = await blobRequest(base, 'GET', blobUrl(sha256('x'), '%E0%A4%A'), { token: tokens.mona });
      expect([badPath.status, badPath.json.error.code]).toEqual([400, 'BAD_USER_INPUT']);
      const del = await blobRequest(base, 'DELETE', blobUrl(sha256('x')), {
        token: tokens.mona,
      });
      expect(del.status).toBe(405);
      expect(del.headers.allow).toBe('PUT, GET, HEAD');
    });
  });

  describe('GET and HEAD', () => {
    const body = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
    const digest = sha256(body);
    beforeAll(async () => expect((await put(digest, body)).status).toBe(201));

    it('HEAD says whether the blob is there, with its length and no body', async () => {
      const head = await blobRequest(base, 'HEAD', blobUrl(digest), {
        token: tokens.mona,
      });
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(String(body.length));
      expect(head.headers.etag).toBe(`"${digest}"`);
      expect(head.received.sizeBytes).toBe(0);
      expect(
        (
          await blobRequest(base, 'HEAD', blobUrl(sha256('absent')), {
            token: tokens.mona,
          })
        ).status,
      ).toBe(404);
    });

    it('honours Range', async () => {
      const first = await get(digest, 'mona', { range: 'bytes=0-9' });
      expect([first.status, first.body!.toString(), first.headers['content-range']]).toEqual([
        206,
        '0123456789',
        `bytes 0-9/${body.length}`,
      ]);
      const suffix = await get(digest, 'mona', { range: 'bytes=-3' });
      expect([suffix.status, suffix.body!.toString()]).toEqual([206, 'xyz']);
      const open = await get(digest, 'mona', { range: 'bytes=30-' });
      expect([open.status, open.body!.toString()]).toEqual([206, 'uvwxyz']);
      const past = await get(digest, 'mona', { range: 'bytes=100-' });
      expect([past.status, past.headers['content-range']]).toEqual([416, `bytes */${body.length}`]);
      const several = await get(digest, 'mona', { range: 'bytes=0-1,4-5' });
      expect([several.status, several.body!.toString()]).toEqual([200, body.toString()]);
    });

    it('honours If-None-Match', async () => {
      const r = await get(digest, 'mona', { 'if-none-match': `"${digest}"` });
      expect([r.status, r.received.sizeBytes]).toEqual([304, 0]);
      expect((await get(digest, 'mona', { 'if-none-match': '"sha256:other"' })).status).toBe(200);
    });

    if (backend === 's3') {
      it('redirects a reader to a short-lived presigned URL with STORAGE_PRESIGNED_DOWNLOADS', async () => {
        const presigning = await startInstance(s, {
          ...storageEnv,
          DATA_DIR: s.dataDir,
          STORAGE_PRESIGNED_DOWNLOADS: 'true',
        });
        try {
          const r = await blobRequest(new URL(presigning.app.url).origin, 'GET', blobUrl(digest), {
            token: tokens.mona,
          });
          expect(r.status).toBe(307);
          expect(r.headers.location).toMatch(/X-Amz-Expires=300/);
          const res = await fetch(r.headers.location!);
          expect(Buffer.from(await res.arrayBuffer())).toEqual(body);
          // Who may not read it still gets 404, never a URL.
          expect(
            (await blobRequest(new URL(presigning.app.url).origin, 'GET', blobUrl(digest), { token: tokens.vera }))
              .status,
          ).toBe(404);
        } finally {
          await presigning.stop();
        }
      });
    }

    it('answers 404 to anyone who may not read it: other readers, outsiders, other registries', async () => {
      // An upload not yet linked is its uploader's alone.
      const viewer = await get(digest, 'vera');
      expect([viewer.status, viewer.json.error.code]).toEqual([404, 'NOT_FOUND']);
      expect((await get(digest, 'olive')).status).toBe(404);
      // mona is a member of OTHER too, but the blob was uploaded into R.
      expect((await get(digest, 'mona', {}, OTHER)).status).toBe(404);
      expect(
        (
          await blobRequest(base, 'HEAD', blobUrl(digest), {
            token: tokens.vera,
          })
        ).status,
      ).toBe(404);
      const anonymous = await blobRequest(base, 'GET', blobUrl(digest));
      expect([anonymous.status, anonymous.json.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    });
  });
});
