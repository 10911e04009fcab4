import { BadInputError } from './errors';

/**
 * Global ids are opaque to clients: base64url of `<Type>:<uuid>`. They key on surrogate ids, so a
 * rename never changes them. Decoding checks the shape so a forged id is BAD_USER_INPUT, not a
 * database error.
 */
export const NODE_TYPES = [
  'Registry',
  'RegisteredModel',
  'ModelVersion',
  'Run',
  'Artifact',
  'Webhook',
  'WebhookDelivery',
  'AliasChangeRequest',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function toGlobalId(type: NodeType, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string): { type: NodeType; id: string } {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const sep = decoded.indexOf(':');
  const type = decoded.slice(0, sep) as NodeType;
  const id = decoded.slice(sep + 1);
  if (sep < 0 || !NODE_TYPES.includes(type) || !UUID.test(id)) {
    throw new BadInputError(`"${globalId}" is not an id this server issued.`, 'id');
  }
  return { type, id };
}

/** Like fromGlobalId, but also requires the id to be of one type. */
export function expectGlobalId(globalId: string, type: NodeType, field = 'id'): string {
  const parsed = fromGlobalId(globalId);
  if (parsed.type !== type) throw new BadInputError(`"${globalId}" is not the id of a ${type}.`, field);
  return parsed.id;
}
