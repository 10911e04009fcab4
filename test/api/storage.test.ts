import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { BlobLengthError, BlobStore, BlobTooLargeError, DigestMismatchError, openBlobStore } from '../../src/storage';
import { digestOfStream, generatedBytes, sha256 } from '../support/blobs';
import { startTestS3, TestS3 } from '../support/s3';

/** One contract, two backends: the local filesystem and S3 (s3rver on 127.0.0.1, through the real AWS SDK). */
const hexOf = (bytes: Buffer | string) => sha256(bytes).slice('sha256:'.length);
const MAX = 64 * 1024 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function listed(store: BlobStore): Promise<string[]> {
  const hexes: string[] = [];
  for await (const b of store.list()) hexes.push(b.hex);
  return hexes.sort();
}

/** A body that sends `bytes` and then fails, as a request cut off mid-upload does. */
function cutOff(bytes: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(bytes);
      } else this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    },
  });
}

describe.each(['local', 's3'] as const)('%s blob store', (backend) => {
  let store: BlobStore;
  let s3: TestS3 | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-'));
    let env: Record<string, string> = { DATA_DIR: dir, NODE_ENV: 'test' };
    if (backend === 's3') {
      s3 = await startTestS3();
      env = { ...env, ...s3.env('models/blobs') };
    }
    store = await openBlobStore(loadConfig(env).storage.location);
  });

  afterAll(async () => {
    await s3?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores a blob once, reads it whole and by range, lists and deletes it', async () => {
    const body = Buffer.from('hello, content-addressed world');
    const hex = hexOf(body);
    expect(await store.stat(hex)).toBeNull();
    expect(await store.put(hex, Readable.from([body]), { maxBytes: MAX })).toEqual({
      created: true,
      sizeBytes: body.length,
    });
    expect(await store.put(hex, Readable.from([body]), { maxBytes: MAX })).toEqual({
      created: false,
      sizeBytes: body.length,
    });
    expect((await store.stat(hex))?.sizeBytes).toBe(body.length);
    expect(await readAll(await store.open(hex))).toEqual(body);
    expect((await readAll(await store.open(hex, { start: 7, end: 21 }))).toString()).toBe('content-address');
    expect(await listed(store)).toContain(hex);
    await store.delete(hex);
    expect(await store.stat(hex)).toBeNull();
    expect(await listed(store)).not.toContain(hex);
  });

  it('streams a 40 MB blob in parts (multipart on S3) and reads it back identical', async () => {
    const size = 40 * 1024 * 1024;
    const expected = await digestOfStream(generatedBytes(size, 'store'));
    const hex = expected.digest.slice('sha256:'.length);
    expect(
      await store.put(hex, generatedBytes(size, 'store'), {
        maxBytes: MAX,
        expectedBytes: size,
      }),
    ).toEqual({
      created: true,
      sizeBytes: size,
    });
    expect(await digestOfStream(await store.open(hex))).toEqual(expected);
    expect(await store.temporaryFiles()).toEqual([]);
  });

  it('keeps nothing when the digest does not match, even for an already stored blob', async () => {
    const body = Buffer.from('mismatched');
    const named = hexOf('another body');
    await expect(store.put(named, Readable.from([body]), { maxBytes: MAX })).rejects.toBeInstanceOf(
      DigestMismatchError,
    );
    expect(await store.stat(named)).toBeNull();
    expect(await store.temporaryFiles()).toEqual([]);
    const stored = Buffer.from('stored already');
    await store.put(hexOf(stored), Readable.from([stored]), { maxBytes: MAX });
    await expect(store.put(hexOf(stored), Readable.from([body]), { maxBytes: MAX })).rejects.toBeInstanceOf(
      DigestMismatchError,
    );
  });

  it('refuses more bytes than the cap, or another length than declared, keeping nothing', async () => {
    const body = Buffer.alloc(2000, 3);
    await expect(
      store.put(hexOf(body), Readable.from([body.subarray(0, 1000), body.subarray(1000)]), { maxBytes: 1500 }),
    ).rejects.toBeInstanceOf(BlobTooLargeError);
    await expect(
      store.put(hexOf(body), Readable.from([body]), {
        maxBytes: MAX,
        expectedBytes: 1999,
      }),
    ).rejects.toBeInstanceOf(BlobLengthError);
    expect(await store.stat(hexOf(body))).toBeNull();
    expect(await store.temporaryFiles()).toEqual([]);
  });

  it('keeps nothing when the body fails halfway', async () => {
    const whole = Buffer.alloc(12 * 1024 * 1024, 9);
    await expect(
      store.put(hexOf(whole), cutOff(whole.subarray(0, 9 * 1024 * 1024)), {
        maxBytes: MAX,
      }),
    ).rejects.toThrow();
    expect(await store.stat(hexOf(whole))).toBeNull();
    expect(await store.temporaryFiles()).toEqual([]);
  });

  if (backend === 's3') {
    it('gives a presigned URL that serves the bytes without credentials', async () => {
      const body = Buffer.from('presigned bytes');
      await store.put(hexOf(body), Readable.from([body]), { maxBytes: MAX });
      const url = await store.presignedUrl!(hexOf(body), 60);
      const res = await fetch(url!);
      expect([res.status, Buffer.from(await res.arrayBuffer()).toString()]).toEqual([200, 'presigned bytes']);
    });
  }
});

describe('storage configuration', () => {
  const load = (env: Record<string, string>) => () =>
    loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/registry-config', ...env });
  it('stores under DATA_DIR/blobs by default, or where a file: or s3: STORAGE_URL says', () => {
    expect(load({})().storage.location).toEqual({
      kind: 'local',
      dir: '/tmp/registry-config/blobs',
    });
    expect(load({ STORAGE_URL: 'file:///srv/blobs' })().storage.location).toEqual({ kind: 'local', dir: '/srv/blobs' });
    expect(
      load({
        STORAGE_URL: 's3://models/prod/',
        AWS_ENDPOINT_URL: 'http://minio:9000',
        AWS_S3_FORCE_PATH_STYLE: 'true',
      })().storage.location,
    ).toEqual({
      kind: 's3',
      bucket: 'models',
      prefix: 'prod',
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: null,
    });
    expect(load({})().storage.maxBlobBytes).toBe(50 * 1024 ** 3);
  });

  it.each([
    ['STORAGE_URL', { STORAGE_URL: 'ftp://host/x' }],
    ['STORAGE_URL', { STORAGE_URL: 's3://Bad_Bucket/x' }],
    ['AWS_ENDPOINT_URL_S3', { STORAGE_URL: 's3://models', AWS_ENDPOINT_URL_S3: 'minio:9000' }],
    ['AWS_SECRET_ACCESS_KEY', { STORAGE_URL: 's3://models', AWS_ACCESS_KEY_ID: 'AKIA' }],
    ['STORAGE_PRESIGNED_DOWNLOADS', { STORAGE_PRESIGNED_DOWNLOADS: 'true' }],
    ['MAX_BLOB_BYTES', { MAX_BLOB_BYTES: '50GB' }],
    ['BLOB_ORPHAN_TTL_HOURS', { BLOB_ORPHAN_TTL_HOURS: '0' }],
  ])('refuses a bad %s at start, naming it', (variable, env) => {
    expect(load(env)).toThrow(new RegExp(`^${variable} should be`));
  });
});
