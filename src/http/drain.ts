import http from 'node:http';

/** Counts requests from arrival until their response is done (or their connection drops). */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  track(res: http.ServerResponse): void {
    this.count++;
    res.once('close', () => {
      if (--this.count === 0) this.waiters.splice(0).forEach((w) => w());
    });
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Graceful close: stop accepting connections, close idle keep-alive ones, let the requests in
 * flight finish (their responses say `connection: close`, see the server), and after `deadlineMs`
 * cut whatever is left. Resolves once every connection is closed, with how many requests were cut.
 */
export async function drainServer(
  server: http.Server,
  inFlight: InFlight,
  deadlineMs: number,
): Promise<{ cut: number }> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), deadlineMs)));
  const outcome = await Promise.race([inFlight.idle().then(() => 'idle' as const), deadline]);
  clearTimeout(timer);
  const cut = outcome === 'deadline' ? inFlight.size : 0;
  // Keep-alive sockets between requests, and, past the deadline, requests still running.
  server.closeAllConnections();
  await closed;
  return { cut };
}
