import http from 'node:http';
import { createLogger } from '../../src/common/logger';
import { blobRequest, digestOfStream, generatedBytes, sha256 } from '../support/blobs';
import { startTestServer, TestServer } from '../support/server';

/**
 * Blob transfers and time (issue #13, review): an upload or download has no total deadline
 * (HTTP_REQUEST_TIMEOUT_MS is for GraphQL bodies) but is cut when no byte moves for
 * BLOB_IDLE_TIMEOUT_MS. Also: one log line and metrics per blob request, and `Expect: 100-continue`.
 */
const REQUEST_TIMEOUT_MS = 1000;
const IDLE_TIMEOUT_MS = 1000;
const SLACK_MS = 1500;
const R = 'transfers';
const OTHER = 'transfers-other';
type Line = Record<string, any>;

let s: TestServer;
let base: string;
let token: string;
const lines: Line[] = [];
const blobUrl = (digest: string, registry = R) => `/v1/registries/${registry}/blobs/${digest}`;
const linesOf = (requestId: string) => lines.filter((l) => l.requestId === requestId && l.msg === 'blob request');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function storedFiles() {
  const blobs: string[] = [];
  for await (const b of s.app.services.blobs.store.list()) blobs.push(b.hex);
  return { blobs, temporary: await s.app.services.blobs.store.temporaryFiles() };
}

/** PUTs `body` in `pieces`, waiting `gapMs` before each, then stops for good after `stopAfter` pieces. */
function dripUpload(digest: string, body: Buffer, pieces: number, gapMs: number, stopAfter = pieces) {
  return new Promise<{ status: number; json: any; closed: boolean }>((resolve, reject) => {
    const req = http.request(new URL(blobUrl(digest), base), {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-length': body.length, 'x-request-id': `drip-${digest}` },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text), closed: req.destroyed }));
    });
    req.on('error', reject);
    const size = Math.ceil(body.length / pieces);
    void (async () => {
      for (let i = 0; i < stopAfter; i++) {
        await sleep(gapMs);
        if (req.destroyed) return;
        const piece = body.subarray(i * size, (i + 1) * size);
        if (i === pieces - 1) req.end(piece);
        else req.write(piece);
      }
    })();
  });
}

beforeAll(async () => {
  s = await startTestServer(
    {
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_HEADERS_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      BLOB_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
    },
    { logger: createLogger('info', (l) => void lines.push(JSON.parse(l))) },
  );
  base = new URL(s.url).origin;
  token = await s.token('local-admin', { expiresIn: 3600 });
  for (const name of [R, OTHER])
    await s.ok(`mutation { createRegistry(input: { name: "${name}" }) { registry { id } } }`);
});
afterAll(() => s.stop());

describe('time limits of blob transfers', () => {
  it('stores an upload that takes longer than HTTP_REQUEST_TIMEOUT_MS but keeps sending', async () => {
    const body = Buffer.alloc(64 * 1024, 'slow');
    const started = Date.now();
    const r = await dripUpload(sha256(body), body, 8, 300);
    expect(Date.now() - started).toBeGreaterThan(REQUEST_TIMEOUT_MS * 2);
    expect([r.status, r.json]).toEqual([201, { digest: sha256(body), sizeBytes: body.length, created: true }]);
  });

  it('cuts an upload that stalls for BLOB_IDLE_TIMEOUT_MS with 408 REQUEST_TIMEOUT, storing nothing', async () => {
    const body = Buffer.alloc(64 * 1024, 'stalled');
    const before = (await storedFiles()).blobs.length;
    const started = Date.now();
    const r = await dripUpload(sha256(body), body, 4, 50, 2);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS);
    expect(took).toBeLessThan(IDLE_TIMEOUT_MS + SLACK_MS);
    expect(r.status).toBe(408);
    expect(r.json.error.code).toBe('REQUEST_TIMEOUT');
    expect(r.json.error.message).toMatch(/BLOB_IDLE_TIMEOUT_MS/);
    expect(await storedFiles()).toEqual({ blobs: expect.any(Array), temporary: [] });
    expect((await storedFiles()).blobs).toHaveLength(before);
    const [{ n }] = await s.db.ds.query('SELECT COUNT(*) AS n FROM blob_upload WHERE digest = ?', [sha256(body)]);
    expect(Number(n)).toBe(0);
  });

  it('disarms the idle timeout of an upload refused before its body is read', async () => {
    // Only part of the body is sent: the refusal comes before the rest, which is never read.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(new URL(blobUrl(sha256('refused'), 'no-such-registry'), base), {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-length': 64 * 1024 },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write(Buffer.alloc(1024));
    });
    expect(status).toBe(404);
    // Past the idle timeout: a meter left armed would fail with an unhandled error here.
    await sleep(IDLE_TIMEOUT_MS + 500);
    expect((await blobRequest(base, 'GET', blobUrl(sha256('x')), { token })).status).toBe(404);
  });

  it('cuts a download whose client stops reading, after BLOB_IDLE_TIMEOUT_MS', async () => {
    // Far more than the socket buffers hold, so the server's writes stall.
    const size = 64 * 1024 * 1024;
    const { digest } = await digestOfStream(generatedBytes(size, 'stall'));
    const up = await blobRequest(base, 'PUT', blobUrl(digest), {
      token,
      body: generatedBytes(size, 'stall'),
      headers: { 'content-length': size },
    });
    expect(up.status).toBe(201);
    // The client reads one chunk, stops reading for longer than the idle timeout, then reads on.
    // What the server's kernel had buffered still arrives, then the connection ends early.
    const received = await new Promise<number>((resolve) => {
      const req = http.get(new URL(blobUrl(digest), base), {
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'stalled-download' },
      });
      let bytes = 0;
      req.on('response', (res) => {
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.pause();
        setTimeout(() => res.resume(), IDLE_TIMEOUT_MS + SLACK_MS);
      });
      req.on('socket', (socket) => socket.on('close', () => resolve(bytes)));
      req.on('error', () => undefined);
    });
    expect(received).toBeLessThan(size);
    const [line] = linesOf('stalled-download');
    expect(line).toMatchObject({ method: 'GET', status: 200, complete: false });
    expect(line.bytesOut).toBeLessThan(size);
    expect(line.durationMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 100);
    expect(line.durationMs).toBeLessThan(IDLE_TIMEOUT_MS + SLACK_MS);
  });

  it('still answers a GraphQL body that takes longer than HTTP_REQUEST_TIMEOUT_MS with 408, in JSON', async () => {
    const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(new URL('/graphql', base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': 100 },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.write('{"query":');
    });
    expect(r.status).toBe(408);
    expect(JSON.parse(r.text).errors[0].extensions.code).toBe('REQUEST_TIMEOUT');
  });
});

describe('what a PUT says', () => {
  it('answers 201 for a blob new to this registry even when another registry stores it', async () => {
    const body = Buffer.from('stored elsewhere first');
    const elsewhere = await blobRequest(base, 'PUT', blobUrl(sha256(body), OTHER), { token, body });
    expect(elsewhere.status).toBe(201);
    const here = await blobRequest(base, 'PUT', blobUrl(sha256(body)), { token, body });
    expect([here.status, here.json.created]).toEqual([201, true]);
    expect(here.headers.location).toBe(blobUrl(sha256(body)));
    const again = await blobRequest(base, 'PUT', blobUrl(sha256(body)), { token, body });
    expect([again.status, again.json.created]).toEqual([200, false]);
  });

  it('answers `Expect: 100-continue` only once the upload is allowed: a refused one never invites the body', async () => {
    const body = Buffer.from('never invited');
    const attempt = (auth: string | null) =>
      new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
        const headers: Record<string, string | number> = { expect: '100-continue', 'content-length': body.length };
        if (auth) headers.authorization = auth;
        const req = http.request(new URL(blobUrl(sha256(body)), base), { method: 'PUT', headers });
        let continued = false;
        req.on('continue', () => {
          continued = true;
          req.end(body);
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, continued }));
          if (!continued) req.destroy();
        });
        req.on('error', () => undefined);
        req.on('close', () => undefined);
        req.on('error', reject);
        req.flushHeaders();
      });
    expect(await attempt(null)).toEqual({ status: 401, continued: false });
    expect(await attempt(`Bearer ${token}`)).toEqual({ status: 201, continued: true });
  });
});

describe('observability of blob requests', () => {
  it('writes one log line per blob request: method, registry, digest, status, bytes, duration, subject', async () => {
    const body = Buffer.from('logged bytes');
    const headers = (id: string) => ({ 'x-request-id': id });
    await blobRequest(base, 'PUT', blobUrl(sha256(body)), { token, body, headers: headers('blob-put') });
    await blobRequest(base, 'GET', blobUrl(sha256(body)), { token, headers: headers('blob-get') });
    await blobRequest(base, 'GET', blobUrl(sha256('nothing')), { token: null, headers: headers('blob-anon') });
    await sleep(50);
    const [put] = linesOf('blob-put');
    expect(linesOf('blob-put')).toHaveLength(1);
    expect(put).toMatchObject({
      level: 'info',
      method: 'PUT',
      registry: R,
      digest: sha256(body),
      status: 201,
      bytesIn: body.length,
      bytesOut: 0,
      complete: true,
      subject: 'local-admin',
      errorCodes: [],
    });
    expect(typeof put.durationMs).toBe('number');
    expect(linesOf('blob-get')[0]).toMatchObject({ method: 'GET', status: 200, bytesIn: 0, bytesOut: body.length });
    expect(linesOf('blob-anon')[0]).toMatchObject({ status: 401, subject: null, errorCodes: ['UNAUTHENTICATED'] });
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it('counts blob requests by method and status, and the bytes in and out', async () => {
    const metrics = async () => (await fetch(`${base}/metrics`)).text();
    const sample = (text: string, series: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.slice(series.length + 1) ?? 0,
      );
    const before = await metrics();
    const body = Buffer.from('metered bytes, twice');
    await blobRequest(base, 'PUT', blobUrl(sha256(body)), { token, body });
    await blobRequest(base, 'GET', blobUrl(sha256(body)), { token });
    await blobRequest(base, 'GET', blobUrl(sha256(body)), { token });
    await sleep(50);
    const after = await metrics();
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('model_registry_blob_requests_total{method="PUT",status="201"}')).toBe(1);
    expect(delta('model_registry_blob_requests_total{method="GET",status="200"}')).toBe(2);
    expect(delta('model_registry_blob_bytes_total{direction="in"}')).toBe(body.length);
    expect(delta('model_registry_blob_bytes_total{direction="out"}')).toBe(2 * body.length);
  });
});
