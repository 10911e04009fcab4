import { codeOf, digestOf, startTestServer, TestServer } from '../support/server';

// Lineage (issue #4): runs use artifacts and model versions and produce them; lineage() walks
// the graph both ways with one recursive statement per direction.

const CREATE_RUN = `mutation($i: CreateRunInput!) { createRun(input: $i) { run { id name externalId status } created } }`;
const LOG = `mutation($i: LogArtifactInput!) { logArtifact(input: $i) { artifact { id name type } created } }`;
const USE = `mutation($i: UseArtifactInput!) { useArtifact(input: $i) { run { id } used { id kind } } }`;
const LINK = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { id name } } }`;
const LINEAGE = `query($id: ID!, $direction: LineageDirection, $depth: Int) {
  lineage(id: $id, direction: $direction, depth: $depth) {
    root { id kind name }
    nodes { id kind name redacted version { name } run { name } artifact { type name } }
    edges { from to kind }
    truncated
    mermaid
  }
}`;

describe('lineage', () => {
  let s: TestServer;
  let seq = 0;
  beforeAll(async () => (s = await startTestServer({ LINEAGE_MAX_NODES: '25' })));
  afterAll(() => s.stop());

  const registry = async (name: string) => {
    await s.ok(`mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, { i: { name } });
    return name;
  };
  const run = async (reg: string, name: string) =>
    (await s.ok(CREATE_RUN, { i: { registry: reg, name } })).createRun.run.id as string;
  const artifact = async (reg: string, name: string, producedBy?: string) =>
    (
      await s.ok(LOG, {
        i: {
          registry: reg,
          type: 'dataset',
          name,
          digest: digestOf(`${reg}/${name}`),
          uri: `s3://data/${name}`,
          producedBy,
        },
      })
    ).logArtifact.artifact.id as string;
  const use = (runId: string, artifactId: string) => s.ok(USE, { i: { run: runId, artifact: artifactId } });
  const link = async (reg: string, model: string, runId?: string) =>
    (
      await s.ok(LINK, {
        i: {
          registry: reg,
          model,
          run: runId,
          artifact: {
            uri: `s3://m/${model}/${++seq}`,
            digest: digestOf(`${model}-${seq}`),
            sizeBytes: 1,
          },
        },
      })
    ).linkModelVersion.version.id as string;
  const lineage = async (id: string, direction?: string, depth?: number) =>
    (await s.ok(LINEAGE, { id, direction, depth })).lineage;
  const names = (g: { nodes: { name: string | null }[] }) => g.nodes.map((n) => n.name).sort();

  it('answers what produced a version: its run and the data that run used', async () => {
    const reg = await registry('lin-basic');
    const data = await artifact(reg, 'imagenet');
    const train = await run(reg, 'train-1');
    await use(train, data);
    const v0 = await link(reg, 'classifier', train);

    const g = await lineage(v0, 'UPSTREAM');
    expect(g.root).toEqual({
      id: v0,
      kind: 'MODEL_VERSION',
      name: 'lin-basic/classifier:v0',
    });
    expect(names(g)).toEqual(['dataset:imagenet', 'lin-basic/classifier:v0', 'train-1']);
    expect(g.edges).toHaveLength(2);
    expect(g.edges).toEqual(
      expect.arrayContaining([
        { from: train, to: v0, kind: 'PRODUCED' },
        { from: data, to: train, kind: 'USED' },
      ]),
    );
    expect(g.truncated).toBe(false);
    expect(g.mermaid).toContain('flowchart LR');
    expect(g.mermaid).toContain('-->|produced|');

    const version = (
      await s.ok(
        `query($id: ID!) { node(id: $id) { ... on ModelVersion { run { name inputs { name kind } outputs { name } } } } }`,
        { id: v0 },
      )
    ).node;
    expect(version.run).toEqual({
      name: 'train-1',
      inputs: [{ name: 'dataset:imagenet', kind: 'ARTIFACT' }],
      outputs: [{ name: 'lin-basic/classifier:v0' }],
    });
    const data2 = (
      await s.ok(`query($id: ID!) { node(id: $id) { ... on Artifact { usedBy { name } producedBy { name } } } }`, {
        id: data,
      })
    ).node;
    expect(data2).toEqual({ usedBy: [{ name: 'train-1' }], producedBy: [] });
  });

  it('walks a diamond without repeating nodes or edges', async () => {
    const reg = await registry('lin-diamond');
    const raw = await artifact(reg, 'raw');
    const [a, b] = [await run(reg, 'clean-a'), await run(reg, 'clean-b')];
    await use(a, raw);
    await use(b, raw);
    const [ca, cb] = [await artifact(reg, 'clean-a-out', a), await artifact(reg, 'clean-b-out', b)];
    const train = await run(reg, 'train');
    await use(train, ca);
    await use(train, cb);
    const v = await link(reg, 'diamond', train);

    const up = await lineage(v, 'UPSTREAM', 10);
    expect(names(up)).toEqual([
      'clean-a',
      'clean-b',
      'dataset:clean-a-out',
      'dataset:clean-b-out',
      'dataset:raw',
      'lin-diamond/diamond:v0',
      'train',
    ]);
    expect(up.edges).toHaveLength(7);
    expect(new Set(up.nodes.map((n: { id: string }) => n.id)).size).toBe(up.nodes.length);

    const down = await lineage(raw, 'DOWNSTREAM', 10);
    expect(names(down)).toEqual(names(up));
  });

  it('terminates on a cycle and returns each edge once', async () => {
    const reg = await registry('lin-cycle');
    const x = await artifact(reg, 'x');
    const r1 = await run(reg, 'r1');
    await use(r1, x);
    const y = await artifact(reg, 'y', r1);
    const r2 = await run(reg, 'r2');
    await use(r2, y);
    // r2 produces x again: x → r1 → y → r2 → x.
    await s.ok(LOG, {
      i: {
        registry: reg,
        type: 'dataset',
        name: 'x',
        digest: digestOf(`${reg}/x`),
        uri: 's3://data/x',
        producedBy: r2,
      },
    });

    for (const direction of ['UPSTREAM', 'DOWNSTREAM', 'BOTH']) {
      const g = await lineage(x, direction, 20);
      expect(names(g)).toEqual(['dataset:x', 'dataset:y', 'r1', 'r2']);
      expect(g.edges).toHaveLength(4);
    }
  });

  it('stops at the requested depth', async () => {
    const reg = await registry('lin-depth');
    let prev = await artifact(reg, 'a0');
    const chain = [prev];
    for (let i = 1; i <= 4; i++) {
      const r = await run(reg, `step-${i}`);
      await use(r, prev);
      prev = await artifact(reg, `a${i}`, r);
      chain.push(prev);
    }
    expect(names(await lineage(chain[0], 'DOWNSTREAM', 1))).toEqual(['dataset:a0', 'step-1']);
    expect(names(await lineage(chain[0], 'DOWNSTREAM', 2))).toEqual(['dataset:a0', 'dataset:a1', 'step-1']);
    expect((await lineage(chain[0], 'DOWNSTREAM', 8)).nodes).toHaveLength(9);
    expect((await lineage(chain[4], 'UPSTREAM', 3)).nodes).toHaveLength(4);
  });

  it('refuses a depth outside 1..20 and ids that are not lineage nodes', async () => {
    const reg = await registry('lin-bad');
    const a = await artifact(reg, 'a');
    expect(codeOf(await s.gql(LINEAGE, { id: a, depth: 21 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await s.gql(LINEAGE, { id: a, depth: 0 }))).toBe('BAD_USER_INPUT');
    const regId = (await s.ok(`{ registry(name: "lin-bad") { id } }`)).registry.id;
    expect(codeOf(await s.gql(LINEAGE, { id: regId }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await s.gql(LINEAGE, { id: 'nonsense' }))).toBe('BAD_USER_INPUT');
  });

  it('caps the number of nodes and says the graph was truncated', async () => {
    const reg = await registry('lin-cap');
    const hub = await run(reg, 'hub');
    for (let i = 0; i < 30; i++) await use(hub, await artifact(reg, `in-${i}`));
    const g = await lineage(hub, 'UPSTREAM', 1);
    expect(g.truncated).toBe(true);
    expect(g.nodes).toHaveLength(25);
    expect(g.edges).toHaveLength(24);
  });

  it('follows fine-tuning across models: B:v0 is downstream of A:v3', async () => {
    const reg = await registry('lin-finetune');
    let aV3 = '';
    for (let i = 0; i < 4; i++) aV3 = await link(reg, 'base');
    const ft = await run(reg, 'finetune');
    await use(ft, aV3);
    const bV0 = await link(reg, 'tuned', ft);
    expect(names(await lineage(bV0, 'UPSTREAM'))).toEqual([
      'finetune',
      'lin-finetune/base:v3',
      'lin-finetune/tuned:v0',
    ]);
    expect(names(await lineage(aV3, 'DOWNSTREAM'))).toEqual([
      'finetune',
      'lin-finetune/base:v3',
      'lin-finetune/tuned:v0',
    ]);
  });

  it('shows nodes of registries the caller cannot read as placeholders and does not expand them', async () => {
    const open = await registry('lin-open');
    const secret = await registry('lin-secret');
    const secretData = await artifact(secret, 'secret-data');
    const secretRun = await run(secret, 'secret-prep');
    await use(secretRun, secretData);
    const shared = await artifact(secret, 'shared-features', secretRun);
    const train = await run(open, 'train');
    await use(train, shared);
    const v = await link(open, 'model', train);
    await s.ok(
      `mutation { grantRole(input: {registry: "lin-open", subject: "viewer-1", role: VIEWER}) { binding { role } } }`,
    );
    const viewer = await s.as('viewer-1');

    const g = (await s.gql(LINEAGE, { id: v, direction: 'UPSTREAM', depth: 10 }, viewer)).data.lineage;
    const placeholder = g.nodes.find((n: { id: string }) => n.id === shared);
    expect(placeholder).toEqual({
      id: shared,
      kind: 'ARTIFACT',
      name: null,
      redacted: true,
      version: null,
      run: null,
      artifact: null,
    });
    expect(g.nodes.map((n: { id: string }) => n.id)).not.toContain(secretRun);
    expect(g.nodes.map((n: { id: string }) => n.id)).not.toContain(secretData);
    expect(g.mermaid).not.toContain('secret');
    // The admin sees all of it.
    expect(names(await lineage(v, 'UPSTREAM', 10))).toEqual([
      'dataset:secret-data',
      'dataset:shared-features',
      'lin-open/model:v0',
      'secret-prep',
      'train',
    ]);
    // And a node of the unreadable registry is not found at all.
    expect(codeOf(await s.gql(LINEAGE, { id: shared }, viewer))).toBe('NOT_FOUND');
  });

  it('refuses a logged artifact whose uri has a scheme outside the allow-list, and logs nothing', async () => {
    const reg = await registry('lin-uri');
    const count = async () => Number((await s.db.ds.query('SELECT COUNT(*) AS n FROM artifact'))[0].n);
    const before = await count();
    for (const uri of ['javascript:alert(1)', 'data:text/html,x', 'JAVASCRIPT:alert(1)']) {
      const r = await s.gql(LOG, {
        i: {
          registry: reg,
          type: 'dataset',
          name: 'e',
          digest: digestOf('e'),
          uri,
        },
      });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].extensions!.field).toBe('uri');
    }
    expect(await count()).toBe(before);
    const hf = {
      registry: reg,
      type: 'dataset',
      name: 'ok',
      digest: digestOf('ok'),
      uri: 'hf://datasets/mnist',
    };
    const ok = await s.ok(LOG, { i: hf });
    expect(ok.logArtifact.created).toBe(true);
  });

  it('makes createRun idempotent on externalId and logArtifact on content', async () => {
    const reg = await registry('lin-idem');
    const first = (
      await s.ok(CREATE_RUN, {
        i: { registry: reg, name: 'train', externalId: 'wandb/proj/abc123' },
      })
    ).createRun;
    const again = (
      await s.ok(CREATE_RUN, {
        i: {
          registry: reg,
          name: 'train (retry)',
          externalId: 'wandb/proj/abc123',
        },
      })
    ).createRun;
    expect(first.created).toBe(true);
    expect(again).toEqual({ run: first.run, created: false });
    const i = {
      registry: reg,
      type: 'dataset',
      name: 'd',
      digest: digestOf('d'),
      uri: 's3://d',
    };
    const a1 = (await s.ok(LOG, { i })).logArtifact;
    const a2 = (await s.ok(LOG, { i })).logArtifact;
    expect(a2).toEqual({ artifact: a1.artifact, created: false });
    const a3 = (await s.ok(LOG, { i: { ...i, digest: digestOf('d2') } })).logArtifact;
    expect(a3.created).toBe(true);
  });

  it('lets members write lineage and viewers only read it', async () => {
    const reg = await registry('lin-roles');
    await s.ok(
      `mutation { grantRole(input: {registry: "lin-roles", subject: "v", role: VIEWER}) { binding { role } } }`,
    );
    await s.ok(
      `mutation { grantRole(input: {registry: "lin-roles", subject: "m", role: MEMBER}) { binding { role } } }`,
    );
    const asMember = await s.as('m');
    const asViewer = await s.as('v');
    const r = (await s.gql(CREATE_RUN, { i: { registry: reg, name: 'by-member' } }, asMember)).data.createRun.run.id;
    expect(codeOf(await s.gql(CREATE_RUN, { i: { registry: reg, name: 'by-viewer' } }, asViewer))).toBe('FORBIDDEN');
    expect(
      codeOf(
        await s.gql(
          `mutation($i: UpdateRunInput!) { updateRun(input: $i) { run { status } } }`,
          { i: { run: r, status: 'FINISHED' } },
          asViewer,
        ),
      ),
    ).toBe('FORBIDDEN');
    const done = await s.gql(
      `mutation($i: UpdateRunInput!) { updateRun(input: $i) { run { status finishedAt metrics } } }`,
      { i: { run: r, status: 'FINISHED', metrics: { loss: 0.1 } } },
      asMember,
    );
    expect(done.data.updateRun.run).toMatchObject({
      status: 'FINISHED',
      metrics: { loss: 0.1 },
    });
    expect(done.data.updateRun.run.finishedAt).not.toBeNull();
    expect((await s.gql(LINEAGE, { id: r }, asViewer)).data.lineage.root.name).toBe('by-member');
  });

  it('resolves run, inputs and outputs for a page of versions in the same number of statements for 3 and 12', async () => {
    const reg = await registry('lin-batch');
    for (let i = 0; i < 12; i++) {
      const r = await run(reg, `train-${i}`);
      await use(r, await artifact(reg, `data-${i}`));
      await link(reg, 'batched', r);
    }
    const q = `query($first: Int!) { model(registry: "lin-batch", name: "batched") { versions(first: $first) { edges { node { name run { name inputs { name kind } outputs { name } } } } } } }`;
    const small = await s.gql(q, { first: 3 });
    const large = await s.gql(q, { first: 12 });
    expect(large.errors).toBeUndefined();
    expect(large.data.model.versions.edges[0].node).toEqual({
      name: 'v11',
      run: {
        name: 'train-11',
        inputs: [{ name: 'dataset:data-11', kind: 'ARTIFACT' }],
        outputs: [{ name: 'lin-batch/batched:v11' }],
      },
    });
    expect(large.sqlStatements).toBe(small.sqlStatements);
  });

  it('applies the cap to nodes: a dense graph under the cap comes back whole', async () => {
    const reg = await registry('lin-dense');
    // 6 datasets used by each of 4 runs, which all produce one output: 11 nodes, 28 edges;
    // more edges than the cap of 25, fewer nodes.
    const runs = [await run(reg, 'd-r0'), await run(reg, 'd-r1'), await run(reg, 'd-r2'), await run(reg, 'd-r3')];
    const data: string[] = [];
    for (let i = 0; i < 6; i++) data.push(await artifact(reg, `d-a${i}`));
    for (const r of runs) for (const d of data) await use(r, d);
    let out = '';
    for (const r of runs)
      out = (
        await s.ok(LOG, {
          i: {
            registry: reg,
            type: 'model',
            name: 'd-out',
            digest: digestOf('d-out'),
            uri: 's3://d/out',
            producedBy: r,
          },
        })
      ).logArtifact.artifact.id;
    const g = await lineage(out, 'UPSTREAM', 4);
    expect(g.nodes).toHaveLength(11);
    expect(g.edges).toHaveLength(28);
    expect(g.truncated).toBe(false);
  });

  it('refuses to record lineage into a run of a registry where the caller may only read', async () => {
    const runs = await registry('lin-runs-ro');
    const models = await registry('lin-models-rw');
    const r = await run(runs, 'someone-elses-run');
    await s.ok(
      `mutation { grantRole(input: {registry: "lin-runs-ro", subject: "reader", role: VIEWER}) { binding { role } } }`,
    );
    await s.ok(
      `mutation { grantRole(input: {registry: "lin-models-rw", subject: "reader", role: MEMBER}) { binding { role } } }`,
    );
    const res = await s.gql(
      LINK,
      {
        i: {
          registry: models,
          model: 'm',
          run: r,
          artifact: { uri: 's3://m/ro', digest: digestOf('ro'), sizeBytes: 1 },
        },
      },
      await s.as('reader'),
    );
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect((await lineage(r, 'DOWNSTREAM')).nodes).toHaveLength(1);
  });
  it('hides what lies downstream in a registry the caller cannot read, walking DOWNSTREAM and BOTH', async () => {
    const open = await registry('lin-down-open');
    const secret = await registry('lin-down-secret');
    const data = await artifact(open, 'public-data');
    const secretRun = await run(secret, 'secret-train');
    await use(secretRun, data);
    const secretModel = await link(secret, 'secret-model', secretRun);
    const openRun = await run(open, 'open-train');
    await use(openRun, data);
    await s.ok(
      `mutation { grantRole(input: {registry: "lin-down-open", subject: "viewer-down", role: VIEWER}) { binding { role } } }`,
    );
    const viewer = await s.as('viewer-down');

    for (const direction of ['DOWNSTREAM', 'BOTH']) {
      const g = (await s.gql(LINEAGE, { id: data, direction, depth: 10 }, viewer)).data.lineage;
      const ids = g.nodes.map((n: { id: string }) => n.id);
      expect(g.nodes.find((n: { id: string }) => n.id === secretRun)).toEqual({
        id: secretRun,
        kind: 'RUN',
        name: null,
        redacted: true,
        version: null,
        run: null,
        artifact: null,
      });
      expect(ids).toContain(openRun);
      // The secret run is a dead end: what it produced is not even a placeholder.
      expect(ids).not.toContain(secretModel);
      expect(g.edges).not.toContainEqual(expect.objectContaining({ to: secretModel }));
      expect(g.mermaid).not.toContain('secret');
    }
    // The admin sees the whole graph downstream.
    expect(names(await lineage(data, 'DOWNSTREAM', 10))).toEqual([
      'dataset:public-data',
      'lin-down-secret/secret-model:v0',
      'open-train',
      'secret-train',
    ]);
  });

  it('escapes names in the Mermaid chart, so a name cannot end its label, inject markup or a directive', async () => {
    const reg = await registry('lin-mermaid');
    const evil = 'x"] --> pwned["<img src=x onerror=alert(1)> #35; `md` & co %%{init: {"theme":"forest"}}%%';
    // Run names are free text (artifact names are restricted to path-like characters).
    const r = await run(reg, evil);
    const g = await lineage(r, 'UPSTREAM', 1);
    expect(g.root.name).toBe(evil);
    const label = g.mermaid.split('\n').find((l: string) => l.startsWith('  n0'));
    expect(label).toBe(
      '  n0(["x#34;] --#62; pwned[#34;#60;img src=x onerror=alert(1)#62; #35;35; #96;md#96; #38; co #37;#37;#123;init: #123;#34;theme#34;:#34;forest#34;#125;#125;#37;#37;"])',
    );
    expect(g.mermaid).not.toMatch(/<|>(?!\|)|`|%%|\{/);
  });

  it('returns the artifact already logged with the same content, with the URI it was first logged at', async () => {
    const reg = await registry('lin-same-content');
    const i = {
      registry: reg,
      type: 'dataset',
      name: 'copied',
      digest: digestOf('copied'),
      uri: 's3://bucket-a/copied',
    };
    const first = (await s.ok(LOG, { i })).logArtifact;
    const moved = (
      await s.ok(`mutation($i: LogArtifactInput!) { logArtifact(input: $i) { artifact { id uri } created } }`, {
        i: { ...i, uri: 's3://bucket-b/copied' },
      })
    ).logArtifact;
    expect(moved).toEqual({
      artifact: { id: first.artifact.id, uri: 's3://bucket-a/copied' },
      created: false,
    });
  });
  it('bounds the work of a walk through a dense, cyclic graph, and says when it stopped early', async () => {
    // 7 runs each use 7 datasets and produce all 7 again: 98 edges and 14 nodes, under the caps
    // (25 nodes, 200 edges), but the recursion meets every edge again at every depth.
    const reg = await registry('lin-dense-cycle');
    const runs: string[] = [];
    for (let i = 0; i < 7; i++) runs.push(await run(reg, `c-r${i}`));
    const data: string[] = [];
    for (let i = 0; i < 7; i++) data.push(await artifact(reg, `c-a${i}`, runs[0]));
    for (const r of runs) {
      for (let i = 0; i < 7; i++) {
        await use(r, data[i]);
        await s.ok(LOG, {
          i: {
            registry: reg,
            type: 'dataset',
            name: `c-a${i}`,
            digest: digestOf(`${reg}/c-a${i}`),
            uri: `s3://data/c-a${i}`,
            producedBy: r,
          },
        });
      }
    }
    const g = (await s.gql(LINEAGE, { id: data[0], direction: 'DOWNSTREAM', depth: 20 })).data.lineage;
    expect(g.nodes).toHaveLength(14);
    // The recursion stops at its row bound (on SQLite 4 rows per node of the cap, 100 here, in
    // all; on MariaDB as many rows per step as the cap, 25): what came back is the nearest part of
    // the graph, and the answer says it may be incomplete.
    expect(g.truncated).toBe(true);
  });
  it('walks 3 edges when no depth is given, from lineage() and from ModelVersion.lineage alike', async () => {
    // d0 -> r0 -> d1 -> r1 -> d2 -> r2 -> v0: the version is 6 edges from d0.
    const reg = await registry('lin-default-depth');
    let prev = await artifact(reg, 'd0');
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await run(reg, `r${i}`);
      runs.push(r);
      await use(r, prev);
      if (i < 2) prev = await artifact(reg, `d${i + 1}`, r);
    }
    const v = await link(reg, 'deep', runs[2]);
    const top = await lineage(v, 'UPSTREAM');
    expect(names(top)).toEqual(['dataset:d2', 'lin-default-depth/deep:v0', 'r1', 'r2']);
    const viaVersion = (
      await s.ok(
        `{ modelVersion(registry: "lin-default-depth", model: "deep", ref: "v0") { lineage(direction: UPSTREAM) { nodes { name } edges { from to kind } truncated } } }`,
      )
    ).modelVersion.lineage;
    expect(viaVersion.nodes.map((n: { name: string }) => n.name).sort()).toEqual(names(top));
    expect(viaVersion.edges).toHaveLength(3);
    expect(viaVersion.truncated).toBe(false);
    expect(names(await lineage(v, 'UPSTREAM', 6))).toContain('dataset:d0');
  });

  it('runs the same few statements for a graph of 3 nodes and of 25: one walk per direction, one lookup per node kind', async () => {
    const reg = await registry('lin-statements');
    const small = await run(reg, 'small');
    await use(small, await artifact(reg, 'small-in'));
    const big = await run(reg, 'big');
    for (let i = 0; i < 24; i++) await use(big, await artifact(reg, `big-in-${i}`));
    const q = `query($id: ID!, $d: LineageDirection) { lineage(id: $id, direction: $d, depth: 5) { nodes { id name } edges { from to } truncated } }`;
    for (const direction of ['UPSTREAM', 'BOTH']) {
      const a = await s.gql(q, { id: small, d: direction });
      const b = await s.gql(q, { id: big, d: direction });
      expect(a.data.lineage.nodes).toHaveLength(2);
      expect(b.data.lineage.nodes).toHaveLength(25);
      expect(b.sqlStatements).toBe(a.sqlStatements);
      // The root, a walk per direction, and one statement per kind of node named.
      expect(a.sqlStatements).toBeLessThanOrEqual(direction === 'BOTH' ? 6 : 5);
    }
  });
  it('bounds neighbour lists like pages: a dataset used by 120 runs lists the first 100, or `first`', async () => {
    const reg = await registry('lin-popular');
    const data = await artifact(reg, 'popular');
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      ids.push(await run(reg, `user-${i}`));
      await use(ids[i], data);
    }
    const q = `query($id: ID!, $first: Int) { node(id: $id) { ... on Artifact { usedBy(first: $first) { id } all: usedBy { id } } } }`;
    const r = await s.gql(q, { id: data, first: 5 });
    expect(r.data.node.usedBy.map((n: { id: string }) => n.id)).toEqual(ids.slice(0, 5));
    expect(r.data.node.all).toHaveLength(100);
    expect(r.data.node.all.map((n: { id: string }) => n.id)).toEqual(ids.slice(0, 100));
    const over = await s.gql(q, { id: data, first: 101 });
    expect(codeOf(over)).toBe('BAD_USER_INPUT');
    expect(over.sqlStatements).toBe(0);
  });
  it('does not let a node reached by many edges at one depth crowd out the rest of the walk', async () => {
    // D is used by runs A0..A8, which all produce X, and by B, which produces Z; X is used by T0..T2
    // and Z by U. Walking down from D, X is reached 9 times at depth 2: its 3 outgoing edges must
    // not count 27 times against a step's row limit (25 here) and push Z -> U out unseen.
    const reg = await registry('lin-fan-in');
    const d = await artifact(reg, 'd');
    for (let i = 0; i < 9; i++) {
      const a = await run(reg, `a${i}`);
      await use(a, d);
      await artifact(reg, 'x', a);
    }
    const b = await run(reg, 'b');
    await use(b, d);
    await artifact(reg, 'z', b);
    const x = (
      await s.ok(LOG, {
        i: {
          registry: reg,
          type: 'dataset',
          name: 'x',
          digest: digestOf(`${reg}/x`),
          uri: 's3://data/x',
        },
      })
    ).logArtifact.artifact.id;
    const z = (
      await s.ok(LOG, {
        i: {
          registry: reg,
          type: 'dataset',
          name: 'z',
          digest: digestOf(`${reg}/z`),
          uri: 's3://data/z',
        },
      })
    ).logArtifact.artifact.id;
    for (let i = 0; i < 3; i++) await use(await run(reg, `t${i}`), x);
    await use(await run(reg, 'u'), z);
    const g = await lineage(d, 'DOWNSTREAM', 5);
    expect(g.nodes).toHaveLength(17);
    expect(g.edges).toHaveLength(24);
    expect(names(g)).toContain('u');
    expect(g.truncated).toBe(false);
  });
});
