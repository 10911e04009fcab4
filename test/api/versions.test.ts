import { codeOf, digestOf, startTestServer, TestServer } from '../support/server';

/**
 * Model versions over GraphQL: linking (with idempotency keys), editing, archiving, listing in
 * every allowed order with keyset pages, and resolving `registry/model:ref`.
 */

const VERSION = `
  id number name fullName aliases archived archivedAt
  artifact { uri digest sizeBytes files { path digest sizeBytes } }
  metadata metrics tags description createdBy { id } createdAt updatedAt
`;
const LINK = `mutation($i: LinkModelVersionInput!) {
  linkModelVersion(input: $i) { modelCreated replayed model { id name fullName } version { ${VERSION} } }
}`;
const UPDATE = `mutation($i: UpdateModelVersionInput!) { updateModelVersion(input: $i) { version { ${VERSION} } } }`;
const ARCHIVE = `mutation($i: ArchiveModelVersionInput!) { archiveModelVersion(input: $i) { version { ${VERSION} } } }`;
const SET_ALIAS = `mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`;
const GET = `query($r: String!, $m: String!, $ref: String!) { modelVersion(registry: $r, model: $m, ref: $ref) { ${VERSION} } }`;
const VERSIONS = `query($r: String!, $m: String!, $first: Int, $after: String, $orderBy: VersionOrder, $filter: VersionFilter) {
  model(registry: $r, name: $m) {
    versions(first: $first, after: $after, orderBy: $orderBy, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { number name archived metrics tags } }
    }
  }
}`;

const TABLES = ['registered_model', 'model_version', 'model_alias', 'alias_event', 'audit_event'] as const;

describe('model versions', () => {
  let s: TestServer;
  beforeAll(async () => (s = await startTestServer()));
  afterAll(() => s.stop());

  let seq = 0;
  /** A fresh registry per test, so tests stay independent. */
  async function newRegistry(): Promise<string> {
    const name = `versions-${++seq}`;
    await s.ok(`mutation($n: String!) { createRegistry(input: { name: $n }) { registry { id } } }`, { n: name });
    return name;
  }
  const artifact = (seed: string | number, sizeBytes = 1024) => ({
    uri: `s3://models/${seed}/model.pt`,
    digest: digestOf(seed),
    sizeBytes,
  });
  async function link(registry: string, model: string, extra: Record<string, unknown> = {}) {
    const data = await s.ok(LINK, {
      i: {
        registry,
        model,
        artifact: artifact(`${registry}/${model}/${Math.random()}`),
        ...extra,
      },
    });
    return data.linkModelVersion;
  }
  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const t of TABLES) counts[t] = Number((await s.db.ds.query(`SELECT COUNT(*) AS n FROM ${t}`))[0].n);
    return counts;
  }
  /** Audit events of one action whose target is version `number` of registry/model. */
  async function auditCount(registry: string, model: string, number: number, action: string): Promise<number> {
    const rows = await s.db.ds.query(
      `SELECT COUNT(*) AS n FROM audit_event a
         JOIN model_version v ON v.id = a.target_id
         JOIN registered_model m ON m.id = v.model_id
         JOIN registry r ON r.id = m.registry_id
       WHERE r.name = ? AND m.name = ? AND v.number = ? AND a.action = ?`,
      [registry, model, number, action],
    );
    return Number(rows[0].n);
  }
  const versionsOf = (registry: string, model: string, args: Record<string, unknown> = {}) =>
    s.gql(VERSIONS, { r: registry, m: model, ...args });
  async function numbersOf(registry: string, model: string, args: Record<string, unknown> = {}): Promise<number[]> {
    const data = await s.ok(VERSIONS, { r: registry, m: model, ...args });
    return data.model.versions.edges.map((e: { node: { number: number } }) => e.node.number);
  }

  describe('linkModelVersion', () => {
    it('creates the model on the first link and gives it v0 with latest', async () => {
      const reg = await newRegistry();
      const before = await rowCounts();
      const payload = await link(reg, 'mnist');
      expect(payload.modelCreated).toBe(true);
      expect(payload.replayed).toBe(false);
      expect(payload.model.name).toBe('mnist');
      expect(payload.model.fullName).toBe(`${reg}/mnist`);
      expect(payload.version.number).toBe(0);
      expect(payload.version.name).toBe('v0');
      expect(payload.version.fullName).toBe(`${reg}/mnist:v0`);
      expect(payload.version.aliases).toEqual(['latest']);
      expect(payload.version.archived).toBe(false);
      expect(payload.version.archivedAt).toBeNull();
      const after = await rowCounts();
      expect(after.registered_model).toBe(before.registered_model + 1);
      expect(after.model_version).toBe(before.model_version + 1);
    });

    it('gives the next link v1, moves latest to it and does not create the model again', async () => {
      const reg = await newRegistry();
      const first = await link(reg, 'mnist');
      const second = await link(reg, 'mnist');
      expect(second.modelCreated).toBe(false);
      expect(second.model.id).toBe(first.model.id);
      expect(second.version.number).toBe(1);
      expect(second.version.name).toBe('v1');
      expect(second.version.aliases).toEqual(['latest']);
      const v0 = await s.ok(GET, { r: reg, m: 'mnist', ref: 'v0' });
      expect(v0.modelVersion.aliases).toEqual([]);
      const latest = await s.ok(GET, { r: reg, m: 'mnist', ref: 'latest' });
      expect(latest.modelVersion.id).toBe(second.version.id);
    });

    it('round-trips artifact, metadata, metrics, tags, description, createdBy and createdAt exactly', async () => {
      const reg = await newRegistry();
      const input = {
        registry: reg,
        model: 'resnet',
        artifact: {
          uri: 's3://bucket/resnet/v0/',
          digest: digestOf('resnet-v0'),
          sizeBytes: 123_456,
          files: [
            {
              path: 'model.safetensors',
              digest: digestOf('weights'),
              sizeBytes: 120_000,
            },
            { path: 'config/config.json', digest: null, sizeBytes: null },
          ],
        },
        metadata: {
          framework: 'pytorch',
          params: { layers: 50, dropout: 0.1 },
          datasets: ['imagenet', 'coco'],
          nothing: null,
          ok: true,
        },
        metrics: {
          accuracy: 0.9731,
          loss: 0.0421,
          'val/top-5': 99,
          epochs: 12,
        },
        tags: ['vision', 'baseline'],
        description: 'ResNet-50 – trained on ImageNet ✓',
      };
      const t0 = Date.now();
      const payload = (await s.ok(LINK, { i: input })).linkModelVersion;
      const expected = {
        number: 0,
        name: 'v0',
        artifact: {
          uri: 's3://bucket/resnet/v0/',
          digest: digestOf('resnet-v0'),
          sizeBytes: 123_456,
          files: [
            {
              path: 'model.safetensors',
              digest: digestOf('weights'),
              sizeBytes: 120_000,
            },
            { path: 'config/config.json', digest: null, sizeBytes: null },
          ],
        },
        metadata: input.metadata,
        metrics: input.metrics,
        tags: ['vision', 'baseline'],
        description: 'ResNet-50 – trained on ImageNet ✓',
        createdBy: { id: 'local-admin' },
      };
      expect(payload.version).toMatchObject(expected);
      const createdAt = Date.parse(payload.version.createdAt);
      expect(createdAt).toBeGreaterThanOrEqual(t0 - 1000);
      expect(createdAt).toBeLessThanOrEqual(Date.now() + 1000);

      // Read back from the database through a fresh request: every field, createdAt included, is identical.
      const read = (await s.ok(GET, { r: reg, m: 'resnet', ref: 'v0' })).modelVersion;
      expect(read).toEqual(payload.version);
    });

    it('round-trips an artifact size above 2^31 bytes', async () => {
      const reg = await newRegistry();
      const payload = (
        await s.ok(LINK, {
          i: {
            registry: reg,
            model: 'llm',
            artifact: artifact('llm', 5_000_000_000),
          },
        })
      ).linkModelVersion;
      expect(payload.version.artifact.sizeBytes).toBe(5_000_000_000);
      const read = (await s.ok(GET, { r: reg, m: 'llm', ref: 'v0' })).modelVersion;
      expect(read.artifact.sizeBytes).toBe(5_000_000_000);
    });

    it('defaults metadata, metrics and tags to empty and description to null', async () => {
      const reg = await newRegistry();
      const payload = await link(reg, 'bare');
      expect(payload.version).toMatchObject({
        metadata: {},
        metrics: {},
        tags: [],
        description: null,
      });
      expect(payload.version.artifact.files).toEqual([]);
    });

    it('applies the aliases given with the link in the same call', async () => {
      const reg = await newRegistry();
      const payload = await link(reg, 'mnist', {
        aliases: ['staging', 'candidate'],
      });
      expect([...payload.version.aliases].sort()).toEqual(['candidate', 'latest', 'staging']);
      const staging = await s.ok(GET, { r: reg, m: 'mnist', ref: 'staging' });
      expect(staging.modelVersion.id).toBe(payload.version.id);
    });
  });

  describe('linkModelVersion refuses bad input and writes nothing', () => {
    const good = () => ({ artifact: artifact('good') });
    const cases: [string, Record<string, unknown>][] = [
      [
        'a digest without the sha256: prefix',
        {
          artifact: {
            ...artifact('x'),
            digest: digestOf('x').slice('sha256:'.length),
          },
        },
      ],
      ['a digest of 63 hex digits', { artifact: { ...artifact('x'), digest: digestOf('x').slice(0, -1) } }],
      ['a digest of 65 hex digits', { artifact: { ...artifact('x'), digest: `${digestOf('x')}0` } }],
      [
        'a digest in upper-case hex',
        {
          artifact: {
            ...artifact('x'),
            digest: `sha256:${digestOf('x').slice(7).toUpperCase()}`,
          },
        },
      ],
      [
        'an md5: digest',
        {
          artifact: {
            ...artifact('x'),
            digest: 'md5:9e107d9d372bb6826bd81d3542a419d6',
          },
        },
      ],
      ['a digest with non-hex characters', { artifact: { ...artifact('x'), digest: `sha256:${'g'.repeat(64)}` } }],
      ['a negative size', { artifact: { ...artifact('x'), sizeBytes: -1 } }],
      ['a non-integer size', { artifact: { ...artifact('x'), sizeBytes: 1.5 } }],
      ['metadata that is an array', { metadata: [1] }],
      ['metadata that is a string', { metadata: 'trained on imagenet' }],
      ['metadata that is a number', { metadata: 42 }],
      ['metrics with a string value', { metrics: { accuracy: '0.9' } }],
      ['metrics with a nested object', { metrics: { accuracy: { top1: 0.9 } } }],
      ['metrics with a boolean value', { metrics: { converged: true } }],
      ['metrics with a null value', { metrics: { accuracy: null } }],
      ['metrics that are an array', { metrics: [0.9] }],
      ['a model name with a space', { model: 'bad name' }],
      ['a model name starting with a dash', { model: '-mnist' }],
      ['a model name with a slash', { model: 'vision/mnist' }],
      ['an empty model name', { model: '' }],
      ['an artifact uri without a scheme', { artifact: { ...artifact('x'), uri: 'models/mnist/model.pt' } }],
      ['an empty artifact uri', { artifact: { ...artifact('x'), uri: '' } }],
      // Consoles render artifact URIs as links: only the documented schemes pass.
      ...[
        'javascript:alert(1)',
        'JavaScript://%0aalert(1)',
        'java\tscript:alert(1)',
        ' javascript:alert(1)',
        'data:text/html,<script>alert(1)</script>',
        'vbscript:msgbox(1)',
        'blob:https://x/1',
        'mailto:a@b.c',
        'gopher://h/x',
        'ftp://h/x',
        'https://h/with space',
        'http://',
        's3:',
        // Invisible formatting characters: a right-to-left override and a zero-width space.
        'https://h/\u202egpj.exe',
        's3://b\u200b/k',
      ].map((uri): [string, Record<string, unknown>] => [
        `the artifact uri ${JSON.stringify(uri)}`,
        { artifact: { ...artifact('x'), uri } },
      ]),
      ['an artifact file with an absolute path', { artifact: { ...artifact('x'), files: [{ path: '/etc/passwd' }] } }],
      [
        'an artifact file with a bad digest',
        {
          artifact: {
            ...artifact('x'),
            files: [{ path: 'model.pt', digest: 'sha256:abc' }],
          },
        },
      ],
      ['the alias latest in aliases', { aliases: ['latest'] }],
      ['a version name in aliases', { aliases: ['v3'] }],
      ['a malformed alias in aliases', { aliases: ['bad alias'] }],
      ['a well-formed alias next to a malformed one', { aliases: ['staging', '-prod'] }],
      ['a malformed tag', { tags: [' leading-space'] }],
    ];

    it.each(cases)('refuses %s with BAD_USER_INPUT', async (_what, override) => {
      const reg = await newRegistry();
      const before = await rowCounts();
      const r = await s.gql(LINK, {
        i: { registry: reg, model: 'fresh', ...good(), ...override },
      });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.data?.linkModelVersion ?? null).toBeNull();
      expect(await rowCounts()).toEqual(before);
    });

    it('names the accepted schemes when it refuses an artifact uri', async () => {
      const evil = { ...artifact('x'), uri: 'javascript:alert(1)' };
      const r = await s.gql(LINK, {
        i: { registry: await newRegistry(), model: 'fresh', artifact: evil },
      });
      expect(r.errors![0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'artifact.uri',
      });
      const refusal = /^artifact\.uri has the scheme "javascript:", which is not accepted: use one of s3:, .*file:/;
      expect(r.errors![0].message).toMatch(refusal);
    });

    it('accepts artifact uris of every documented scheme, in any case', async () => {
      const reg = await newRegistry();
      const uris = [
        's3://bucket/k',
        'S3://bucket/K',
        's3a://bucket/k',
        'gs://bucket/k',
        'gcs://bucket/k',
        'r2://bucket/k',
        'az://container/k',
        'azure://container/k',
        'abfs://fs@acct.dfs.core.windows.net/k',
        'abfss://fs@acct.dfs.core.windows.net/k',
        'wasb://c@acct.blob.core.windows.net/k',
        'wasbs://c@acct.blob.core.windows.net/k',
        'hdfs://namenode:8020/k',
        'viewfs://cluster/k',
        'dbfs:/databricks/k',
        'hf://org/model',
        'oci://registry.example.com/models/mnist:1',
        'runs:/0123abcd/model',
        'models:/mnist/3',
        'mlflow-artifacts:/1/abc/artifacts/model',
        'wandb-artifact://entity/project/mnist:v3',
        'http://models.internal/k',
        'https://huggingface.co/org/model',
        'sftp://host/k',
        'file:///srv/models/k',
      ];
      for (const [i, uri] of uris.entries()) {
        const input = {
          registry: reg,
          model: 'schemes',
          artifact: { ...artifact(`scheme-${i}`), uri },
        };
        const linked = await s.ok(LINK, { i: input });
        expect(linked.linkModelVersion.version.artifact.uri).toBe(uri);
      }
    });

    it('refuses bad input for an existing model without touching it', async () => {
      const reg = await newRegistry();
      await link(reg, 'mnist');
      const before = await rowCounts();
      const r = await s.gql(LINK, {
        i: {
          registry: reg,
          model: 'mnist',
          artifact: artifact('y'),
          metrics: { accuracy: 'high' },
          aliases: ['staging'],
        },
      });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(await rowCounts()).toEqual(before);
      expect(await numbersOf(reg, 'mnist')).toEqual([0]);
    });

    it('refuses metadata given inline as a list literal', async () => {
      const reg = await newRegistry();
      const before = await rowCounts();
      const r = await s.gql(
        `mutation($a: ArtifactInput!) { linkModelVersion(input: { registry: "${reg}", model: "fresh", artifact: $a, metadata: [1] }) { version { id } } }`,
        {
          a: artifact('inline'),
        },
      );
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(await rowCounts()).toEqual(before);
    });

    it('answers NOT_FOUND for an unknown registry and creates no model', async () => {
      const model = `orphan-${++seq}`;
      const before = await rowCounts();
      const r = await s.gql(LINK, {
        i: { registry: 'no-such-registry', model, artifact: artifact('z') },
      });
      expect(codeOf(r)).toBe('NOT_FOUND');
      expect(await rowCounts()).toEqual(before);
      const found = await s.db.ds.query(`SELECT COUNT(*) AS n FROM registered_model WHERE name = ?`, [model]);
      expect(Number(found[0].n)).toBe(0);
    });
  });

  describe('idempotencyKey', () => {
    it('returns the same version for the same key, marks it replayed and creates nothing', async () => {
      const reg = await newRegistry();
      const input = {
        registry: reg,
        model: 'mnist',
        artifact: artifact('idem'),
        idempotencyKey: 'run-42/attempt',
      };
      const first = (await s.ok(LINK, { i: input })).linkModelVersion;
      expect(first.replayed).toBe(false);
      expect(first.modelCreated).toBe(true);
      const before = await rowCounts();
      const again = (await s.ok(LINK, { i: input })).linkModelVersion;
      expect(again.replayed).toBe(true);
      expect(again.modelCreated).toBe(false);
      expect(again.version.id).toBe(first.version.id);
      expect(again.version.number).toBe(first.version.number);
      expect(again.version.artifact).toEqual(first.version.artifact);
      expect(await rowCounts()).toEqual(before);
      const latest = await s.ok(GET, { r: reg, m: 'mnist', ref: 'latest' });
      expect(latest.modelVersion.id).toBe(first.version.id);
      expect(await numbersOf(reg, 'mnist')).toEqual([0]);
    });

    it('replays a key that is not the newest link without moving latest', async () => {
      const reg = await newRegistry();
      const input = {
        registry: reg,
        model: 'mnist',
        artifact: artifact('idem-old'),
        idempotencyKey: 'old-key',
      };
      const first = (await s.ok(LINK, { i: input })).linkModelVersion;
      const newer = await link(reg, 'mnist');
      const before = await rowCounts();
      const again = (await s.ok(LINK, { i: input })).linkModelVersion;
      expect(again.replayed).toBe(true);
      expect(again.version.id).toBe(first.version.id);
      expect(again.version.number).toBe(0);
      expect(await rowCounts()).toEqual(before);
      const latest = await s.ok(GET, { r: reg, m: 'mnist', ref: 'latest' });
      expect(latest.modelVersion.id).toBe(newer.version.id);
    });

    it('refuses the same key with a different artifact with CONFLICT and writes nothing', async () => {
      const reg = await newRegistry();
      await s.ok(LINK, {
        i: {
          registry: reg,
          model: 'mnist',
          artifact: artifact('one'),
          idempotencyKey: 'k1',
        },
      });
      const before = await rowCounts();
      const r = await s.gql(LINK, {
        i: {
          registry: reg,
          model: 'mnist',
          artifact: artifact('two'),
          idempotencyKey: 'k1',
        },
      });
      expect(codeOf(r)).toBe('CONFLICT');
      expect(await rowCounts()).toEqual(before);
      expect(await numbersOf(reg, 'mnist')).toEqual([0]);
    });

    it('gives different keys different versions', async () => {
      const reg = await newRegistry();
      const a = (
        await s.ok(LINK, {
          i: {
            registry: reg,
            model: 'mnist',
            artifact: artifact('same'),
            idempotencyKey: 'ka',
          },
        })
      ).linkModelVersion;
      const b = (
        await s.ok(LINK, {
          i: {
            registry: reg,
            model: 'mnist',
            artifact: artifact('same'),
            idempotencyKey: 'kb',
          },
        })
      ).linkModelVersion;
      expect(b.replayed).toBe(false);
      expect(b.version.id).not.toBe(a.version.id);
      expect([a.version.number, b.version.number]).toEqual([0, 1]);
    });

    it('scopes keys to one model', async () => {
      const reg = await newRegistry();
      const a = (
        await s.ok(LINK, {
          i: {
            registry: reg,
            model: 'first',
            artifact: artifact('k'),
            idempotencyKey: 'shared',
          },
        })
      ).linkModelVersion;
      const b = (
        await s.ok(LINK, {
          i: {
            registry: reg,
            model: 'second',
            artifact: artifact('k'),
            idempotencyKey: 'shared',
          },
        })
      ).linkModelVersion;
      expect(b.replayed).toBe(false);
      expect(b.modelCreated).toBe(true);
      expect(b.version.id).not.toBe(a.version.id);
    });
  });

  describe('updateModelVersion', () => {
    it('changes description, tags, metadata and metrics by version name and writes one audit event', async () => {
      const reg = await newRegistry();
      const linked = await link(reg, 'mnist', {
        description: 'first',
        tags: ['a'],
        metadata: { lr: 0.1 },
        metrics: { accuracy: 0.5 },
      });
      const auditBefore = await auditCount(reg, 'mnist', 0, 'version.updated');
      const updated = (
        await s.ok(UPDATE, {
          i: {
            registry: reg,
            model: 'mnist',
            version: 'v0',
            description: 'second',
            tags: ['b', 'c'],
            metadata: { lr: 0.01, notes: { by: 'ann' } },
            metrics: { accuracy: 0.75, f1: 0.7 },
          },
        })
      ).updateModelVersion.version;
      expect(updated).toMatchObject({
        description: 'second',
        tags: ['b', 'c'],
        metadata: { lr: 0.01, notes: { by: 'ann' } },
        metrics: { accuracy: 0.75, f1: 0.7 },
      });
      expect(updated.id).toBe(linked.version.id);
      expect(updated.artifact).toEqual(linked.version.artifact);
      expect(updated.createdAt).toBe(linked.version.createdAt);
      expect(await auditCount(reg, 'mnist', 0, 'version.updated')).toBe(auditBefore + 1);
      const read = (await s.ok(GET, { r: reg, m: 'mnist', ref: 'v0' })).modelVersion;
      expect(read).toEqual(updated);
    });

    it('changes a version named by an alias', async () => {
      const reg = await newRegistry();
      await link(reg, 'mnist');
      await link(reg, 'mnist');
      await s.ok(SET_ALIAS, {
        i: { registry: reg, model: 'mnist', alias: 'staging', version: 'v0' },
      });
      const auditBefore = await auditCount(reg, 'mnist', 0, 'version.updated');
      const updated = (
        await s.ok(UPDATE, {
          i: {
            registry: reg,
            model: 'mnist',
            version: 'staging',
            description: 'via alias',
            metrics: { accuracy: 0.9 },
          },
        })
      ).updateModelVersion.version;
      expect(updated).toMatchObject({
        number: 0,
        description: 'via alias',
        metrics: { accuracy: 0.9 },
      });
      expect(await auditCount(reg, 'mnist', 0, 'version.updated')).toBe(auditBefore + 1);
      expect(await auditCount(reg, 'mnist', 1, 'version.updated')).toBe(0);
      const v1 = (await s.ok(GET, { r: reg, m: 'mnist', ref: 'v1' })).modelVersion;
      expect(v1.description).toBeNull();
      expect(v1.metrics).toEqual({});
    });

    it('leaves fields that are not given unchanged', async () => {
      const reg = await newRegistry();
      await link(reg, 'mnist', {
        description: 'keep',
        tags: ['keep'],
        metadata: { keep: true },
        metrics: { keep: 1 },
      });
      const updated = (
        await s.ok(UPDATE, {
          i: { registry: reg, model: 'mnist', version: 'v0', tags: ['new'] },
        })
      ).updateModelVersion.version;
      expect(updated).toMatchObject({
        description: 'keep',
        tags: ['new'],
        metadata: { keep: true },
        metrics: { keep: 1 },
      });
    });

    it('has no artifact field: a mutation passing one fails validation and changes nothing', async () => {
      const reg = await newRegistry();
      const linked = await link(reg, 'mnist');
      const before = await rowCounts();
      const r = await s.gql(
        `mutation { updateModelVersion(input: { registry: "${reg}", model: "mnist", version: "v0",
           artifact: { uri: "s3://elsewhere/model.pt", digest: "${digestOf('other')}", sizeBytes: 1 } }) { version { id } } }`,
      );
      expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(r.data).toBeUndefined();
      expect(await rowCounts()).toEqual(before);
      const read = (await s.ok(GET, { r: reg, m: 'mnist', ref: 'v0' })).modelVersion;
      expect(read.artifact).toEqual(linked.version.artifact);
      expect(read.updatedAt).toBe(linked.version.updatedAt);
    });

    it('refuses an artifact passed in variables with BAD_USER_INPUT', async () => {
      const reg = await newRegistry();
      const linked = await link(reg, 'mnist');
      const r = await s.gql(UPDATE, {
        i: {
          registry: reg,
          model: 'mnist',
          version: 'v0',
          artifact: artifact('other'),
        },
      });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      const read = (await s.ok(GET, { r: reg, m: 'mnist', ref: 'v0' })).modelVersion;
      expect(read.artifact).toEqual(linked.version.artifact);
    });

    it('refuses metadata that is not an object and non-numeric metrics, changing nothing', async () => {
      const reg = await newRegistry();
      const linked = await link(reg, 'mnist', {
        metadata: { a: 1 },
        metrics: { accuracy: 0.5 },
      });
      const before = await rowCounts();
      for (const bad of [
        { metadata: [1] },
        { metadata: 'text' },
        { metrics: { accuracy: 'high' } },
        { metrics: { accuracy: { top1: 1 } } },
        { metrics: { ok: false } },
      ]) {
        const r = await s.gql(UPDATE, {
          i: {
            registry: reg,
            model: 'mnist',
            version: 'v0',
            description: 'should not stick',
            ...bad,
          },
        });
        expect(codeOf(r)).toBe('BAD_USER_INPUT');
      }
      expect(await rowCounts()).toEqual(before);
      const read = (await s.ok(GET, { r: reg, m: 'mnist', ref: 'v0' })).modelVersion;
      expect(read).toEqual(linked.version);
    });

    it('answers NOT_FOUND for an unknown version or alias', async () => {
      const reg = await newRegistry();
      await link(reg, 'mnist');
      for (const version of ['v7', 'production']) {
        const r = await s.gql(UPDATE, {
          i: { registry: reg, model: 'mnist', version, description: 'x' },
        });
        expect(codeOf(r)).toBe('NOT_FOUND');
      }
    });
  });

  describe('archiveModelVersion', () => {
    async function threeVersions() {
      const reg = await newRegistry();
      const vs = [];
      for (let i = 0; i < 3; i++) vs.push((await link(reg, 'mnist')).version);
      return { reg, vs };
    }

    it('hides the version from versions by default and shows it with includeArchived', async () => {
      const { reg } = await threeVersions();
      const archived = (
        await s.ok(ARCHIVE, {
          i: { registry: reg, model: 'mnist', version: 'v1' },
        })
      ).archiveModelVersion.version;
      expect(archived.number).toBe(1);
      expect(archived.archived).toBe(true);
      expect(Number.isNaN(Date.parse(archived.archivedAt))).toBe(false);
      expect(await numbersOf(reg, 'mnist')).toEqual([2, 0]);
      expect((await s.ok(VERSIONS, { r: reg, m: 'mnist' })).model.versions.totalCount).toBe(2);
      const all = (
        await s.ok(VERSIONS, {
          r: reg,
          m: 'mnist',
          filter: { includeArchived: true },
        })
      ).model.versions;
      expect(all.edges.map((e: any) => [e.node.number, e.node.archived])).toEqual([
        [2, false],
        [1, true],
        [0, false],
      ]);
      expect(all.totalCount).toBe(3);
    });

    it('keeps the archived version readable by version(ref) and node(id)', async () => {
      const { reg, vs } = await threeVersions();
      const archived = (
        await s.ok(ARCHIVE, {
          i: { registry: reg, model: 'mnist', version: 'v1' },
        })
      ).archiveModelVersion.version;
      const byRef = await s.ok(
        `query($r: String!) { model(registry: $r, name: "mnist") { version(ref: "v1") { ${VERSION} } } }`,
        { r: reg },
      );
      expect(byRef.model.version).toEqual(archived);
      expect(byRef.model.version.archived).toBe(true);
      expect(byRef.model.version.artifact).toEqual(vs[1].artifact);
      const byId = await s.ok(
        `query($id: ID!) { node(id: $id) { id ... on ModelVersion { number archived archivedAt } } }`,
        { id: vs[1].id },
      );
      expect(byId.node).toEqual({
        id: vs[1].id,
        number: 1,
        archived: true,
        archivedAt: archived.archivedAt,
      });
      const direct = (await s.ok(GET, { r: reg, m: 'mnist', ref: 'v1' })).modelVersion;
      expect(direct.archived).toBe(true);
    });

    it('is idempotent: archiving again keeps the first archivedAt and writes nothing', async () => {
      const { reg } = await threeVersions();
      const first = (
        await s.ok(ARCHIVE, {
          i: { registry: reg, model: 'mnist', version: 'v1' },
        })
      ).archiveModelVersion.version;
      const before = await rowCounts();
      const again = (
        await s.ok(ARCHIVE, {
          i: { registry: reg, model: 'mnist', version: 'v1' },
        })
      ).archiveModelVersion.version;
      expect(again.archived).toBe(true);
      expect(again.archivedAt).toBe(first.archivedAt);
      expect(await rowCounts()).toEqual(before);
    });

    it('moves latest off an archived newest version and never reuses its number', async () => {
      const { reg, vs } = await threeVersions();
      await s.ok(ARCHIVE, {
        i: { registry: reg, model: 'mnist', version: 'v2' },
      });
      const latest = (await s.ok(GET, { r: reg, m: 'mnist', ref: 'latest' })).modelVersion;
      expect(latest.id).toBe(vs[1].id);
      const next = await link(reg, 'mnist');
      expect(next.version.number).toBe(3);
      expect(next.version.aliases).toEqual(['latest']);
      expect(await numbersOf(reg, 'mnist')).toEqual([3, 1, 0]);
      expect(await numbersOf(reg, 'mnist', { filter: { includeArchived: true } })).toEqual([3, 2, 1, 0]);
    });
  });

  describe('versions: order and pages', () => {
    // accuracy per version; undefined = the version has no accuracy metric.
    // Ties (0.9 twice, 0.1 + 0.2 twice) and the versions without the metric follow number in the same direction.
    const ACCURACY = [0.5, undefined, 0.9, 0.1 + 0.2, undefined, 0.9, 0.1 + 0.2];
    async function ranked() {
      const reg = await newRegistry();
      for (const [n, acc] of ACCURACY.entries()) {
        const metrics = acc === undefined ? { loss: n } : { accuracy: acc, loss: n };
        await link(reg, 'ranked', {
          metrics,
          tags: n % 2 === 0 ? ['even'] : ['odd'],
        });
      }
      return reg;
    }
    let reg: string;
    beforeAll(async () => (reg = await ranked()));

    it('lists newest first by default', async () => {
      expect(await numbersOf(reg, 'ranked')).toEqual([6, 5, 4, 3, 2, 1, 0]);
    });

    it('orders by number ascending and descending', async () => {
      expect(
        await numbersOf(reg, 'ranked', {
          orderBy: { field: 'NUMBER', direction: 'ASC' },
        }),
      ).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(
        await numbersOf(reg, 'ranked', {
          orderBy: { field: 'NUMBER', direction: 'DESC' },
        }),
      ).toEqual([6, 5, 4, 3, 2, 1, 0]);
    });

    it('orders by createdAt ascending and descending', async () => {
      expect(
        await numbersOf(reg, 'ranked', {
          orderBy: { field: 'CREATED_AT', direction: 'ASC' },
        }),
      ).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(
        await numbersOf(reg, 'ranked', {
          orderBy: { field: 'CREATED_AT', direction: 'DESC' },
        }),
      ).toEqual([6, 5, 4, 3, 2, 1, 0]);
    });

    it('orders by a metric descending, versions without it last', async () => {
      expect(
        await numbersOf(reg, 'ranked', {
          orderBy: { field: 'METRIC', metric: 'accuracy', direction: 'DESC' },
        }),
      ).toEqual([5, 2, 0, 6, 3, 4, 1]);
    });

    it('orders by a metric ascending, versions without it still last', async () => {
      expect(
        await numbersOf(reg, 'ranked', {
          orderBy: { field: 'METRIC', metric: 'accuracy', direction: 'ASC' },
        }),
      ).toEqual([3, 6, 0, 2, 5, 1, 4]);
    });

    async function walk(args: Record<string, unknown>, first = 2) {
      const seen: number[] = [];
      const totals: number[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const data: any = await s.ok(VERSIONS, {
          r: reg,
          m: 'ranked',
          first,
          after,
          ...args,
        });
        const conn: any = data.model.versions;
        totals.push(conn.totalCount);
        seen.push(...conn.edges.map((e: any) => e.node.number));
        if (conn.edges.length > 0) expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1].cursor);
        if (!conn.pageInfo.hasNextPage) return { seen, totals, pages: page + 1 };
        expect(conn.edges).toHaveLength(first);
        after = conn.pageInfo.endCursor;
      }
      throw new Error('pagination did not end');
    }

    it.each([
      ['the default order', {}, [6, 5, 4, 3, 2, 1, 0]],
      ['number ascending', { orderBy: { field: 'NUMBER', direction: 'ASC' } }, [0, 1, 2, 3, 4, 5, 6]],
      ['createdAt descending', { orderBy: { field: 'CREATED_AT', direction: 'DESC' } }, [6, 5, 4, 3, 2, 1, 0]],
      ['createdAt ascending', { orderBy: { field: 'CREATED_AT', direction: 'ASC' } }, [0, 1, 2, 3, 4, 5, 6]],
      [
        'the metric descending',
        { orderBy: { field: 'METRIC', metric: 'accuracy', direction: 'DESC' } },
        [5, 2, 0, 6, 3, 4, 1],
      ],
      [
        'the metric ascending',
        { orderBy: { field: 'METRIC', metric: 'accuracy', direction: 'ASC' } },
        [3, 6, 0, 2, 5, 1, 4],
      ],
    ])('walks pages of 2 in %s, visiting every version once, in order', async (_what, args, expected) => {
      const { seen, totals, pages } = await walk(args);
      expect(seen).toEqual(expected);
      expect(pages).toBe(4);
      expect(totals.every((t) => t === 7)).toBe(true);
    });

    // Pages of one put every tie (equal metric, equal createdAt, missing metric) across a page boundary.
    it.each([
      ['createdAt descending', { orderBy: { field: 'CREATED_AT', direction: 'DESC' } }, [6, 5, 4, 3, 2, 1, 0]],
      ['createdAt ascending', { orderBy: { field: 'CREATED_AT', direction: 'ASC' } }, [0, 1, 2, 3, 4, 5, 6]],
      [
        'the metric descending',
        { orderBy: { field: 'METRIC', metric: 'accuracy', direction: 'DESC' } },
        [5, 2, 0, 6, 3, 4, 1],
      ],
      [
        'the metric ascending',
        { orderBy: { field: 'METRIC', metric: 'accuracy', direction: 'ASC' } },
        [3, 6, 0, 2, 5, 1, 4],
      ],
    ])('walks pages of 1 in %s across ties without skipping or repeating', async (_what, args, expected) => {
      const { seen, pages } = await walk(args, 1);
      expect(seen).toEqual(expected);
      expect(pages).toBe(7);
    });

    it('orders by a metric whose name has dots, dashes and slashes', async () => {
      const r2 = await newRegistry();
      for (const v of [0.2, 0.8, 0.5])
        await link(r2, 'dotted', {
          metrics: { 'val/top-1.acc': v, 'val/top-1': 1 - v },
        });
      expect(
        await numbersOf(r2, 'dotted', {
          orderBy: {
            field: 'METRIC',
            metric: 'val/top-1.acc',
            direction: 'DESC',
          },
        }),
      ).toEqual([1, 2, 0]);
      expect(
        await numbersOf(r2, 'dotted', {
          orderBy: { field: 'METRIC', metric: 'val/top-1', direction: 'DESC' },
        }),
      ).toEqual([0, 2, 1]);
    });

    it('orders by a metric no version has as by number', async () => {
      expect(
        await numbersOf(reg, 'ranked', {
          orderBy: { field: 'METRIC', metric: 'bleu', direction: 'DESC' },
        }),
      ).toEqual([6, 5, 4, 3, 2, 1, 0]);
      expect(
        await numbersOf(reg, 'ranked', {
          orderBy: { field: 'METRIC', metric: 'bleu', direction: 'ASC' },
        }),
      ).toEqual([0, 1, 2, 3, 4, 5, 6]);
    });

    it('reports hasNextPage false on an exact last page', async () => {
      const data = await s.ok(VERSIONS, { r: reg, m: 'ranked', first: 7 });
      expect(data.model.versions.edges).toHaveLength(7);
      expect(data.model.versions.pageInfo.hasNextPage).toBe(false);
      const more = await s.ok(VERSIONS, {
        r: reg,
        m: 'ranked',
        first: 3,
        after: data.model.versions.pageInfo.endCursor,
      });
      expect(more.model.versions.edges).toEqual([]);
      expect(more.model.versions.pageInfo.hasNextPage).toBe(false);
    });

    it('filters by tag, with a matching totalCount', async () => {
      const even = (await s.ok(VERSIONS, { r: reg, m: 'ranked', filter: { tag: 'even' } })).model.versions;
      expect(even.edges.map((e: any) => e.node.number)).toEqual([6, 4, 2, 0]);
      expect(even.totalCount).toBe(4);
      const none = (await s.ok(VERSIONS, { r: reg, m: 'ranked', filter: { tag: 'ev' } })).model.versions;
      expect(none.edges).toEqual([]);
      expect(none.totalCount).toBe(0);
    });

    it('walks pages of a tag filter in a metric order', async () => {
      const { seen } = await walk({
        filter: { tag: 'even' },
        orderBy: { field: 'METRIC', metric: 'accuracy', direction: 'DESC' },
      });
      expect(seen).toEqual([2, 0, 6, 4]);
    });

    describe('refuses bad page arguments with BAD_USER_INPUT', () => {
      it('refuses first over 100', async () => {
        expect(codeOf(await versionsOf(reg, 'ranked', { first: 101 }))).toBe('BAD_USER_INPUT');
      });

      it('accepts first of exactly 100', async () => {
        expect(await numbersOf(reg, 'ranked', { first: 100 })).toHaveLength(7);
      });

      it('refuses a negative first', async () => {
        expect(codeOf(await versionsOf(reg, 'ranked', { first: -1 }))).toBe('BAD_USER_INPUT');
      });

      it('refuses a garbage cursor', async () => {
        expect(codeOf(await versionsOf(reg, 'ranked', { after: 'garbage' }))).toBe('BAD_USER_INPUT');
      });

      it('refuses a forged cursor that decodes as JSON', async () => {
        const forged = Buffer.from(
          JSON.stringify({
            o: 'version:number:DESC',
            v: ['1; DROP TABLE model_version'],
          }),
        ).toString('base64url');
        expect(codeOf(await versionsOf(reg, 'ranked', { after: forged }))).toBe('BAD_USER_INPUT');
      });

      it('refuses a forged creation-time cursor whose time is out of range', async () => {
        for (const t of [1e20, -1e20, 1.5]) {
          const forged = Buffer.from(
            JSON.stringify({
              o: 'version:created:DESC',
              v: [t, '01a21a62-f115-7000-8728-4655e3896a82'],
            }),
          ).toString('base64url');
          const r = await versionsOf(reg, 'ranked', {
            after: forged,
            orderBy: { field: 'CREATED_AT', direction: 'DESC' },
          });
          expect(codeOf(r)).toBe('BAD_USER_INPUT');
        }
      });

      it('refuses a cursor from the number order used with the metric order', async () => {
        const page = (await s.ok(VERSIONS, { r: reg, m: 'ranked', first: 2 })).model.versions;
        const r = await versionsOf(reg, 'ranked', {
          first: 2,
          after: page.pageInfo.endCursor,
          orderBy: { field: 'METRIC', metric: 'accuracy', direction: 'DESC' },
        });
        expect(codeOf(r)).toBe('BAD_USER_INPUT');
      });

      it('refuses a cursor from one direction used with the other', async () => {
        const page = (await s.ok(VERSIONS, { r: reg, m: 'ranked', first: 2 })).model.versions;
        const r = await versionsOf(reg, 'ranked', {
          first: 2,
          after: page.pageInfo.endCursor,
          orderBy: { field: 'NUMBER', direction: 'ASC' },
        });
        expect(codeOf(r)).toBe('BAD_USER_INPUT');
      });

      it('refuses the metric order without a metric name', async () => {
        expect(
          codeOf(
            await versionsOf(reg, 'ranked', {
              orderBy: { field: 'METRIC', direction: 'DESC' },
            }),
          ),
        ).toBe('BAD_USER_INPUT');
      });
    });
  });

  describe('modelVersion(registry, model, ref)', () => {
    let reg: string;
    beforeAll(async () => {
      reg = await newRegistry();
      await link(reg, 'mnist');
      await link(reg, 'mnist');
      await link(reg, 'mnist');
      await s.ok(SET_ALIAS, {
        i: { registry: reg, model: 'mnist', alias: 'staging', version: 'v1' },
      });
    });

    it('resolves a version name', async () => {
      const v = (await s.ok(GET, { r: reg, m: 'mnist', ref: 'v0' })).modelVersion;
      expect(v).toMatchObject({
        number: 0,
        name: 'v0',
        fullName: `${reg}/mnist:v0`,
      });
    });

    it('resolves latest to the newest version', async () => {
      const v = (await s.ok(GET, { r: reg, m: 'mnist', ref: 'latest' })).modelVersion;
      expect(v).toMatchObject({ number: 2, aliases: ['latest'] });
    });

    it('resolves an alias', async () => {
      const v = (await s.ok(GET, { r: reg, m: 'mnist', ref: 'staging' })).modelVersion;
      expect(v).toMatchObject({ number: 1, aliases: ['staging'] });
    });

    it.each([
      ['an unknown registry', { r: 'no-such-registry', m: 'mnist', ref: 'v0' }],
      ['an unknown model', { m: 'no-such-model', ref: 'v0' }],
      ['an unknown version', { m: 'mnist', ref: 'v3' }],
      ['an unknown alias', { m: 'mnist', ref: 'production' }],
    ])('answers NOT_FOUND for %s', async (_what, vars) => {
      const r = await s.gql(GET, { r: reg, ...vars });
      expect(codeOf(r)).toBe('NOT_FOUND');
      expect(r.data?.modelVersion ?? null).toBeNull();
    });

    it.each([['bad ref'], [''], ['-staging'], ['v01'], ['a/b'], ['x'.repeat(65)]])(
      'refuses the malformed ref %j with BAD_USER_INPUT',
      async (ref) => {
        const r = await s.gql(GET, { r: reg, m: 'mnist', ref });
        expect(codeOf(r)).toBe('BAD_USER_INPUT');
        expect(r.data?.modelVersion ?? null).toBeNull();
      },
    );

    // docs/architecture.md's alias grammar, [A-Za-z0-9][A-Za-z0-9_.-]{0,63} minus `latest` and v<n>, admits
    // "v-1": it is an alias name, not a malformed version number, so it resolves like any alias.
    it('treats "v-1" as an alias name: NOT_FOUND until set, then resolved', async () => {
      const r = await s.gql(GET, { r: reg, m: 'mnist', ref: 'v-1' });
      expect(codeOf(r)).toBe('NOT_FOUND');
      await s.ok(SET_ALIAS, {
        i: { registry: reg, model: 'mnist', alias: 'v-1', version: 'v0' },
      });
      const v = (await s.ok(GET, { r: reg, m: 'mnist', ref: 'v-1' })).modelVersion;
      expect(v.number).toBe(0);
    });
  });
});
