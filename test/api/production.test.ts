import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/common/logger';
import { codeOf, startTestServer, TestServer } from '../support/server';

// Issue #7: what NODE_ENV=production turns on or off, and what holds in every mode (CSRF
// prevention, no batching, no stack traces, masked internal errors, HTTP timeouts).

const PRODUCTION = { NODE_ENV: 'production', AUTH_JWKS_COOLDOWN_MS: '1000' };

/** Every `extensions` in a response, for checks that none carries a stack trace. */
const extensionsOf = (body: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  (body.errors ?? []).map((e) => e.extensions ?? {});

describe('production defaults', () => {
  let s: TestServer;
  const lines: Record<string, unknown>[] = [];
  beforeAll(
    async () =>
      (s = await startTestServer(PRODUCTION, {
        logger: createLogger('info', (l) => void lines.push(JSON.parse(l))),
      })),
  );
  afterAll(() => s.stop());

  it('refuses introspection but answers __typename', async () => {
    const r = await s.gql(`{ __schema { types { name } } }`);
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors![0].message).toContain('introspection is not allowed');
    expect(await s.ok(`{ __typename }`)).toEqual({ __typename: 'Query' });
  });

  it('gives no "Did you mean" suggestions: unknown fields, arguments and types, or enum values in variables', async () => {
    const cases = [
      [`{ registrys { totalCount } }`, undefined, 'Cannot query field "registrys" on type "Query".'],
      [`{ registries(frist: 1) { totalCount } }`, undefined, 'Unknown argument "frist" on field "Query.registries".'],
      [
        `query($d: LineageDirectio) { lineage(id: "x", direction: $d) { truncated } }`,
        undefined,
        'Unknown type "LineageDirectio".',
      ],
      [
        `query($d: LineageDirection) { lineage(id: "x", direction: $d) { truncated } }`,
        { d: 'UPSTRAEM' },
        'Variable "$d" got invalid value "UPSTRAEM"; Value "UPSTRAEM" does not exist in "LineageDirection" enum.',
      ],
    ] as const;
    for (const [query, variables, message] of cases) {
      const r = await s.gql(query, variables);
      expect(r.errors!.map((e) => e.message)).toEqual([message]);
    }
  });

  it('masks an unexpected error as INTERNAL_SERVER_ERROR with a request id that the log carries too', async () => {
    lines.length = 0;
    // An outage in miniature: the table behind the audit log is gone.
    await s.db.ds.query('ALTER TABLE audit_event RENAME TO audit_event_gone');
    try {
      const res = await fetch(s.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(await s.as('local-admin')),
        },
        body: JSON.stringify({
          query: 'query Audit { auditEvents(first: 1) { edges { node { id } } } }',
        }),
      });
      const body = (await res.json()) as {
        errors: { message: string; extensions: Record<string, unknown> }[];
      };
      const requestId = res.headers.get('x-request-id')!;
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].message).toBe(`Internal server error. Quote request id ${requestId} when reporting it.`);
      expect(body.errors[0].extensions).toEqual({
        code: 'INTERNAL_SERVER_ERROR',
        requestId,
      });
      expect(JSON.stringify(body)).not.toMatch(/audit_event|SQL|stack/i);

      const logged = lines.filter((l) => l.requestId === requestId);
      expect(logged.map((l) => l.msg)).toEqual(['unexpected error', 'graphql request']);
      expect(String(logged[0].error)).toContain('audit_event');
      expect(logged[1]).toMatchObject({
        level: 'info',
        operationName: 'Audit',
        errorCodes: ['INTERNAL_SERVER_ERROR'],
        subject: 'local-admin',
      });
    } finally {
      await s.db.ds.query('ALTER TABLE audit_event_gone RENAME TO audit_event');
    }
  });

  it('puts no stack traces in any error response', async () => {
    const bodies = [
      await s.gql(`mutation { createRegistry(input: { name: "Not Valid" }) { registry { id } } }`),
      await s.gql(`{ nope }`),
      await s.gql(`{ registry(name: "missing") { id } }`),
      await s.gql(`{ viewer { subject } }`, undefined, {
        authorization: 'Bearer nope',
      }),
    ];
    expect(bodies.map(codeOf)).toEqual(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'NOT_FOUND', 'UNAUTHENTICATED']);
    for (const b of bodies) for (const ext of extensionsOf(b)) expect(ext).not.toHaveProperty('stacktrace');
  });

  it('sets the HTTP server timeouts', () => {
    // Node's own request timeout is off: the server holds HTTP_REQUEST_TIMEOUT_MS (30 s) itself on
    // every path but the blob endpoints, which have an idle timeout instead (http-timeouts.test.ts,
    // blob-transfers.test.ts).
    expect(s.app.http.requestTimeout).toBe(0);
    expect(s.app.http.headersTimeout).toBe(10_000);
    expect(s.app.http.keepAliveTimeout).toBe(5_000);
  });

  it('refuses a body over the default MAX_BODY_BYTES (1 MiB) with 413', async () => {
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ __typename }',
        variables: { pad: 'x'.repeat(1024 * 1024) },
      }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0].message).toBe(
      'The request body exceeds MAX_BODY_BYTES (1048576 bytes).',
    );
  });
});

describe('introspection turned on in production', () => {
  let s: TestServer;
  beforeAll(
    async () =>
      (s = await startTestServer({
        ...PRODUCTION,
        GRAPHQL_INTROSPECTION: 'true',
      })),
  );
  afterAll(() => s.stop());

  it('answers introspection, and errors suggest again since the schema is no secret', async () => {
    expect((await s.ok(`{ __schema { queryType { name } } }`)).__schema.queryType.name).toBe('Query');
    expect((await s.gql(`{ registrys { totalCount } }`)).errors![0].message).toContain(
      'Did you mean "registry" or "registries"?',
    );
  });
});

describe('CSRF prevention and batching, in every mode', () => {
  let s: TestServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    auth = await s.as('local-admin');
  });
  afterAll(() => s.stop());

  const send = async (init: RequestInit & { search?: string }) => {
    const res = await fetch(`${s.url}${init.search ?? ''}`, {
      ...init,
      headers: { ...auth, ...(init.headers as Record<string, string>) },
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        data?: Record<string, unknown>;
        errors?: { message: string; extensions?: { code?: string } }[];
      },
    };
  };
  const CREATE = 'mutation { createRegistry(input: { name: "csrf-target" }) { registry { id } } }';
  const typename = `?query=${encodeURIComponent('{ __typename }')}`;

  it('refuses a text/plain POST, and a form POST, without running them', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await send({
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify({ query: CREATE }),
      });
      expect(r.status).toBe(400);
      expect(r.body.errors![0].message).toContain('Cross-Site Request Forgery');
    }
    expect((await s.gql(`{ registry(name: "csrf-target") { id } }`)).errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('refuses a simple GET without a preflight header', async () => {
    const r = await send({ method: 'GET', search: typename });
    expect(r.status).toBe(400);
    expect(r.body.errors![0].message).toContain('Cross-Site Request Forgery');
  });

  it('answers a JSON POST and a GET with apollo-require-preflight', async () => {
    expect(
      (
        await send({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ __typename }' }),
        })
      ).body.data,
    ).toEqual({ __typename: 'Query' });
    expect(
      (
        await send({
          method: 'GET',
          search: typename,
          headers: { 'apollo-require-preflight': 'true' },
        })
      ).body.data,
    ).toEqual({ __typename: 'Query' });
  });

  it('refuses a mutation over GET with 405', async () => {
    const r = await send({
      method: 'GET',
      search: `?query=${encodeURIComponent(CREATE)}`,
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(r.status).toBe(405);
  });

  it('refuses a batched request', async () => {
    const r = await send({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(r.status).toBe(400);
    expect(r.body.errors![0].message).toBe('Operation batching disabled.');
  });
});

describe('HTTP timeouts configuration', () => {
  const base = {
    AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks',
    AUTH_ISSUER: 'i',
    AUTH_AUDIENCE: 'a',
  };

  it('takes the timeouts from the environment', () => {
    const c = loadConfig({
      ...base,
      HTTP_REQUEST_TIMEOUT_MS: '60000',
      HTTP_HEADERS_TIMEOUT_MS: '20000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
      SHUTDOWN_TIMEOUT_MS: '25000',
    });
    expect(c.http).toEqual({
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 20_000,
      keepAliveTimeoutMs: 65_000,
    });
    expect(c.shutdownTimeoutMs).toBe(25_000);
  });

  it('refuses a headers timeout longer than the request timeout, naming the variable', () => {
    expect(() =>
      loadConfig({
        ...base,
        HTTP_REQUEST_TIMEOUT_MS: '5000',
        HTTP_HEADERS_TIMEOUT_MS: '6000',
      }),
    ).toThrow(new ConfigError('HTTP_HEADERS_TIMEOUT_MS', 'a whole number from 1000 to 5000', '6000'));
  });
});
