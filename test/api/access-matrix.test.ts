import { blobRequest, BlobResponse, sha256 } from '../support/blobs';
import { codeOf, digestOf, GraphQLResult, startTestServer, TEST_ADMIN, TestServer } from '../support/server';

/**
 * The access table of docs/architecture.md as a matrix: every caller × every mutation and the main queries,
 * over HTTP with real tokens. Each cell is its own test, named as a security checklist reads
 * ("member: setAlias production → FORBIDDEN"). A denied cell must change nothing (row counts of
 * every table, and the rows of the registry, model, versions, aliases and role bindings it aimed
 * at); an allowed mutation must return data without errors and be recorded in the audit log
 * under the caller's subject; a query never writes.
 *
 * Cells that would change shared state get a fixture of their own: a fresh model in R (model,
 * version and alias operations) or a fresh registry with the same role bindings as R (registry
 * settings, grants and revokes). Queries read one model in R that no cell changes.
 */

let s: TestServer;

/** A global admin (AUTH_ADMINS) with no role binding anywhere: the fixtures are made by TEST_ADMIN. */
const GLOBAL_ADMIN = 'gaia';

const CALLERS = [
  'anonymous',
  'viewer',
  'member',
  'admin',
  'admin of another registry',
  'global admin',
  'member by group',
  'outsider',
  'restricted viewer',
] as const;
type CallerName = (typeof CALLERS)[number];

/** Token subject and groups of each caller; anonymous sends no token at all. */
const IDENTITIES: Record<Exclude<CallerName, 'anonymous'>, { subject: string; groups?: string[] }> = {
  viewer: { subject: 'vera' },
  member: { subject: 'mona' },
  admin: { subject: 'ada' },
  'admin of another registry': { subject: 'otto' },
  'global admin': { subject: GLOBAL_ADMIN },
  'member by group': { subject: 'gus', groups: ['ml'] },
  outsider: { subject: 'olive' },
  'restricted viewer': { subject: 'rhea' },
};

/** Role bindings every registry under test carries (R and the fresh per-cell registries). */
const R_BINDINGS = [
  { subject: 'vera', role: 'VIEWER' },
  { subject: 'mona', role: 'MEMBER' },
  { subject: 'ada', role: 'ADMIN' },
  { subject: 'group:ml', role: 'MEMBER' },
  { subject: 'rhea', role: 'RESTRICTED_VIEWER' },
  // Someone whose role revokeRole can take away.
  { subject: 'bystander', role: 'VIEWER' },
];

const R = 'matrix-r';
const R2 = 'matrix-r2';
/** An ORGANIZATION registry with R's bindings and the same linked file: every signed-in caller is a VIEWER unless bound. */
const ORG = 'matrix-org';
/** The model in R that queries read; no cell changes it. */
const READ_MODEL = 'readable';

const headers = {} as Record<CallerName, Record<string, string>>;
const ids = { registry: '', model: '', version: '', webhook: '', blob: '' };
/** The bytes of the model file linked in R (model FILES_MODEL), which the byte endpoints' reads fetch. */
const BLOB_BYTES = Buffer.from('a model file in the matrix registry');
const FILES_MODEL = 'with-files';

let seq = 0;

// ---------------------------------------------------------------------------------------------
// Fixtures (made by TEST_ADMIN over the API)

const CREATE_REGISTRY = `mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id name visibility protectedAliases } } }`;
const GRANT = `mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { subject role } previousRole } }`;
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { model { id } version { id name number aliases } } }`;
const CREATE_WEBHOOK = `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id url active } } }`;
/** Inactive, so no cell's change is ever sent anywhere. */
const webhookInput = (registry: string, n: number) => ({
  registry,
  url: `https://hooks.example.com/matrix/${n}`,
  events: ['ALIAS_SET'],
  active: false,
});

async function registryWithRoles(name: string, bindings = R_BINDINGS) {
  const data = await s.ok(CREATE_REGISTRY, { i: { name } });
  for (const b of bindings) await s.ok(GRANT, { i: { registry: name, ...b } });
  return data.createRegistry.registry.id as string;
}

/** v0 with no alias; v1 holding `staging`, `production` and `latest` (without `production` when `unprotected`). */
async function modelWithAliases(registry: string, model: string, unprotected = false) {
  const link = async (aliases: string[]) => {
    const n = ++seq;
    const data = await s.ok(LINK, {
      i: {
        registry,
        model,
        artifact: {
          uri: `s3://matrix/${model}/${n}`,
          digest: digestOf(`matrix-${n}`),
          sizeBytes: n,
        },
        aliases,
      },
    });
    return data.linkModelVersion as {
      model: { id: string };
      version: { id: string; name: string; aliases: string[] };
    };
  };
  await link([]);
  const v1 = await link(unprotected ? ['staging'] : ['staging', 'production']);
  expect(v1.version.aliases).toEqual(unprotected ? ['latest', 'staging'] : ['latest', 'production', 'staging']);
  return { modelId: v1.model.id, versionId: v1.version.id };
}

beforeAll(async () => {
  s = await startTestServer({ AUTH_ADMINS: `${TEST_ADMIN},${GLOBAL_ADMIN}` });
  headers.anonymous = { authorization: '' };
  for (const [name, id] of Object.entries(IDENTITIES))
    headers[name as CallerName] = await s.as(id.subject, {
      groups: id.groups,
      expiresIn: 3600,
    });

  ids.registry = await registryWithRoles(R);
  await registryWithRoles(R2, [{ subject: 'otto', role: 'ADMIN' }]);
  const read = await modelWithAliases(R, READ_MODEL);
  ids.model = read.modelId;
  ids.version = read.versionId;
  ids.webhook = (await s.ok(CREATE_WEBHOOK, { i: webhookInput(R, 0) })).createWebhook.webhook.id;
  ids.blob = sha256(BLOB_BYTES);
  const token = await s.token(TEST_ADMIN);
  const put = await blobRequest(new URL(s.url).origin, 'PUT', `/v1/registries/${R}/blobs/${ids.blob}`, {
    token,
    body: BLOB_BYTES,
  });
  expect(put.status).toBe(201);
  const files = [{ path: 'model.bin', digest: ids.blob, sizeBytes: BLOB_BYTES.length }];
  await s.ok(LINK, {
    i: { registry: R, model: FILES_MODEL, artifact: { files } },
  });

  await registryWithRoles(ORG);
  await s.ok(UPDATE_REGISTRY, { i: { registry: ORG, visibility: 'ORGANIZATION' } });
  const putOrg = await blobRequest(new URL(s.url).origin, 'PUT', `/v1/registries/${ORG}/blobs/${ids.blob}`, {
    token,
    body: BLOB_BYTES,
  });
  expect(putOrg.status).toBe(201);
  await s.ok(LINK, { i: { registry: ORG, model: FILES_MODEL, artifact: { files } } });

  const r = await s.ok(`query($r: String!) { registry(name: $r) { visibility protectedAliases } }`, { r: R });
  expect(r.registry).toEqual({
    visibility: 'RESTRICTED',
    protectedAliases: ['production'],
  });
});
afterAll(() => s?.stop());

// ---------------------------------------------------------------------------------------------
// Operations

/** What one cell acts on: a registry and (for model-level operations) a model in it. */
interface Target {
  registry: string;
  model: string;
  n: number;
  /** With the `run` fixture: a fresh run in R and a dataset it has not used yet. */
  run?: string;
  artifact?: string;
  /** With the `webhook` fixture: a webhook in the fresh registry. */
  webhook?: string;
}

interface Operation {
  label: string;
  /** `bytes`: the byte endpoints (docs/files.md), which change no audited state. */
  kind: 'mutation' | 'query' | 'bytes';
  /**
   * `model`: a fresh model in R (`unprotected-model`: one without `production`); `registry`: a fresh
   * registry with R's bindings (`webhook`: and a webhook in it); `run`: a fresh run and dataset in R;
   * `shared`: R and its read model; `organization`: ORG and its model with a file.
   */
  fixture: 'model' | 'unprotected-model' | 'registry' | 'webhook' | 'run' | 'shared' | 'organization';
  /** The top-level field of the result. */
  field: string;
  run(t: Target, h: Record<string, string>): Promise<GraphQLResult>;
  /** What an allowed call must return. */
  check(data: any, t: Target): void | Promise<void>;
}

const mutation =
  (doc: string, input: (t: Target) => Record<string, unknown>) => (t: Target, h: Record<string, string>) =>
    s.gql(doc, { i: input(t) }, h);

const UPDATE_REGISTRY = `mutation($i: UpdateRegistryInput!) { updateRegistry(input: $i) { registry { name description visibility protectedAliases } } }`;
const REVOKE = `mutation($i: RevokeRoleInput!) { revokeRole(input: $i) { binding { subject role } } }`;
const CREATE_MODEL = `mutation($i: CreateModelInput!) { createModel(input: $i) { model { name } } }`;
const UPDATE_MODEL = `mutation($i: UpdateModelInput!) { updateModel(input: $i) { model { name description } } }`;
const ARCHIVE_MODEL = `mutation($i: ArchiveModelInput!) { archiveModel(input: $i) { model { name archived } } }`;
const UPDATE_VERSION = `mutation($i: UpdateModelVersionInput!) { updateModelVersion(input: $i) { version { name description } } }`;
const ARCHIVE_VERSION = `mutation($i: ArchiveModelVersionInput!) { archiveModelVersion(input: $i) { version { name archived } } }`;
const SET_ALIAS = `mutation($i: SetAliasInput!) { setAlias(input: $i) { alias { name version { name } } previousVersion { name } changed } }`;
const REMOVE_ALIAS = `mutation($i: RemoveAliasInput!) { removeAlias(input: $i) { alias previousVersion { name } } }`;
const CREATE_RUN = `mutation($i: CreateRunInput!) { createRun(input: $i) { run { name status } created } }`;
const UPDATE_RUN = `mutation($i: UpdateRunInput!) { updateRun(input: $i) { run { status metrics } } }`;
const LOG_ARTIFACT = `mutation($i: LogArtifactInput!) { logArtifact(input: $i) { artifact { type name } created } }`;
const USE_ARTIFACT = `mutation($i: UseArtifactInput!) { useArtifact(input: $i) { used { id kind } } }`;
const artifact = (t: Target) => ({
  uri: `s3://matrix/${t.model}/linked-${t.n}`,
  digest: digestOf(`linked-${t.n}`),
  sizeBytes: 42,
});

/** A byte endpoint's answer as a GraphQL result: `data[field]` holds the response, or one error with its code. */
function bytesResult(field: string, r: BlobResponse): GraphQLResult {
  if (r.status < 300) return { status: 200, data: { [field]: r }, sqlStatements: -1 };
  // HEAD answers have no body: the status says which refusal it was.
  const code = r.json?.error?.code ?? { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[r.status];
  const errors = [{ message: r.json?.error?.message ?? '', extensions: { code } }];
  return { status: r.status, errors, sqlStatements: -1 };
}

const bytes =
  (method: string, path: (t: Target) => string, body?: (t: Target) => Buffer) =>
  async (t: Target, h: Record<string, string>) => {
    const headers: Record<string, string> = h.authorization ? { authorization: h.authorization } : {};
    return bytesResult(
      'blob',
      await blobRequest(new URL(s.url).origin, method, path(t), {
        headers,
        body: body?.(t),
      }),
    );
  };
const uploaded = (t: Target) => Buffer.from(`matrix upload ${t.n}`);

const OPERATIONS: Operation[] = [
  {
    label: 'PUT blob',
    kind: 'bytes',
    fixture: 'shared',
    field: 'blob',
    run: bytes('PUT', (t) => `/v1/registries/${t.registry}/blobs/${sha256(uploaded(t))}`, uploaded),
    check: async (d, t) => {
      const expected = {
        digest: sha256(uploaded(t)),
        sizeBytes: uploaded(t).length,
        created: true,
      };
      expect([d.blob.status, d.blob.json]).toEqual([201, expected]);
      const rows = await s.db.ds.query('SELECT COUNT(*) AS n FROM blob_upload WHERE digest = ?', [sha256(uploaded(t))]);
      expect(Number(rows[0].n)).toBe(1);
    },
  },
  {
    label: 'HEAD blob of a linked file',
    kind: 'bytes',
    fixture: 'shared',
    field: 'blob',
    run: bytes('HEAD', (t) => `/v1/registries/${t.registry}/blobs/${ids.blob}`),
    check: (d) => expect([d.blob.status, d.blob.headers['content-length']]).toEqual([200, String(BLOB_BYTES.length)]),
  },
  {
    label: 'GET blob of a linked file',
    kind: 'bytes',
    fixture: 'shared',
    field: 'blob',
    run: bytes('GET', (t) => `/v1/registries/${t.registry}/blobs/${ids.blob}`),
    check: (d) => expect([d.blob.status, d.blob.body]).toEqual([200, BLOB_BYTES]),
  },
  {
    label: 'PUT blob in an ORGANIZATION registry',
    kind: 'bytes',
    fixture: 'organization',
    field: 'blob',
    run: bytes('PUT', (t) => `/v1/registries/${t.registry}/blobs/${sha256(uploaded(t))}`, uploaded),
    check: (d, t) => {
      const expected = { digest: sha256(uploaded(t)), sizeBytes: uploaded(t).length, created: true };
      expect([d.blob.status, d.blob.json]).toEqual([201, expected]);
    },
  },
  {
    label: 'HEAD blob in an ORGANIZATION registry',
    kind: 'bytes',
    fixture: 'organization',
    field: 'blob',
    run: bytes('HEAD', (t) => `/v1/registries/${t.registry}/blobs/${ids.blob}`),
    check: (d) => expect([d.blob.status, d.blob.headers['content-length']]).toEqual([200, String(BLOB_BYTES.length)]),
  },
  {
    label: 'GET blob in an ORGANIZATION registry',
    kind: 'bytes',
    fixture: 'organization',
    field: 'blob',
    run: bytes('GET', (t) => `/v1/registries/${t.registry}/blobs/${ids.blob}`),
    check: (d) => expect([d.blob.status, d.blob.body]).toEqual([200, BLOB_BYTES]),
  },
  {
    label: 'createRegistry',
    kind: 'mutation',
    fixture: 'shared',
    field: 'createRegistry',
    run: mutation(CREATE_REGISTRY, (t) => ({ name: `created-${t.n}` })),
    check: (d, t) =>
      expect(d.createRegistry.registry).toMatchObject({
        name: `created-${t.n}`,
        visibility: 'RESTRICTED',
        protectedAliases: ['production'],
      }),
  },
  {
    label: 'updateRegistry description',
    kind: 'mutation',
    fixture: 'registry',
    field: 'updateRegistry',
    run: mutation(UPDATE_REGISTRY, (t) => ({
      registry: t.registry,
      description: `changed ${t.n}`,
    })),
    check: (d, t) =>
      expect(d.updateRegistry.registry).toEqual({
        name: t.registry,
        description: `changed ${t.n}`,
        visibility: 'RESTRICTED',
        protectedAliases: ['production'],
      }),
  },
  {
    label: 'updateRegistry protectedAliases',
    kind: 'mutation',
    fixture: 'registry',
    field: 'updateRegistry',
    run: mutation(UPDATE_REGISTRY, (t) => ({
      registry: t.registry,
      protectedAliases: [],
    })),
    check: (d, t) =>
      expect(d.updateRegistry.registry).toEqual({
        name: t.registry,
        description: null,
        visibility: 'RESTRICTED',
        protectedAliases: [],
      }),
  },
  {
    label: 'updateRegistry visibility',
    kind: 'mutation',
    fixture: 'registry',
    field: 'updateRegistry',
    run: mutation(UPDATE_REGISTRY, (t) => ({
      registry: t.registry,
      visibility: 'ORGANIZATION',
    })),
    check: (d, t) =>
      expect(d.updateRegistry.registry).toEqual({
        name: t.registry,
        description: null,
        visibility: 'ORGANIZATION',
        protectedAliases: ['production'],
      }),
  },
  {
    label: 'grantRole',
    kind: 'mutation',
    fixture: 'registry',
    field: 'grantRole',
    run: mutation(GRANT, (t) => ({
      registry: t.registry,
      subject: 'newcomer',
      role: 'ADMIN',
    })),
    check: (d) =>
      expect(d.grantRole).toEqual({
        binding: { subject: 'newcomer', role: 'ADMIN' },
        previousRole: null,
      }),
  },
  {
    label: 'revokeRole',
    kind: 'mutation',
    fixture: 'registry',
    field: 'revokeRole',
    run: mutation(REVOKE, (t) => ({
      registry: t.registry,
      subject: 'bystander',
    })),
    check: (d) =>
      expect(d.revokeRole).toEqual({
        binding: { subject: 'bystander', role: 'VIEWER' },
      }),
  },
  {
    label: 'createModel',
    kind: 'mutation',
    fixture: 'shared',
    field: 'createModel',
    run: mutation(CREATE_MODEL, (t) => ({
      registry: t.registry,
      name: `created-${t.n}`,
    })),
    check: (d, t) => expect(d.createModel.model).toEqual({ name: `created-${t.n}` }),
  },
  {
    label: 'updateModel',
    kind: 'mutation',
    fixture: 'model',
    field: 'updateModel',
    run: mutation(UPDATE_MODEL, (t) => ({
      registry: t.registry,
      model: t.model,
      description: `edited ${t.n}`,
    })),
    check: (d, t) =>
      expect(d.updateModel.model).toEqual({
        name: t.model,
        description: `edited ${t.n}`,
      }),
  },
  {
    label: 'updateModel name (model holds production)',
    kind: 'mutation',
    fixture: 'model',
    field: 'updateModel',
    run: mutation(UPDATE_MODEL, (t) => ({
      registry: t.registry,
      model: t.model,
      name: `renamed-${t.n}`,
    })),
    check: (d, t) =>
      expect(d.updateModel.model).toEqual({
        name: `renamed-${t.n}`,
        description: null,
      }),
  },
  {
    label: 'updateModel name (no protected alias)',
    kind: 'mutation',
    fixture: 'unprotected-model',
    field: 'updateModel',
    run: mutation(UPDATE_MODEL, (t) => ({
      registry: t.registry,
      model: t.model,
      name: `renamed-${t.n}`,
    })),
    check: (d, t) =>
      expect(d.updateModel.model).toEqual({
        name: `renamed-${t.n}`,
        description: null,
      }),
  },
  {
    // Archived, the model would take no links and keep its name: production frozen.
    label: 'archiveModel (model holds production)',
    kind: 'mutation',
    fixture: 'model',
    field: 'archiveModel',
    run: mutation(ARCHIVE_MODEL, (t) => ({
      registry: t.registry,
      model: t.model,
    })),
    check: (d, t) => expect(d.archiveModel.model).toEqual({ name: t.model, archived: true }),
  },
  {
    label: 'archiveModel (no protected alias)',
    kind: 'mutation',
    fixture: 'unprotected-model',
    field: 'archiveModel',
    run: mutation(ARCHIVE_MODEL, (t) => ({
      registry: t.registry,
      model: t.model,
    })),
    check: (d, t) => expect(d.archiveModel.model).toEqual({ name: t.model, archived: true }),
  },
  {
    label: 'linkModelVersion',
    kind: 'mutation',
    fixture: 'model',
    field: 'linkModelVersion',
    run: mutation(LINK, (t) => ({
      registry: t.registry,
      model: t.model,
      artifact: artifact(t),
    })),
    check: (d) =>
      expect(d.linkModelVersion.version).toMatchObject({
        name: 'v2',
        number: 2,
        aliases: ['latest'],
      }),
  },
  {
    label: 'linkModelVersion with aliases ["production"]',
    kind: 'mutation',
    fixture: 'model',
    field: 'linkModelVersion',
    run: mutation(LINK, (t) => ({
      registry: t.registry,
      model: t.model,
      artifact: artifact(t),
      aliases: ['production'],
    })),
    check: (d) =>
      expect(d.linkModelVersion.version).toMatchObject({
        name: 'v2',
        number: 2,
        aliases: ['latest', 'production'],
      }),
  },
  {
    label: 'updateModelVersion',
    kind: 'mutation',
    fixture: 'model',
    field: 'updateModelVersion',
    run: mutation(UPDATE_VERSION, (t) => ({
      registry: t.registry,
      model: t.model,
      version: 'v0',
      description: `edited ${t.n}`,
    })),
    check: (d, t) =>
      expect(d.updateModelVersion.version).toEqual({
        name: 'v0',
        description: `edited ${t.n}`,
      }),
  },
  {
    label: 'archiveModelVersion',
    kind: 'mutation',
    fixture: 'model',
    field: 'archiveModelVersion',
    run: mutation(ARCHIVE_VERSION, (t) => ({
      registry: t.registry,
      model: t.model,
      version: 'v0',
    })),
    check: (d) =>
      expect(d.archiveModelVersion.version).toEqual({
        name: 'v0',
        archived: true,
      }),
  },
  {
    // Refused for everyone while production points at it, so no one moves production this way.
    label: 'archiveModelVersion holding production',
    kind: 'mutation',
    fixture: 'model',
    field: 'archiveModelVersion',
    run: mutation(ARCHIVE_VERSION, (t) => ({
      registry: t.registry,
      model: t.model,
      version: 'v1',
    })),
    check: () => undefined,
  },
  ...(['staging', 'production'] as const).flatMap((alias): Operation[] => [
    {
      label: `setAlias ${alias}`,
      kind: 'mutation',
      fixture: 'model',
      field: 'setAlias',
      run: mutation(SET_ALIAS, (t) => ({
        registry: t.registry,
        model: t.model,
        alias,
        version: 'v0',
      })),
      check: (d) =>
        expect(d.setAlias).toEqual({
          alias: { name: alias, version: { name: 'v0' } },
          previousVersion: { name: 'v1' },
          changed: true,
        }),
    },
    {
      label: `removeAlias ${alias}`,
      kind: 'mutation',
      fixture: 'model',
      field: 'removeAlias',
      run: mutation(REMOVE_ALIAS, (t) => ({
        registry: t.registry,
        model: t.model,
        alias,
      })),
      check: (d) =>
        expect(d.removeAlias).toEqual({
          alias,
          previousVersion: { name: 'v1' },
        }),
    },
  ]),
  {
    label: 'createRun',
    kind: 'mutation',
    fixture: 'shared',
    field: 'createRun',
    run: mutation(CREATE_RUN, (t) => ({
      registry: t.registry,
      name: `train-${t.n}`,
      externalId: `ext-${t.n}`,
    })),
    check: (d, t) =>
      expect(d.createRun).toEqual({
        run: { name: `train-${t.n}`, status: 'RUNNING' },
        created: true,
      }),
  },
  {
    label: 'updateRun',
    kind: 'mutation',
    fixture: 'run',
    field: 'updateRun',
    run: mutation(UPDATE_RUN, (t) => ({
      run: t.run,
      status: 'FINISHED',
      metrics: { loss: 0.25 },
    })),
    check: (d) =>
      expect(d.updateRun.run).toEqual({
        status: 'FINISHED',
        metrics: { loss: 0.25 },
      }),
  },
  {
    label: 'logArtifact produced by a run',
    kind: 'mutation',
    fixture: 'run',
    field: 'logArtifact',
    run: mutation(LOG_ARTIFACT, (t) => ({
      registry: t.registry,
      type: 'dataset',
      name: `out-${t.n}`,
      digest: digestOf(`out-${t.n}`),
      uri: `s3://matrix/out-${t.n}`,
      producedBy: t.run,
    })),
    check: (d, t) =>
      expect(d.logArtifact).toEqual({
        artifact: { type: 'dataset', name: `out-${t.n}` },
        created: true,
      }),
  },
  {
    label: 'useArtifact',
    kind: 'mutation',
    fixture: 'run',
    field: 'useArtifact',
    run: mutation(USE_ARTIFACT, (t) => ({ run: t.run, artifact: t.artifact })),
    check: (d, t) => expect(d.useArtifact.used).toEqual({ id: t.artifact, kind: 'ARTIFACT' }),
  },
  {
    label: 'lineage(id) of the version',
    kind: 'query',
    fixture: 'shared',
    field: 'lineage',
    run: (_t, h) =>
      s.gql(
        `query($id: ID!) { lineage(id: $id, direction: BOTH) { root { id kind } truncated } }`,
        { id: ids.version },
        h,
      ),
    check: (d) =>
      expect(d.lineage).toEqual({
        root: { id: ids.version, kind: 'MODEL_VERSION' },
        truncated: false,
      }),
  },
  {
    label: 'createWebhook',
    kind: 'mutation',
    fixture: 'registry',
    field: 'createWebhook',
    run: mutation(CREATE_WEBHOOK, (t) => webhookInput(t.registry, t.n)),
    check: (d, t) =>
      expect(d.createWebhook.webhook).toMatchObject({
        url: `https://hooks.example.com/matrix/${t.n}`,
        active: false,
      }),
  },
  {
    label: 'updateWebhook',
    kind: 'mutation',
    fixture: 'webhook',
    field: 'updateWebhook',
    run: mutation(
      `mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { id description } } }`,
      (t) => ({ webhook: t.webhook, description: `edited ${t.n}` }),
    ),
    check: (d, t) =>
      expect(d.updateWebhook.webhook).toEqual({
        id: t.webhook,
        description: `edited ${t.n}`,
      }),
  },
  {
    label: 'deleteWebhook',
    kind: 'mutation',
    fixture: 'webhook',
    field: 'deleteWebhook',
    run: mutation(`mutation($i: WebhookRefInput!) { deleteWebhook(input: $i) { deletedWebhookId } }`, (t) => ({
      webhook: t.webhook,
    })),
    check: (d, t) => expect(d.deleteWebhook).toEqual({ deletedWebhookId: t.webhook }),
  },
  {
    label: 'registry(name)',
    kind: 'query',
    fixture: 'shared',
    field: 'registry',
    run: (t, h) => s.gql(`query($r: String!) { registry(name: $r) { id name } }`, { r: t.registry }, h),
    check: (d) => expect(d.registry).toEqual({ id: ids.registry, name: R }),
  },
  {
    label: 'registries',
    kind: 'query',
    fixture: 'shared',
    field: 'registries',
    run: (_t, h) => s.gql(`query { registries(first: 100) { edges { node { name } } } }`, {}, h),
    // Whether R is listed is the cell's expectation (allowed: listed; hidden: not listed).
    check: () => undefined,
  },
  {
    label: 'model',
    kind: 'query',
    fixture: 'shared',
    field: 'model',
    run: (t, h) =>
      s.gql(
        `query($r: String!, $m: String!) { model(registry: $r, name: $m) { id name } }`,
        { r: t.registry, m: t.model },
        h,
      ),
    check: (d) => expect(d.model).toEqual({ id: ids.model, name: READ_MODEL }),
  },
  {
    label: 'modelVersion(ref: production)',
    kind: 'query',
    fixture: 'shared',
    field: 'modelVersion',
    run: (t, h) =>
      s.gql(
        `query($r: String!, $m: String!) { modelVersion(registry: $r, model: $m, ref: "production") { id name } }`,
        { r: t.registry, m: t.model },
        h,
      ),
    check: (d) => expect(d.modelVersion).toEqual({ id: ids.version, name: 'v1' }),
  },
  ...(['registry', 'model', 'version', 'webhook'] as const).map((what): Operation => ({
    label: `node(id) of ${what === 'registry' ? 'R' : `the ${what}`}`,
    kind: 'query',
    fixture: 'shared',
    field: 'node',
    run: (_t, h) => s.gql(`query($id: ID!) { node(id: $id) { __typename id } }`, { id: ids[what] }, h),
    check: (d) =>
      expect(d.node).toEqual({
        __typename: {
          registry: 'Registry',
          model: 'RegisteredModel',
          version: 'ModelVersion',
          webhook: 'Webhook',
        }[what],
        id: ids[what],
      }),
  })),
  {
    label: 'Registry.members',
    kind: 'query',
    fixture: 'shared',
    field: 'registry',
    run: (t, h) =>
      s.gql(`query($r: String!) { registry(name: $r) { members { subject role } } }`, { r: t.registry }, h),
    check: (d) =>
      expect(d.registry.members).toEqual(
        [...R_BINDINGS, { subject: TEST_ADMIN, role: 'ADMIN' }].sort((a, b) => (a.subject < b.subject ? -1 : 1)),
      ),
  },
  {
    label: 'model aliasHistory',
    kind: 'query',
    fixture: 'shared',
    field: 'model',
    run: (t, h) =>
      s.gql(
        `query($r: String!, $m: String!) { model(registry: $r, name: $m) { aliasHistory(first: 100) { edges { node { alias toVersion { name } } } } } }`,
        { r: t.registry, m: t.model },
        h,
      ),
    check: (d) =>
      expect(d.model.aliasHistory.edges.map((e: any) => `${e.node.alias}->${e.node.toVersion.name}`).sort()).toEqual([
        'latest->v0',
        'latest->v1',
        'production->v1',
        'staging->v1',
      ]),
  },
  {
    label: 'auditEvents(filter: {registry: R})',
    kind: 'query',
    fixture: 'shared',
    field: 'auditEvents',
    run: (t, h) =>
      s.gql(
        `query($r: String!) { auditEvents(filter: { registry: $r }, first: 100) { totalCount edges { node { action registry { name } } } } }`,
        { r: t.registry },
        h,
      ),
    check: async (d) => {
      // Every event of R (and only those): the page is the newest 100 of them.
      const [{ n }] = await s.db.ds.query(
        'SELECT COUNT(*) AS n FROM audit_event e JOIN registry r ON r.id = e.registry_id WHERE r.name = ?',
        [R],
      );
      expect(d.auditEvents.totalCount).toBe(Number(n));
      const events = d.auditEvents.edges.map((e: any) => e.node);
      expect(events).toHaveLength(Math.min(100, Number(n)));
      expect(events.every((e: any) => e.registry.name === R)).toBe(true);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// The matrix: docs/architecture.md's access table, cell by cell

type Outcome = 'allowed' | 'not listed' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'CONFLICT';
const OK: Outcome = 'allowed';
const HIDDEN: Outcome = 'not listed';
const F: Outcome = 'FORBIDDEN';
const N: Outcome = 'NOT_FOUND';
const U: Outcome = 'UNAUTHENTICATED';
const C: Outcome = 'CONFLICT';

const EXPECTED: Record<string, Outcome[]> = {
  //                                               anon viewer member admin other-admin global group outsider restricted
  // Byte endpoints: writing needs MEMBER; reading files needs blob:read, which RESTRICTED_VIEWER lacks.
  'PUT blob': [U, F, OK, OK, N, OK, OK, N, F],
  'HEAD blob of a linked file': [U, OK, OK, OK, N, OK, OK, N, F],
  'GET blob of a linked file': [U, OK, OK, OK, N, OK, OK, N, F],
  // In an ORGANIZATION registry every signed-in caller without a binding there reads as a VIEWER;
  // an explicit RESTRICTED_VIEWER binding still withholds the files.
  'PUT blob in an ORGANIZATION registry': [U, F, OK, OK, F, OK, OK, F, F],
  'HEAD blob in an ORGANIZATION registry': [U, OK, OK, OK, OK, OK, OK, OK, F],
  'GET blob in an ORGANIZATION registry': [U, OK, OK, OK, OK, OK, OK, OK, F],
  createRegistry: [U, F, F, F, F, OK, F, F, F],
  'updateRegistry description': [U, F, F, OK, N, OK, F, N, F],
  'updateRegistry protectedAliases': [U, F, F, OK, N, OK, F, N, F],
  'updateRegistry visibility': [U, F, F, OK, N, OK, F, N, F],
  grantRole: [U, F, F, OK, N, OK, F, N, F],
  revokeRole: [U, F, F, OK, N, OK, F, N, F],
  createModel: [U, F, OK, OK, N, OK, OK, N, F],
  updateModel: [U, F, OK, OK, N, OK, OK, N, F],
  'updateModel name (model holds production)': [U, F, F, OK, N, OK, F, N, F],
  'updateModel name (no protected alias)': [U, F, OK, OK, N, OK, OK, N, F],
  'archiveModel (model holds production)': [U, F, F, OK, N, OK, F, N, F],
  'archiveModel (no protected alias)': [U, F, OK, OK, N, OK, OK, N, F],
  linkModelVersion: [U, F, OK, OK, N, OK, OK, N, F],
  'linkModelVersion with aliases ["production"]': [U, F, F, OK, N, OK, F, N, F],
  updateModelVersion: [U, F, OK, OK, N, OK, OK, N, F],
  archiveModelVersion: [U, F, OK, OK, N, OK, OK, N, F],
  'archiveModelVersion holding production': [U, F, C, C, N, C, C, N, F],
  'setAlias staging': [U, F, OK, OK, N, OK, OK, N, F],
  'removeAlias staging': [U, F, OK, OK, N, OK, OK, N, F],
  'setAlias production': [U, F, F, OK, N, OK, F, N, F],
  'removeAlias production': [U, F, F, OK, N, OK, F, N, F],
  createRun: [U, F, OK, OK, N, OK, OK, N, F],
  updateRun: [U, F, OK, OK, N, OK, OK, N, F],
  'logArtifact produced by a run': [U, F, OK, OK, N, OK, OK, N, F],
  useArtifact: [U, F, OK, OK, N, OK, OK, N, F],
  'lineage(id) of the version': [U, OK, OK, OK, N, OK, OK, N, OK],
  createWebhook: [U, F, F, OK, N, OK, F, N, F],
  updateWebhook: [U, F, F, OK, N, OK, F, N, F],
  deleteWebhook: [U, F, F, OK, N, OK, F, N, F],
  'registry(name)': [U, OK, OK, OK, N, OK, OK, N, OK],
  registries: [U, OK, OK, OK, HIDDEN, OK, OK, HIDDEN, OK],
  model: [U, OK, OK, OK, N, OK, OK, N, OK],
  'modelVersion(ref: production)': [U, OK, OK, OK, N, OK, OK, N, OK],
  'node(id) of R': [U, OK, OK, OK, N, OK, OK, N, OK],
  'node(id) of the model': [U, OK, OK, OK, N, OK, OK, N, OK],
  'node(id) of the version': [U, OK, OK, OK, N, OK, OK, N, OK],
  // Webhooks exist only for the registry's admins.
  'node(id) of the webhook': [U, N, N, OK, N, OK, N, N, N],
  'Registry.members': [U, OK, OK, OK, N, OK, OK, N, OK],
  'model aliasHistory': [U, OK, OK, OK, N, OK, OK, N, OK],
  'auditEvents(filter: {registry: R})': [U, F, F, OK, N, OK, F, N, F],
};

// ---------------------------------------------------------------------------------------------
// Proof that nothing changed

const TABLES = [
  'registry',
  'registered_model',
  'model_version',
  'model_alias',
  'alias_event',
  'audit_event',
  'role_binding',
  'run',
  'artifact',
  'lineage_edge',
  'webhook',
  'webhook_delivery',
  'blob_upload',
  'version_blob',
] as const;

async function storedBlobs(): Promise<number> {
  let n = 0;
  for await (const _blob of s.app.services.blobs.store.list()) n++;
  return n;
}

/** Row counts of every table, and every row of the cell's registry, model, versions, aliases and bindings. */
async function snapshot(t: Target) {
  const q = (sql: string, params: unknown[] = []) => s.db.ds.query<Record<string, unknown>[]>(sql, params);
  const [row] = await q(`SELECT ${TABLES.map((table) => `(SELECT COUNT(*) FROM ${table}) AS ${table}`).join(', ')}`);
  const counts = Object.fromEntries(TABLES.map((table) => [table, Number(row[table])]));
  const [registry] = await q('SELECT * FROM registry WHERE name = ?', [t.registry]);
  const [model] = await q('SELECT * FROM registered_model WHERE registry_id = ? AND name = ?', [registry.id, t.model]);
  const modelId = model?.id ?? null;
  return {
    counts,
    storedBlobs: await storedBlobs(),
    registry,
    bindings: await q('SELECT * FROM role_binding WHERE registry_id = ? ORDER BY subject', [registry.id]),
    webhooks: await q('SELECT * FROM webhook WHERE registry_id = ? ORDER BY id', [registry.id]),
    model: model ?? null,
    versions: await q('SELECT * FROM model_version WHERE model_id = ? ORDER BY number', [modelId]),
    aliases: await q('SELECT * FROM model_alias WHERE model_id = ? ORDER BY name', [modelId]),
    aliasEvents: await q('SELECT * FROM alias_event WHERE model_id = ? ORDER BY id', [modelId]),
    runs: await q('SELECT * FROM run WHERE registry_id = ? ORDER BY id', [registry.id]),
  };
}

const auditCountBy = async (actor: string) =>
  Number((await s.db.ds.query('SELECT COUNT(*) AS n FROM audit_event WHERE actor = ?', [actor]))[0].n);

async function targetFor(op: Operation): Promise<Target> {
  const n = ++seq;
  if (op.fixture === 'registry' || op.fixture === 'webhook') {
    const registry = `cell-${n}`;
    await registryWithRoles(registry);
    if (op.fixture === 'registry') return { registry, model: READ_MODEL, n };
    return {
      registry,
      model: READ_MODEL,
      n,
      webhook: (await s.ok(CREATE_WEBHOOK, { i: webhookInput(registry, n) })).createWebhook.webhook.id,
    };
  }
  if (op.fixture === 'model' || op.fixture === 'unprotected-model') {
    const model = `cell-${n}`;
    await modelWithAliases(R, model, op.fixture === 'unprotected-model');
    return { registry: R, model, n };
  }
  if (op.fixture === 'run') {
    const run = (
      await s.ok(CREATE_RUN.replace('run {', 'run { id'), {
        i: { registry: R, name: `cell-run-${n}` },
      })
    ).createRun.run.id as string;
    const logged = await s.ok(LOG_ARTIFACT.replace('artifact {', 'artifact { id'), {
      i: {
        registry: R,
        type: 'dataset',
        name: `cell-data-${n}`,
        digest: digestOf(`cell-data-${n}`),
        uri: `s3://matrix/data-${n}`,
      },
    });
    return {
      registry: R,
      model: READ_MODEL,
      n,
      run,
      artifact: logged.logArtifact.artifact.id as string,
    };
  }
  if (op.fixture === 'organization') return { registry: ORG, model: FILES_MODEL, n };
  return { registry: R, model: READ_MODEL, n };
}

/** Every registry name the caller can list, across pages. */
async function listedRegistries(h: Record<string, string>): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  do {
    const r: GraphQLResult = await s.gql(
      `query($after: String) { registries(first: 100, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } }`,
      { after },
      h,
    );
    expect(r.errors).toBeUndefined();
    names.push(...r.data.registries.edges.map((e: { node: { name: string } }) => e.node.name));
    after = r.data.registries.pageInfo.hasNextPage ? r.data.registries.pageInfo.endCursor : null;
  } while (after);
  return names;
}

// ---------------------------------------------------------------------------------------------
// The cells

it('covers every operation of the matrix with one expectation per caller', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual(OPERATIONS.map((op) => op.label).sort());
  for (const row of Object.values(EXPECTED)) expect(row).toHaveLength(CALLERS.length);
});

for (const op of OPERATIONS) {
  CALLERS.forEach((caller, i) => {
    const outcome = EXPECTED[op.label]?.[i];
    it(`${caller}: ${op.label} → ${outcome}`, async () => {
      const t = await targetFor(op);
      const h = headers[caller];
      const subject = caller === 'anonymous' ? null : IDENTITIES[caller].subject;
      const before = await snapshot(t);
      const auditBefore = subject ? await auditCountBy(subject) : 0;

      const r = await op.run(t, h);

      if (outcome === OK || outcome === HIDDEN) {
        expect(r.errors).toBeUndefined();
        expect(r.status).toBe(200);
        expect(r.data?.[op.field]).toBeTruthy();
        await op.check(r.data, t);
        if (op.label === 'registries')
          expect(await listedRegistries(h)).toEqual(
            outcome === OK ? expect.arrayContaining([R]) : expect.not.arrayContaining([R]),
          );
      } else {
        expect(codeOf(r)).toBe(outcome);
        expect(r.errors).toHaveLength(1);
        expect(r.data?.[op.field] ?? null).toBeNull();
        if (outcome === U) expect(r.status).toBe(401);
        // NOT_FOUND reads like a registry that does not exist: it names no role or permission.
        if (outcome === N) expect(r.errors![0].message).not.toMatch(/role|permission|forbidden/i);
      }

      const after = await snapshot(t);
      if (op.kind === 'query' || outcome !== OK) {
        // Denied calls and reads change nothing: no row added, removed or edited, no blob stored.
        expect(after).toEqual(before);
      } else if (op.kind === 'mutation') {
        // An allowed change is in the audit log, under the caller's own subject.
        const added = after.counts.audit_event - before.counts.audit_event;
        expect(added).toBeGreaterThan(0);
        expect((await auditCountBy(subject!)) - auditBefore).toBe(added);
      }
    });
  });
}

describe('RESTRICTED_VIEWER in an ORGANIZATION registry', () => {
  const get = async (subject: string, groups: string[]) =>
    (
      await blobRequest(new URL(s.url).origin, 'GET', `/v1/registries/${ORG}/blobs/${ids.blob}`, {
        token: await s.token(subject, { groups }),
      })
    ).status;

  beforeAll(async () => {
    await s.ok(GRANT, { i: { registry: ORG, subject: 'group:contractors', role: 'RESTRICTED_VIEWER' } });
    await s.ok(GRANT, { i: { registry: ORG, subject: 'rory', role: 'RESTRICTED_VIEWER' } });
  });

  it('withholds files from a caller restricted through a group binding', async () => {
    expect(await get('cora', ['contractors'])).toBe(403);
    expect(await get('cora', [])).toBe(200);
  });

  it('lets another binding of the caller (a MEMBER group) grant what RESTRICTED_VIEWER lacks', async () => {
    expect(await get('rory', [])).toBe(403);
    expect(await get('rory', ['ml'])).toBe(200);
  });
});
