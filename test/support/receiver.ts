import http, { IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON (null if it is not JSON). */
  json: any;
  /** Milliseconds since the epoch when it arrived. */
  at: number;
}

/** How to answer: a status (and headers), or `hang` to never answer. */
export type Reply = { status: number; headers?: Record<string, string>; delayMs?: number } | 'hang';

/**
 * A real webhook receiver on 127.0.0.1: it records every request and answers as the test says
 * (200 by default). `n` counts requests from 1.
 */
export class Receiver {
  readonly received: Received[] = [];
  private server!: http.Server;
  url = '';

  constructor(
    private reply: (r: Received, n: number) => Reply | Promise<Reply> = () => ({
      status: 200,
    }),
  ) {}

  static async start(reply?: (r: Received, n: number) => Reply | Promise<Reply>): Promise<Receiver> {
    const receiver = new Receiver(reply);
    receiver.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      const respond = async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = null;
        }
        const r: Received = {
          headers: req.headers,
          body,
          json,
          at: Date.now(),
        };
        receiver.received.push(r);
        const answer = await receiver.reply(r, receiver.received.length);
        if (answer === 'hang') return;
        if (answer.delayMs) await new Promise((t) => setTimeout(t, answer.delayMs));
        res.writeHead(answer.status, answer.headers ?? {});
        res.end('ok');
      };
      // A reply function that throws fails the delivery, visibly, rather than leaving the request hanging.
      req.on('end', () => {
        respond().catch((err: unknown) => res.destroy(err as Error));
      });
    });
    await new Promise<void>((r) => receiver.server.listen(0, '127.0.0.1', r));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks`;
    return receiver;
  }

  /** Changes how later requests are answered. */
  answer(reply: (r: Received, n: number) => Reply | Promise<Reply>): void {
    this.reply = reply;
  }

  /** Waits (at most `ms`) until `done` holds for what was received; returns what was received. */
  async until(done: (received: Received[]) => boolean, ms = 15_000): Promise<Received[]> {
    const deadline = Date.now() + ms;
    while (!done(this.received)) {
      if (Date.now() > deadline)
        throw new Error(
          `receiver: condition not met within ${ms} ms; got ${this.received.length} request(s): ${this.received.map((r) => r.json?.type ?? r.body.slice(0, 40)).join(', ')}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.received;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Polls `check` until it returns a value that is not undefined, for at most `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
