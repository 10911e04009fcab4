import { startTestServer, TestServer, digestOf } from '../support/server';

describe('first session', () => {
  let s: TestServer;
  beforeAll(async () => (s = await startTestServer()));
  afterAll(() => s.stop());

  it('creates a registry, links two versions, moves staging and resolves model:staging', async () => {
    await s.ok(`mutation { createRegistry(input: { name: "vision" }) { registry { id } } }`);
    const link = `mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) { version { name } } }`;
    for (const n of [0, 1]) {
      await s.ok(link, {
        i: {
          registry: 'vision',
          model: 'mnist',
          artifact: {
            uri: `s3://models/mnist/${n}`,
            digest: digestOf(n),
            sizeBytes: 10,
          },
        },
      });
    }
    await s.ok(
      `mutation { setAlias(input: { registry: "vision", model: "mnist", alias: "staging", version: "v1" }) { changed } }`,
    );
    const data = await s.ok(
      `{ modelVersion(registry: "vision", model: "mnist", ref: "staging") { name artifact { uri } } }`,
    );
    expect(data.modelVersion).toEqual({
      name: 'v1',
      artifact: { uri: 's3://models/mnist/1' },
    });
  });
});
