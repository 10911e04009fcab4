import { createHash } from 'node:crypto';
import type { TestServer } from '../../../test/support/server';

/** Seeds through the API, as the global admin: what the pages show is what a client made. */
export class PagesSeed {
  constructor(private readonly s: TestServer) {}

  async registry(name: string, visibility: 'RESTRICTED' | 'ORGANIZATION' = 'RESTRICTED', description?: string) {
    await this.s.ok(`mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, {
      i: { name, visibility, description },
    });
  }

  async grant(registry: string, subject: string, role: 'ADMIN' | 'MEMBER' | 'VIEWER' | 'RESTRICTED_VIEWER') {
    await this.s.ok(`mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { role } } }`, {
      i: { registry, subject, role },
    });
  }

  /** PUTs bytes as a blob of the registry; returns its digest. */
  async upload(registry: string, bytes: Buffer): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const res = await fetch(`${this.s.url.replace(/\/graphql$/, '')}/v1/registries/${registry}/blobs/${digest}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await this.s.token('local-admin', { expiresIn: 600 })}` },
      body: new Uint8Array(bytes),
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    return digest;
  }

  /** Links a version; `files` are uploaded first, otherwise the artifact is a URI elsewhere. */
  async link(
    registry: string,
    model: string,
    opts: {
      files?: { path: string; bytes: Buffer }[];
      metrics?: Record<string, number>;
      metadata?: Record<string, unknown>;
      tags?: string[];
      aliases?: string[];
      description?: string;
      run?: string;
    } = {},
  ): Promise<{ id: string; name: string }> {
    let artifact: Record<string, unknown>;
    if (opts.files) {
      const files = [];
      for (const f of opts.files)
        files.push({ path: f.path, digest: await this.upload(registry, f.bytes), sizeBytes: f.bytes.length });
      artifact = { files };
    } else {
      const seed = `${registry}/${model}/${Math.random()}`;
      artifact = {
        uri: `s3://models/${registry}/${model}/${createHash('sha1').update(seed).digest('hex').slice(0, 8)}`,
        digest: `sha256:${createHash('sha256').update(seed).digest('hex')}`,
        sizeBytes: 48_000_000 + Math.floor(Math.random() * 1_000_000),
      };
    }
    const data = await this.s.ok(
      `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { id name } } }`,
      {
        i: {
          registry,
          model,
          artifact,
          metrics: opts.metrics,
          metadata: opts.metadata,
          tags: opts.tags,
          aliases: opts.aliases,
          description: opts.description,
          run: opts.run,
        },
      },
    );
    return data.linkModelVersion.version;
  }

  async run(registry: string, name: string, metrics?: Record<string, number>): Promise<string> {
    const data = await this.s.ok(`mutation($i: CreateRunInput!) { createRun(input: $i) { run { id } } }`, {
      i: { registry, name, metrics, status: 'FINISHED' },
    });
    return data.createRun.run.id;
  }

  async artifact(registry: string, type: string, name: string, producedBy?: string): Promise<string> {
    const data = await this.s.ok(`mutation($i: LogArtifactInput!) { logArtifact(input: $i) { artifact { id } } }`, {
      i: {
        registry,
        type,
        name,
        producedBy,
        digest: `sha256:${createHash('sha256').update(`${registry}/${type}/${name}`).digest('hex')}`,
        uri: `s3://data/${name}`,
      },
    });
    return data.logArtifact.artifact.id;
  }

  async use(run: string, artifact: string) {
    await this.s.ok(`mutation($i: UseArtifactInput!) { useArtifact(input: $i) { run { id } } }`, {
      i: { run, artifact },
    });
  }

  async setAlias(registry: string, model: string, alias: string, version: string) {
    await this.s.ok(`mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }`, {
      i: { registry, model, alias, version },
    });
  }
}
