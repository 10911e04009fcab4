import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { isRetryableStatus, parseRetryAfter } from './retry';
import { guardedLookup, hostOf, refusal, UnsafeAddressError } from './url-safety';

/** What one POST came to. `error` is short and names no secret and no URL. */
export interface SendResult {
  ok: boolean;
  status: number | null;
  retryable: boolean;
  retryAfterMs: number | null;
  error: string | null;
}

export interface SenderOptions {
  allowPrivateNetworks: boolean;
  timeoutMs: number;
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

const short = (text: string) => (text.length > 200 ? `${text.slice(0, 197)}...` : text);

/**
 * POSTs webhook bodies with node:http(s): a whole-request timeout, no redirects followed (a 3xx
 * is an answer, not a success), and the SSRF guard on every connection: IP-literal hosts are
 * checked before connecting, names at DNS resolution, and the socket's peer once connected.
 */
export class WebhookSender {
  // No socket limit: WEBHOOK_CONCURRENCY bounds the requests, and a queued request would eat its timeout.
  private readonly agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
  private readonly lookup: ReturnType<typeof guardedLookup>;

  constructor(private readonly opts: SenderOptions) {
    this.lookup = guardedLookup(opts.allowPrivateNetworks);
  }

  post(rawUrl: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const url = new URL(rawUrl);
    const host = hostOf(url);
    const why = net.isIP(host) ? refusal(host, this.opts.allowPrivateNetworks) : null;
    if (why) return Promise.resolve(failure(new UnsafeAddressError(host, host, why)));
    const secure = url.protocol === 'https:';
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const req = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        lookup: this.lookup,
        headers: {
          ...headers,
          'content-length': String(Buffer.byteLength(body)),
        },
      });
      const timer = setTimeout(() => req.destroy(new TimeoutError(this.opts.timeoutMs)), this.opts.timeoutMs);
      req.on('socket', (socket) => {
        // A kept-alive socket was checked when it connected; only new connections are watched.
        if (!socket.connecting) return;
        socket.once('connect', () => {
          const peer = socket.remoteAddress ?? '';
          const bad = refusal(peer, this.opts.allowPrivateNetworks);
          if (bad) req.destroy(new UnsafeAddressError(host, peer, bad));
        });
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const result: SendResult = {
          ok,
          status,
          retryable: !ok && isRetryableStatus(status),
          // Node keeps the first of repeated Retry-After headers, so this is one string.
          retryAfterMs: ok ? null : parseRetryAfter(res.headers['retry-after']),
          error: ok ? null : short(`HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`),
        };
        // The answer is the status; the body is read (to free the connection) and dropped.
        res.resume();
        res.once('end', () => done(result));
        res.once('error', () => done(result));
        res.once('close', () => done(result));
      });
      req.on('error', (err) => done(failure(err)));
      req.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function failure(err: Error): SendResult {
  const ours = err instanceof UnsafeAddressError || err instanceof TimeoutError;
  const code = (err as NodeJS.ErrnoException).code;
  const message = ours || !code || err.message.includes(code) ? err.message : `${code}: ${err.message}`;
  return {
    ok: false,
    status: null,
    retryable: !(err instanceof UnsafeAddressError),
    retryAfterMs: null,
    error: short(message),
  };
}
