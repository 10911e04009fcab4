import { digestOf, type TestServer } from '../../../test/support/server';

export type Role = 'ADMIN' | 'MEMBER' | 'VIEWER' | 'RESTRICTED_VIEWER';

export interface VersionSeed {
  metrics?: Record<string, number>;
  tags?: string[];
  aliases?: string[];
  description?: string;
  metadata?: Record<string, unknown>;
}

/**
 * Test data made through the GraphQL API as the test admin, as a user would make it: the console
 * then reads it back through the same API.
 */
export class Seeder {
  constructor(private readonly server: TestServer) {}

  async registry(
    name: string,
    opts: { description?: string; visibility?: 'ORGANIZATION' | 'RESTRICTED'; protectedAliases?: string[] } = {},
  ): Promise<void> {
    await this.server.ok(`mutation($i: CreateRegistryInput!) { createRegistry(input: $i) { registry { id } } }`, {
      i: { name, ...opts },
    });
  }

  async model(registry: string, name: string, opts: { description?: string; tags?: string[] } = {}): Promise<void> {
    await this.server.ok(`mutation($i: CreateModelInput!) { createModel(input: $i) { model { id } } }`, {
      i: { registry, name, ...opts },
    });
  }

  /** Links a version (an external artifact URI) and answers its name (`v1`, `v2`, …). */
  async version(registry: string, model: string, opts: VersionSeed = {}): Promise<string> {
    const seed = `${registry}/${model}/${Math.random()}`;
    const data = await this.server.ok<{ linkModelVersion: { version: { name: string } } }>(
      `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { name } } }`,
      {
        i: {
          registry,
          model,
          artifact: { uri: `s3://e2e-bucket/${encodeURIComponent(seed)}`, digest: digestOf(seed), sizeBytes: 1024 },
          ...opts,
        },
      },
    );
    return data.linkModelVersion.version.name;
  }

  /** `count` versions whose `metric` rises from 0.5 by `step`; answers their names, oldest first. */
  async versions(registry: string, model: string, count: number, metric = 'accuracy', step = 0.01) {
    const names: string[] = [];
    for (let i = 0; i < count; i++)
      names.push(await this.version(registry, model, { metrics: { [metric]: Number((0.5 + i * step).toFixed(4)) } }));
    return names;
  }

  async alias(registry: string, model: string, alias: string, version: string, reason?: string): Promise<void> {
    await this.server.ok(`mutation($i: SetAliasInput!) { setAlias(input: $i) { alias { name } } }`, {
      i: { registry, model, alias, version, reason },
    });
  }

  async grant(registry: string, subject: string, role: Role): Promise<void> {
    await this.server.ok(`mutation($i: GrantRoleInput!) { grantRole(input: $i) { binding { role } } }`, {
      i: { registry, subject, role },
    });
  }
}
