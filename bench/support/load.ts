import http from 'node:http';
import autocannon from 'autocannon';

/**
 * Drives one GraphQL workload with autocannon and checks every response: a 200 with data, no
 * errors, and a body the workload recognises. A benchmark that counted error responses as
 * throughput would be measuring how fast the server refuses.
 */
export interface Workload {
  label: string;
  query: string;
  variables?: () => Record<string, unknown>;
  /** True when the data is what a client would expect for these variables (not just "no errors"). */
  check: (data: any, variables: Record<string, any>) => boolean;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Responses that were not a 200 with the expected body, plus connection errors and timeouts. */
  bad: number;
  firstBad?: string;
}

export const LOAD = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 16),
  duration: Number(process.env.BENCH_DURATION ?? 8),
};

/** `opts` overrides LOAD's connections and duration for this run. */
export async function load(
  url: string,
  token: string | null,
  w: Workload,
  opts: Partial<typeof LOAD> = {},
): Promise<LoadResult> {
  let bad = 0;
  let firstBad: string | undefined;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const fixedBody = w.variables ? undefined : JSON.stringify({ query: w.query });
  const result = await autocannon({
    url,
    connections: opts.connections ?? LOAD.connections,
    duration: opts.duration ?? LOAD.duration,
    requests: [
      {
        method: 'POST',
        headers,
        body: fixedBody,
        // Each request's variables travel in autocannon's per-connection context, so its response
        // is checked against what was asked.
        setupRequest: (req, context: { variables?: Record<string, unknown> }) => {
          if (!w.variables) return req;
          context.variables = w.variables();
          return {
            ...req,
            body: JSON.stringify({
              query: w.query,
              variables: context.variables,
            }),
          };
        },
        onResponse: (status, body, context: { variables?: Record<string, unknown> }) => {
          let ok = false;
          if (status === 200) {
            try {
              const parsed = JSON.parse(body) as {
                data?: unknown;
                errors?: unknown;
              };
              ok = !parsed.errors && parsed.data != null && w.check(parsed.data, context.variables ?? {});
            } catch {
              ok = false;
            }
          }
          if (!ok) {
            bad += 1;
            firstBad ??= `${status} ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    bad: bad + result.errors + result.timeouts,
    firstBad,
  };
}

/** One request on a fresh connection, for probes and fixtures; throws unless it is a clean 200. */
export function request(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  requestId?: string,
  agent?: http.Agent,
): Promise<{
  data?: any;
  errors?: { extensions?: { code?: string } }[];
  ms: number;
}> {
  const body = JSON.stringify({ query, variables });
  const started = performance.now();
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
          ...(requestId ? { 'x-request-id': requestId } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({
              ...JSON.parse(Buffer.concat(chunks).toString('utf8')),
              ms: performance.now() - started,
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
