import { ADMIN, eventually, startConsole, type ConsoleHarness } from './support';

describe('finding a model in the console', () => {
  let h: ConsoleHarness;
  let first: string, second: string;
  beforeAll(async () => {
    h = await startConsole();
    await h.seed.registry('vision', { description: 'Image models', protectedAliases: ['production'] });
    await h.seed.registry('nlp', { description: 'Language models' });
    await h.seed.registry('private-lab', { visibility: 'RESTRICTED' });
    await h.seed.model('vision', 'mnist', { description: 'Digits', tags: ['digits'] });
    await h.seed.model('vision', 'resnet', { tags: ['imagenet'] });
    await h.seed.model('nlp', 'bert');
    [first, second] = await h.seed.versions('vision', 'mnist', 2);
    await h.seed.alias('vision', 'mnist', 'production', first);
    await h.seed.alias('vision', 'mnist', 'staging', second);
    await h.seed.grant('vision', 'alice', 'MEMBER');
    await h.seed.grant('nlp', 'alice', 'VIEWER');
  });
  afterAll(() => h?.stop());

  it('searches registries, opens one, filters its models and opens the model page', async () => {
    const page = await h.newPage();
    await h.signIn(page, 'alice');
    // alice reads the organisation-wide registries, not the restricted one she has no role in.
    await page.getByRole('link', { name: 'nlp' }).waitFor();
    expect(await page.getByRole('link', { name: 'private-lab' }).count()).toBe(0);

    await page.getByLabel('Search registries').fill('image');
    await page.getByRole('link', { name: 'nlp' }).waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'vision' }).click();
    await page.waitForURL(`${h.origin}/r/vision`);

    const models = page.getByRole('table');
    await models.getByRole('link', { name: 'resnet' }).waitFor();
    const aliases = page.getByRole('list', { name: 'Aliases of mnist' });
    const production = aliases.getByRole('link', { name: `production → ${first} (protected)` });
    expect(await production.getAttribute('href')).toBe(`/r/vision/m/mnist/v/${first}`);
    await aliases.getByRole('link', { name: `staging → ${second}`, exact: true }).waitFor();

    await page.getByLabel('Filter models by name').fill('mni');
    await models.getByRole('link', { name: 'resnet' }).waitFor({ state: 'detached' });
    await page.waitForURL(`${h.origin}/r/vision?q=mni`);
    await models.getByRole('link', { name: 'mnist' }).click();
    await page.waitForURL(`${h.origin}/r/vision/m/mnist`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(h.problems(page)).toEqual([]);
  });

  it('opens a shared filtered URL as it was shared, and filters by tag', async () => {
    const page = await h.newPage();
    await h.signIn(page, 'alice', { path: '/r/vision?tag=imagenet' });
    await page.getByRole('table').getByRole('link', { name: 'resnet' }).waitFor();
    expect(await page.getByRole('table').getByRole('link', { name: 'mnist' }).count()).toBe(0);
  });

  it('shows members and roles to an admin, and not to a member', async () => {
    const member = await h.newPage();
    await h.signIn(member, 'alice', { path: '/r/vision' });
    await member.getByRole('link', { name: 'mnist' }).waitFor();
    expect(await member.getByRole('heading', { name: 'Members and roles' }).count()).toBe(0);

    const admin = await h.newPage();
    await h.signIn(admin, ADMIN, { path: '/r/vision' });
    const members = admin.getByRole('region', { name: 'Members and roles' });
    await members.getByRole('cell', { name: 'alice', exact: true }).waitFor();
    expect(await members.getByLabel('Role of alice').inputValue()).toBe('MEMBER');

    await members.getByLabel('Subject or group:<name>').fill('group:vision-readers');
    await members.getByLabel('Role', { exact: true }).selectOption('VIEWER');
    await members.getByRole('button', { name: 'Add member' }).click();
    await members.getByRole('cell', { name: 'group:vision-readers', exact: true }).waitFor();
    await members.getByLabel('Role of alice').selectOption('ADMIN');
    await eventually(async () => {
      const r = await h.server.ok(`{ registry(name: "vision") { members { subject role } } }`);
      expect(r.registry.members).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ subject: 'alice', role: 'ADMIN' }),
          expect.objectContaining({ subject: 'group:vision-readers', role: 'VIEWER' }),
        ]),
      );
    });
    expect(h.problems(admin)).toEqual([]);
  });

  it('says NOT_FOUND for a registry that does not exist or cannot be read', async () => {
    const page = await h.newPage();
    await h.signIn(page, 'alice', { path: '/r/private-lab' });
    await page.getByRole('alert').getByText('NOT_FOUND').waitFor();
  });
});
