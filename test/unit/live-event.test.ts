import { GraphQLNamedType, GraphQLObjectType, GraphQLSchema, getNamedType, isObjectType } from 'graphql';
import { buildPayload } from '../../src/changes/payload';
import { buildRegistrySchema } from '../../src/graphql/schema';
import { LIVE_FIELDS, LiveFilter, wantsEvent } from '../../src/live/live-filter';
import { ModelEntity } from '../../src/models/model.entity';
import { VersionEntity } from '../../src/versions/version.entity';

// The subscription event is the webhook payload: one definition (buildPayload), and the GraphQL
// type LiveEvent must have exactly its fields, all the way down. And which events a subscription
// wants, without a server.

const version = (n: number) =>
  Object.assign(new VersionEntity(), {
    id: `00000000-0000-7000-8000-00000000000${n}`,
    number: n,
    artifactUri: `s3://b/${n}`,
    artifactDigest: `sha256:${String(n).repeat(64)}`,
    artifactSizeBytes: 10,
  });
const model = Object.assign(new ModelEntity(), { id: '00000000-0000-7000-8000-0000000000aa', name: 'm' });
const payload = buildPayload(
  'evt_1',
  {
    type: 'alias.set',
    registry: { id: '00000000-0000-7000-8000-0000000000bb', name: 'r' },
    model,
    version: version(2),
    previousVersion: version(1),
    alias: 'staging',
    data: { reason: null, protected: false },
  },
  { principal: { subject: 'alice', groups: [], globalAdmin: false }, requestId: 'req' },
  new Date('2026-11-30T00:00:00Z'),
);

/** The field names of a GraphQL object type, nested: `{ id: true, version: { number: true, … } }`. */
function shape(type: GraphQLNamedType): unknown {
  if (!isObjectType(type) || type.name === 'JSONObject') return true;
  return Object.fromEntries(
    Object.values((type as GraphQLObjectType).getFields()).map((f) => [f.name, shape(getNamedType(f.type))]),
  );
}
/** The keys of a payload, nested the same way (`data` is one JSON value). */
function keys(value: unknown, key = ''): unknown {
  if (key === 'data' || value === null || typeof value !== 'object') return true;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keys(v, k)]));
}

describe('the LiveEvent type', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildRegistrySchema();
  });

  it('has exactly the fields of the webhook payload, nested', () => {
    expect(shape(schema.getType('LiveEvent')!)).toEqual(keys(payload));
  });

  it('is what every subscription field returns', () => {
    const fields = schema.getSubscriptionType()!.getFields();
    expect(Object.keys(fields).sort()).toEqual(Object.keys(LIVE_FIELDS).sort());
    for (const f of Object.values(fields)) expect(getNamedType(f.type).name).toBe('LiveEvent');
  });
});

describe('which events a subscription wants', () => {
  const filter = (f: Partial<LiveFilter>): LiveFilter => ({
    types: LIVE_FIELDS.aliasChanged,
    model: null,
    alias: null,
    ...f,
  });
  const event = (over: Partial<typeof payload>) => ({ ...payload, ...over });

  it('takes its own types only', () => {
    expect(wantsEvent(filter({}), payload)).toBe(true);
    expect(wantsEvent(filter({ types: LIVE_FIELDS.versionLinked }), payload)).toBe(false);
  });

  it('matches the model by name and the alias exactly, case included', () => {
    expect(wantsEvent(filter({ model: 'm' }), payload)).toBe(true);
    expect(wantsEvent(filter({ model: 'M' }), payload)).toBe(false);
    expect(wantsEvent(filter({ alias: 'staging' }), payload)).toBe(true);
    expect(wantsEvent(filter({ alias: 'Staging' }), payload)).toBe(false);
  });

  it('leaves latest out unless the alias filter names it, as webhooks do', () => {
    expect(wantsEvent(filter({}), event({ alias: 'latest' }))).toBe(false);
    expect(wantsEvent(filter({ alias: 'latest' }), event({ alias: 'latest' }))).toBe(true);
  });
});
