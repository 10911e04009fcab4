/**
 * The catalogue of change types: every kind of write the registry records. One list, shared by
 * the audit log (its `action` and `targetType`), webhooks (the event names a webhook may
 * subscribe to, the GraphQL WebhookEventType enum) and, later, subscriptions. docs/architecture.md
 * shows it as a table; keep the two together.
 *
 * `target`: the audit row's targetType. `delivered`: whether webhooks can subscribe to it (webhooks
 * belong to a registry, so only changes a registry's receivers can act on are). `access`: whether
 * the change can alter who may do what, so the policy is reloaded after it commits. `summary`:
 * for delivered types, what the event means and what its payload's `data` holds (the GraphQL
 * WebhookEventType enum's descriptions); empty when the name says it all.
 */
export const CHANGE_TYPES = [
  {
    type: 'registry.created',
    target: 'Registry',
    delivered: false,
    access: true,
    summary: 'a registry was made (no webhook can exist yet).',
  },
  {
    type: 'registry.updated',
    target: 'Registry',
    delivered: true,
    access: true,
    summary: 'description, visibility or protected aliases changed; `data` has changed, before and after.',
  },
  {
    type: 'model.created',
    target: 'RegisteredModel',
    delivered: true,
    access: false,
    summary: 'by createModel, or by the first linkModelVersion of a model.',
  },
  {
    type: 'model.updated',
    target: 'RegisteredModel',
    delivered: true,
    access: false,
    summary: 'description, tags or name changed; `data` has before and after.',
  },
  {
    type: 'model.archived',
    target: 'RegisteredModel',
    delivered: true,
    access: false,
    summary: '',
  },
  {
    type: 'model.restored',
    target: 'RegisteredModel',
    delivered: true,
    access: false,
    summary: 'an archived model was restored by an admin.',
  },
  {
    type: 'version.linked',
    target: 'ModelVersion',
    delivered: true,
    access: false,
    summary: 'a new version; `data` has its tags, metrics, run and the aliases set with it.',
  },
  {
    type: 'version.updated',
    target: 'ModelVersion',
    delivered: true,
    access: false,
    summary: 'description, tags, metadata or metrics changed.',
  },
  {
    type: 'version.archived',
    target: 'ModelVersion',
    delivered: true,
    access: false,
    summary: '',
  },
  {
    type: 'version.restored',
    target: 'ModelVersion',
    delivered: true,
    access: false,
    summary: 'an archived version was restored by an admin; `latest` is recomputed.',
  },
  {
    type: 'version.deleted',
    target: 'ModelVersion',
    delivered: true,
    access: false,
    summary: 'an archived version was deleted for good; `data` has the content digests no version references any more.',
  },
  {
    type: 'alias.set',
    target: 'Alias',
    delivered: true,
    access: false,
    summary: 'an alias was set or moved; `previousVersion` is where it was (null when new).',
  },
  {
    type: 'alias.removed',
    target: 'Alias',
    delivered: true,
    access: false,
    summary: '`previousVersion` is where it was.',
  },
  {
    type: 'alias.change_requested',
    target: 'AliasChangeRequest',
    delivered: true,
    access: false,
    summary: 'a member asked to point a protected alias at `version`; `data` has the request id, reason and expiry.',
  },
  {
    type: 'alias.change_approved',
    target: 'AliasChangeRequest',
    delivered: true,
    access: false,
    summary: 'an admin approved a change request; `data` has the request, comment and approvals so far.',
  },
  {
    type: 'alias.change_rejected',
    target: 'AliasChangeRequest',
    delivered: true,
    access: false,
    summary: 'an admin rejected a change request; `data` has the request and comment.',
  },
  {
    type: 'alias.change_cancelled',
    target: 'AliasChangeRequest',
    delivered: true,
    access: false,
    summary: 'the requester withdrew a change request.',
  },
  {
    type: 'alias.change_stale',
    target: 'AliasChangeRequest',
    delivered: true,
    access: false,
    summary: 'an approval found the alias moved since the request: nothing moved.',
  },
  {
    type: 'alias.change_applied',
    target: 'AliasChangeRequest',
    delivered: true,
    access: false,
    summary: 'an approved request moved the alias (an `alias.set` follows).',
  },
  {
    type: 'role.granted',
    target: 'RoleBinding',
    delivered: true,
    access: true,
    summary: '`data` has subject, role and previousRole.',
  },
  {
    type: 'role.revoked',
    target: 'RoleBinding',
    delivered: true,
    access: true,
    summary: '`data` has subject and the role taken away.',
  },
  {
    type: 'run.created',
    target: 'Run',
    delivered: false,
    access: false,
    summary: 'a training run was recorded.',
  },
  {
    type: 'run.updated',
    target: 'Run',
    delivered: false,
    access: false,
    summary: "a run's status, metrics or end changed.",
  },
  {
    type: 'artifact.logged',
    target: 'Artifact',
    delivered: false,
    access: false,
    summary: 'an artifact was logged.',
  },
  {
    type: 'lineage.produced',
    target: 'Artifact',
    delivered: false,
    access: false,
    summary: 'a run was recorded as producing an artifact.',
  },
  {
    type: 'lineage.used',
    target: 'Run',
    delivered: false,
    access: false,
    summary: 'a run was recorded as using an artifact or model version.',
  },
  {
    type: 'webhook.created',
    target: 'Webhook',
    delivered: false,
    access: false,
    summary: 'a webhook was made.',
  },
  {
    type: 'webhook.updated',
    target: 'Webhook',
    delivered: false,
    access: false,
    summary: 'a webhook was changed (URL kept as its origin only).',
  },
  {
    type: 'webhook.deleted',
    target: 'Webhook',
    delivered: false,
    access: false,
    summary: 'a webhook and its deliveries were deleted.',
  },
  {
    type: 'webhook.tested',
    target: 'Webhook',
    delivered: false,
    access: false,
    summary: 'a test ping was sent.',
  },
  {
    type: 'webhook.redelivered',
    target: 'Webhook',
    delivered: false,
    access: false,
    summary: 'a finished delivery was queued again.',
  },
  {
    type: 'blob.uploaded',
    target: 'Blob',
    delivered: false,
    access: false,
    summary: "a file's bytes were uploaded into a registry (the first upload of that blob there by that caller).",
  },
] as const;

type Entry = (typeof CHANGE_TYPES)[number];
export type ChangeType = Entry['type'];
export type AuditTargetType = Entry['target'];
/** The change types a webhook can subscribe to. */
export type EventType = Extract<Entry, { delivered: true }>['type'];

const BY_TYPE = new Map<string, Entry>(CHANGE_TYPES.map((e) => [e.type, e]));

export function changeTypeOf(type: ChangeType): Entry {
  return BY_TYPE.get(type)!;
}

/** The event catalogue: the change types webhooks deliver, in catalogue order. */
export const EVENT_TYPES: readonly EventType[] = CHANGE_TYPES.filter(
  (e): e is Extract<Entry, { delivered: true }> => e.delivered,
).map((e) => e.type);

export function isEventType(value: string): value is EventType {
  return BY_TYPE.get(value)?.delivered === true;
}

/** Sent by testWebhook only; no webhook subscribes to it and it is no change. */
export const PING = 'webhook.ping';
