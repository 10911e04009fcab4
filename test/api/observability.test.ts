import { createLogger } from '../../src/common/logger';
import { MAX_OPERATION_LABELS } from '../../src/observability/metrics';
import { usingMysql } from '../support/database';
import { startTestServer, TEST_ADMIN, TestServer } from '../support/server';

// Issue #7: one structured log line per GraphQL request, liveness and readiness probes, and
// Prometheus metrics at /metrics.

type Line = Record<string, unknown>;

const metricsOf = async (s: TestServer, headers: Record<string, string> = {}) => {
  const res = await fetch(s.url.replace('/graphql', '/metrics'), { headers });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    text: await res.text(),
  };
};

/** The value of one sample line, e.g. `model_registry_graphql_requests_total{operation="A",status="200"}`. */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('request log', () => {
  let s: TestServer;
  const lines: Line[] = [];
  beforeAll(
    async () =>
      (s = await startTestServer(
        {},
        {
          logger: createLogger('debug', (l) => void lines.push(JSON.parse(l))),
        },
      )),
  );
  afterAll(() => s.stop());

  const linesOf = (requestId: string) => lines.filter((l) => l.requestId === requestId);

  it('writes one line per GraphQL request: operation, status, duration, error codes, subject, request id and SQL statements', async () => {
    const r = await s.gql(`query Viewer { viewer { subject } registries(first: 1) { totalCount } }`, undefined, {
      ...(await s.as('alice')),
      'x-request-id': 'log-ok',
    });
    expect(r.status).toBe(200);
    const [line] = linesOf('log-ok');
    expect(linesOf('log-ok')).toHaveLength(1);
    expect(line).toEqual({
      time: expect.any(String),
      level: 'info',
      msg: 'graphql request',
      requestId: 'log-ok',
      operationName: 'Viewer',
      method: 'POST',
      status: 200,
      durationMs: expect.any(Number),
      errorCodes: [],
      subject: 'alice',
      sqlStatements: expect.any(Number),
    });
    expect(line.sqlStatements).toBeGreaterThan(0);
  });

  it('logs refused requests too: unauthenticated, invalid, over a limit', async () => {
    await s.gql(`query Who { viewer { subject } }`, undefined, {
      authorization: '',
      'x-request-id': 'log-401',
    });
    await s.gql(`query Bad { nope }`, undefined, { 'x-request-id': 'log-400' });
    await s.gql(`{ registries(first: 1000) { totalCount } }`, undefined, {
      'x-request-id': 'log-first',
    });
    expect(linesOf('log-401')).toEqual([
      expect.objectContaining({
        msg: 'graphql request',
        status: 401,
        errorCodes: ['UNAUTHENTICATED'],
        subject: null,
      }),
    ]);
    // A document that fails validation has no resolved operation.
    expect(linesOf('log-400')).toEqual([
      expect.objectContaining({
        status: 400,
        operationName: null,
        errorCodes: ['GRAPHQL_VALIDATION_FAILED'],
        subject: TEST_ADMIN,
      }),
    ]);
    expect(linesOf('log-first')).toEqual([
      expect.objectContaining({
        status: 400,
        errorCodes: ['BAD_USER_INPUT'],
        sqlStatements: 0,
      }),
    ]);
  });

  it('never logs tokens, documents or variables, also for GET requests', async () => {
    const token = await s.token('carol');
    const secret = 'sekrit-variable-value-42';
    await s.gql(
      `query($n: String!) { registry(name: $n) { id } }`,
      { n: secret },
      { authorization: `Bearer ${token}`, 'x-request-id': 'log-secret' },
    );
    const search = `?query=${encodeURIComponent('query($n: String!) { registry(name: $n) { id } }')}&variables=${encodeURIComponent(JSON.stringify({ n: secret }))}`;
    await fetch(`${s.url}${search}`, {
      headers: {
        authorization: `Bearer ${token}`,
        'apollo-require-preflight': 'true',
        'x-request-id': 'log-get',
      },
    });
    expect(linesOf('log-secret')).toHaveLength(1);
    expect(linesOf('log-get')).toEqual([
      expect.objectContaining({
        method: 'GET',
        subject: 'carol',
        errorCodes: ['NOT_FOUND'],
      }),
    ]);
    const all = JSON.stringify(lines);
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.split('.')[2]);
    expect(all).not.toContain(secret);
    expect(all).not.toContain('registry(name');
  });
});

describe('probes', () => {
  let s: TestServer;
  beforeAll(async () => (s = await startTestServer()));
  afterAll(() => s.stop());

  const probe = async (p: string) => {
    const res = await fetch(s.url.replace('/graphql', p));
    return { status: res.status, body: await res.json() };
  };

  it('answers /healthz while the process is up, without a token', async () => {
    expect(await probe('/healthz')).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it('answers /readyz 200 when the database answers and every migration is applied, 503 when one is missing', async () => {
    expect(await probe('/readyz')).toEqual({
      status: 200,
      body: { status: 'ready' },
    });
    const ds = s.db.ds;
    const [last] = await ds.query('SELECT id, timestamp, name FROM schema_migrations ORDER BY id DESC LIMIT 1');
    await ds.query('DELETE FROM schema_migrations WHERE id = ?', [last.id]);
    try {
      expect(await probe('/readyz')).toEqual({
        status: 503,
        body: { status: 'unavailable' },
      });
      expect((await probe('/healthz')).status).toBe(200);
    } finally {
      await ds.query('INSERT INTO schema_migrations (id, timestamp, name) VALUES (?, ?, ?)', [
        last.id,
        last.timestamp,
        last.name,
      ]);
    }
    expect(await probe('/readyz')).toEqual({
      status: 200,
      body: { status: 'ready' },
    });
  });
});

describe('metrics', () => {
  let s: TestServer;
  beforeAll(async () => (s = await startTestServer()));
  afterAll(() => s.stop());

  it('counts requests and times them by operation name, and counts errors by code', async () => {
    await s.ok(`query CountMe { viewer { subject } }`);
    await s.ok(`query CountMe { viewer { subject } }`);
    await s.ok(`{ viewer { subject } }`);
    await s.gql(`query Broken { nope }`);
    await s.gql(`query Missing { registry(name: "nowhere") { id } }`);

    const m = await metricsOf(s);
    expect(m.status).toBe(200);
    expect(m.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sample(m.text, 'model_registry_graphql_requests_total{operation="CountMe",status="200"}')).toBe(2);
    expect(
      sample(m.text, 'model_registry_graphql_requests_total{operation="anonymous",status="200"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(m.text, 'model_registry_graphql_requests_total{operation="anonymous",status="400"}')).toBe(1);
    expect(sample(m.text, 'model_registry_graphql_requests_total{operation="Missing",status="200"}')).toBe(1);
    expect(sample(m.text, 'model_registry_graphql_request_duration_seconds_count{operation="CountMe"}')).toBe(2);
    expect(
      sample(m.text, 'model_registry_graphql_request_duration_seconds_bucket{le="+Inf",operation="CountMe"}'),
    ).toBe(2);
    expect(sample(m.text, 'model_registry_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
    expect(sample(m.text, 'model_registry_graphql_errors_total{code="NOT_FOUND"}')).toBe(1);
    expect(sample(m.text, 'model_registry_http_requests_in_flight')).toBe(1);
    expect(m.text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(m.text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('reports the database pool', async () => {
    const { text } = await metricsOf(s);
    if (usingMysql()) {
      expect(sample(text, 'model_registry_db_pool_connections{state="max"}')).toBe(10);
      const open = sample(text, 'model_registry_db_pool_connections{state="open"}')!;
      expect(open).toBeGreaterThanOrEqual(1);
      expect(
        sample(text, 'model_registry_db_pool_connections{state="idle"}')! +
          sample(text, 'model_registry_db_pool_connections{state="in_use"}')!,
      ).toBe(open);
      expect(sample(text, 'model_registry_db_pool_connections{state="waiting"}')).toBe(0);
    } else {
      expect(sample(text, 'model_registry_db_pool_connections{state="max"}')).toBe(1);
      expect(sample(text, 'model_registry_db_pool_connections{state="open"}')).toBe(1);
    }
  });

  it('takes gauges registered by other parts of the server, read at each scrape', async () => {
    let depth = 3;
    s.app.metrics.registerGauge('model_registry_test_outbox_depth', 'Deliveries waiting (test).', async () => depth);
    expect(sample((await metricsOf(s)).text, 'model_registry_test_outbox_depth')).toBe(3);
    depth = 5;
    expect(sample((await metricsOf(s)).text, 'model_registry_test_outbox_depth')).toBe(5);
  });

  it('reports the webhook outbox depth: deliveries waiting to be sent', async () => {
    expect(sample((await metricsOf(s)).text, 'model_registry_webhook_outbox_depth')).toBe(0);
  });

  it('still answers a scrape when one gauge cannot be read: that gauge keeps its last value', async () => {
    let fail = false;
    s.app.metrics.registerGauge('model_registry_test_flaky', 'A gauge whose source fails (test).', async () => {
      if (fail) throw new Error('database is down');
      return 7;
    });
    expect(sample((await metricsOf(s)).text, 'model_registry_test_flaky')).toBe(7);
    fail = true;
    const m = await metricsOf(s);
    expect(m.status).toBe(200);
    expect(sample(m.text, 'model_registry_test_flaky')).toBe(7);
    expect(m.text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('keeps its own registry per server', async () => {
    const other = await startTestServer();
    try {
      expect(
        sample(
          (await metricsOf(other)).text,
          'model_registry_graphql_requests_total{operation="CountMe",status="200"}',
        ),
      ).toBeUndefined();
    } finally {
      await other.stop();
    }
  });

  it(`keeps at most ${MAX_OPERATION_LABELS} operation names, counting later ones as "other"`, async () => {
    const fresh = await startTestServer();
    try {
      for (let i = 0; i < MAX_OPERATION_LABELS + 5; i++) await fresh.ok(`query Op${i} { __typename }`);
      const { text } = await metricsOf(fresh);
      const names = new Set(
        [...text.matchAll(/^model_registry_graphql_requests_total\{operation="([^"]+)"/gm)].map((m) => m[1]),
      );
      expect(names.size).toBe(MAX_OPERATION_LABELS + 1);
      expect(sample(text, 'model_registry_graphql_requests_total{operation="Op0",status="200"}')).toBe(1);
      expect(sample(text, 'model_registry_graphql_requests_total{operation="other",status="200"}')).toBe(5);
    } finally {
      await fresh.stop();
    }
  });
});

describe('metrics endpoint settings', () => {
  it('is absent with METRICS_ENABLED=false', async () => {
    const s = await startTestServer({ METRICS_ENABLED: 'false' });
    try {
      expect((await metricsOf(s)).status).toBe(404);
    } finally {
      await s.stop();
    }
  });

  it('asks for the METRICS_TOKEN when one is set', async () => {
    const token = 'scrape-token-0123456789';
    const s = await startTestServer({ METRICS_TOKEN: token });
    try {
      expect((await metricsOf(s)).status).toBe(401);
      expect((await metricsOf(s, { authorization: 'Bearer scrape-token-wrong-000' })).status).toBe(401);
      expect(
        (
          await metricsOf(s, {
            authorization: `Bearer ${await s.token(TEST_ADMIN)}`,
          })
        ).status,
      ).toBe(401);
      const ok = await metricsOf(s, { authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('model_registry_graphql_requests_total');
    } finally {
      await s.stop();
    }
  });
});
