import WebSocket from 'ws';

/** A message of the graphql-transport-ws protocol, as the server sent it. */
export interface LiveMessage {
  id?: string;
  type: string;
  payload?: any;
}

/**
 * A WebSocket client speaking graphql-transport-ws by hand, so tests can see every message and
 * close code exactly as sent (the graphql-ws client retries and hides some of them).
 */
export class LiveTestClient {
  readonly messages: LiveMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];
  private seq = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString('utf8')) as LiveMessage);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.waiters.splice(0).forEach((w) => w());
      }),
    );
  }

  /** Opens the socket on an http(s) GraphQL URL (ws: is derived); `init` is sent as connection_init unless null. */
  static async connect(
    httpUrl: string,
    init: Record<string, unknown> | null,
    opts: { headers?: Record<string, string> } = {},
  ): Promise<LiveTestClient> {
    const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers: opts.headers });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new LiveTestClient(socket);
    if (init) client.send({ type: 'connection_init', payload: init });
    return client;
  }

  /** connect, then wait for connection_ack. */
  static async authenticated(httpUrl: string, token: string): Promise<LiveTestClient> {
    const client = await LiveTestClient.connect(httpUrl, { authorization: `Bearer ${token}` });
    await client.waitFor((m) => m.type === 'connection_ack', 'connection_ack');
    return client;
  }

  send(message: LiveMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Sends a subscribe; returns its id. */
  subscribe(query: string, variables?: Record<string, unknown>): string {
    const id = String(++this.seq);
    this.send({ id, type: 'subscribe', payload: { query, variables } });
    return id;
  }

  complete(id: string): void {
    this.send({ id, type: 'complete' });
  }

  /** Messages for one subscription. */
  of(id: string): LiveMessage[] {
    return this.messages.filter((m) => m.id === id);
  }

  /** The `next` payloads' data for one subscription. */
  events(id: string, field: string): any[] {
    return this.of(id)
      .filter((m) => m.type === 'next' && m.payload?.data?.[field])
      .map((m) => m.payload.data[field]);
  }

  /** Resolves with the first message (from the start) matching, or fails after `ms`. */
  async waitFor(match: (m: LiveMessage) => boolean, what: string, ms = 5000): Promise<LiveMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.readyState === WebSocket.CLOSED)
        throw new Error(`no ${what} within ${ms} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the n-th event of a subscription (1-based). */
  async nthEvent(id: string, field: string, n: number, ms = 5000): Promise<any> {
    await this.waitFor(() => this.events(id, field).length >= n, `event ${n} of subscription ${id}`, ms);
    return this.events(id, field)[n - 1];
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING)
      this.socket.terminate();
  }
}
