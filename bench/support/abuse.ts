import http from 'node:http';
import { CostlyDocument } from '../../test/support/costly-documents';
import { load, LoadResult, Workload } from './load';

/**
 * W6: what abusive documents do to everyone else. Normal traffic (a workload driven by
 * autocannon) is measured alone and beside `clients` loops that each send the costly documents
 * one after another as fast as they are answered, checking every answer. The machine's speed
 * drifts within minutes, so the two run in alternating windows over several rounds (the order
 * swapped each round), and the medians over rounds are compared.
 */
export interface AbuseOptions {
  rounds: number;
  windowSeconds: number;
  clients: number;
  connections: number;
}

export interface AbuseResult {
  alone: LoadResult[];
  beside: LoadResult[];
  /** The abusive requests sent during the `beside` windows. */
  abusive: {
    requests: number;
    p50: number;
    p99: number;
    bad: number;
    firstBad?: string;
  };
}

interface Answer {
  status: number;
  errors?: {
    message: string;
    extensions?: { code?: string; limit?: string };
  }[];
}

function send(url: string, token: string, body: string, agent: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode!,
              ...JSON.parse(Buffer.concat(chunks).toString('utf8')),
            });
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Why an answer is not what the document expects, or null. */
export function wrongAnswer(d: CostlyDocument, a: Answer): string | null {
  const e = d.expect;
  const first = a.errors?.[0];
  if (a.status !== e.status)
    return `${d.name}: status ${a.status}, expected ${e.status}: ${first?.message?.slice(0, 200)}`;
  if (e.status === 200) return a.errors ? `${d.name}: ${first?.message?.slice(0, 200)}` : null;
  if (first?.extensions?.code !== e.code) return `${d.name}: code ${first?.extensions?.code}, expected ${e.code}`;
  if (e.limit && first.extensions.limit !== e.limit)
    return `${d.name}: limit ${first.extensions.limit}, expected ${e.limit}`;
  if (e.message && !first.message.includes(e.message)) return `${d.name}: message ${first.message.slice(0, 200)}`;
  return null;
}

export async function abuseBesideNormal(
  url: string,
  normalToken: string,
  abuserToken: string,
  normal: Workload,
  documents: CostlyDocument[],
  opts: AbuseOptions,
): Promise<AbuseResult> {
  const bodies = documents.map((d) => ({
    d,
    body: JSON.stringify({ query: d.query }),
  }));
  const latencies: number[] = [];
  let bad = 0;
  let firstBad: string | undefined;

  const abuse = async (stop: { now: boolean }) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; !stop.now; i++) {
        const { d, body } = bodies[i % bodies.length];
        const started = performance.now();
        const why = wrongAnswer(
          d,
          await send(url, abuserToken, body, agent).catch((err: Error) => ({
            status: 0,
            errors: [{ message: err.message }],
          })),
        );
        latencies.push(performance.now() - started);
        if (why) {
          bad += 1;
          firstBad ??= why;
        }
      }
    } finally {
      agent.destroy();
    }
  };

  const alone: LoadResult[] = [];
  const beside: LoadResult[] = [];
  const window = {
    duration: opts.windowSeconds,
    connections: opts.connections,
  };
  for (let round = 0; round < opts.rounds; round++) {
    for (const withAbuse of round % 2 === 0 ? [false, true] : [true, false]) {
      if (!withAbuse) {
        alone.push(await load(url, normalToken, normal, window));
        continue;
      }
      const stop = { now: false };
      const clients = Array.from({ length: opts.clients }, () => abuse(stop));
      beside.push(await load(url, normalToken, normal, window));
      stop.now = true;
      await Promise.all(clients);
    }
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return {
    alone,
    beside,
    abusive: {
      requests: latencies.length,
      p50: at(0.5),
      p99: at(0.99),
      bad,
      firstBad,
    },
  };
}
