import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { contentTypeOf } from './content-types';
import { ConsoleClientConfig, issuerOrigin } from './console-config';
import { contentSecurityPolicy, setSecurityHeaders } from './security-headers';

export interface ConsoleOptions {
  /** The built console (web/dist): index.html and assets/. */
  dir: string;
  clientConfig: ConsoleClientConfig;
}

/** Paths that belong to the API: never answered with the console, so a typo there stays a 404. */
const API_PATHS = ['/graphql', '/v1/', '/metrics', '/healthz', '/readyz'];
const isApiPath = (p: string) => API_PATHS.some((api) => p === api || (api.endsWith('/') && p.startsWith(api)));

// Vite names every file under /assets by its content hash: a changed file is a new URL, so a
// browser may keep these for a year without asking again. index.html names the current ones and
// is revalidated on every load, so a deployment is picked up at once.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Model registry</title></head>
<body><h1>The console is not built</h1>
<p>This server serves the web console from <code>web/dist</code>, which does not exist yet.
Build it with <code>npm run build</code> (or start with <code>npm start</code>, which builds first),
or point <code>CONSOLE_DIR</code> at a built console.</p>
<p>The GraphQL API is at <a href="/graphql">/graphql</a>.</p></body></html>
`;

/**
 * The web console at `/`: its static files, `/console/config.json`, and index.html for every other
 * GET (the app routes in the browser: /r/vision/m/mnist is a page of the app, not a file). Answers
 * false for the API's paths and for anything but GET and HEAD, which the API answers.
 */
export function consoleRoutes(opts: ConsoleOptions) {
  const root = path.resolve(opts.dir);
  const csp = contentSecurityPolicy(issuerOrigin(opts.clientConfig));
  const configBody = JSON.stringify(opts.clientConfig);

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (isApiPath(url.pathname)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    setSecurityHeaders(res, csp);

    if (url.pathname === '/console/config.json') {
      res.setHeader('cache-control', REVALIDATE);
      send(req, res, 200, 'application/json; charset=utf-8', configBody);
      return true;
    }
    const file = resolveInside(root, url.pathname);
    if (file === null) {
      res.setHeader('cache-control', 'no-store');
      send(req, res, 400, 'text/plain; charset=utf-8', 'Bad path.\n');
      return true;
    }
    const isAsset = url.pathname.startsWith('/assets/');
    if (file !== root && (await serveFile(req, res, file, isAsset ? IMMUTABLE : REVALIDATE))) return true;
    if (isAsset) {
      // A missing asset is a 404, never index.html: a stale page asking for an old chunk must fail
      // loudly rather than parse HTML as JavaScript.
      res.setHeader('cache-control', 'no-store');
      send(req, res, 404, 'text/plain; charset=utf-8', 'No such asset.\n');
      return true;
    }
    if (await serveFile(req, res, path.join(root, 'index.html'), REVALIDATE)) return true;
    res.setHeader('cache-control', 'no-store');
    send(req, res, 404, 'text/html; charset=utf-8', NOT_BUILT);
    return true;
  };
}

/**
 * The file a URL path names inside `root`, or null when it would leave it (`..`, encoded slashes
 * or backslashes, NUL). The URL parser already removed plain `..` segments; percent-decoding can
 * bring them back, so the check is on the decoded, resolved path.
 */
export function resolveInside(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const resolved = path.resolve(root, `.${decoded}`);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) return null;
  // Dotfiles are never part of a build; refusing them keeps an accidental .env in the folder private.
  if (
    path
      .relative(root, resolved)
      .split(path.sep)
      .some((part) => part.startsWith('.'))
  )
    return null;
  return resolved;
}

async function serveFile(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string) {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  res.setHeader('cache-control', cacheControl);
  res.setHeader('etag', etag);
  res.setHeader('last-modified', info.mtime.toUTCString());
  if (req.headers['if-none-match'] === etag) {
    res.statusCode = 304;
    res.end();
    return true;
  }
  res.statusCode = 200;
  res.setHeader('content-type', contentTypeOf(file));
  res.setHeader('content-length', info.size);
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  // A client that goes away mid-file is not a server error: the socket is closed and that is all.
  await pipeline(createReadStream(file), res).catch(() => res.destroy());
  return true;
}

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string) {
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}
