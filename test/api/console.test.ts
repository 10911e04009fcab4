import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, TestServer } from '../support/server';

/** A raw GET or HEAD: fetch would normalise `..` and encoded slashes before they reach the server. */
function raw(url: string, pathname: string, method = 'GET', headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = http.request({ hostname, port, path: pathname, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function builtConsole(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title><div id="root"></div>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1);');
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.css'), 'body{}');
  fs.writeFileSync(path.join(dir, '.env'), 'SECRET=1');
  fs.writeFileSync(path.join(os.tmpdir(), 'console-outside.txt'), 'outside');
  return dir;
}

describe('the web console at /', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ CONSOLE_DIR: builtConsole() });
  });
  afterAll(() => s.stop());

  it('serves index.html at / with no-cache and the security headers', async () => {
    const res = await raw(s.url, '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<div id="root">');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it("answers a page's URL with index.html (the app routes in the browser)", async () => {
    const res = await raw(s.url, '/r/vision/m/mnist/v/v3?tab=files');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<div id="root">');
  });

  it('serves hashed assets as immutable, with their content type', async () => {
    const js = await raw(s.url, '/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log(1);');
    const css = await raw(s.url, '/assets/index-abc123.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers a missing asset 404, never with index.html', async () => {
    const res = await raw(s.url, '/assets/gone-123.js');
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('<div id="root">');
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await raw(s.url, '/assets/index-abc123.js', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String('console.log(1);'.length));
    expect(res.body).toBe('');
  });

  it.each([
    '/assets/..%2f..%2fconsole-outside.txt',
    '/assets/..%5c..%5cconsole-outside.txt',
    '/.env',
    '/assets/%00.js',
  ])('refuses a path that leaves the console folder or names a dotfile: %s', async (pathname) => {
    const res = await raw(s.url, pathname);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('outside');
    expect(res.body).not.toContain('SECRET');
  });

  it('never serves a file outside the folder through dot segments (they are resolved against /)', async () => {
    for (const pathname of [
      '/%2e%2e/console-outside.txt',
      '/../console-outside.txt',
      '/assets/../../console-outside.txt',
    ]) {
      const res = await raw(s.url, pathname);
      expect(res.body).not.toContain('outside');
    }
  });

  it('tells the console its sign-in mode at /console/config.json', async () => {
    const res = await raw(s.url, '/console/config.json');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ auth: { mode: 'local' } });
  });

  it('leaves the API paths alone', async () => {
    expect((await s.ok('{ viewer { subject } }')).viewer.subject).toBe('local-admin');
    const v1 = await raw(s.url, '/v1/nothing-here');
    expect(v1.body).not.toContain('<div id="root">');
    expect((await raw(s.url, '/healthz')).body).toContain('ok');
    const post = await raw(s.url, '/r/vision', 'POST');
    expect(post.status).toBe(404);
  });
});

describe('the web console when it is not built', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ CONSOLE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'console-empty-')) });
  });
  afterAll(() => s.stop());

  it('says at / how to build it', async () => {
    const res = await raw(s.url, '/');
    expect(res.status).toBe(404);
    expect(res.body).toContain('npm run build');
  });
});

describe('the web console with OIDC sign-in', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(
      { CONSOLE_DIR: builtConsole(), AUTH_OIDC_CLIENT_ID: 'registry-console', AUTH_OIDC_SCOPE: 'openid groups' },
      { selfIssuedIdp: true },
    );
  });
  afterAll(() => s.stop());

  it('tells the console the issuer, client id, scope and audience', async () => {
    const res = await raw(s.url, '/console/config.json');
    expect(JSON.parse(res.body)).toEqual({
      auth: {
        mode: 'oidc',
        issuer: s.idp.issuer,
        clientId: 'registry-console',
        scope: 'openid groups',
        audience: 'model-registry',
      },
    });
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it("lets the console's pages call the issuer (discovery, token endpoint) and nothing else", async () => {
    const csp = String((await raw(s.url, '/')).headers['content-security-policy']);
    const connect = csp.split('; ').find((d) => d.startsWith('connect-src'));
    expect(connect).toBe(`connect-src 'self' ${new URL(s.idp.issuer).origin}`);
  });
});
