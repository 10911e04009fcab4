import { Caller } from '../access/principal';
import { toGlobalId } from '../common/global-id';
import { JsonObject } from '../db/columns';
import { ModelEntity } from '../models/model.entity';
import { RegistryEntity } from '../registry/registry.entity';
import { versionName } from '../versions/version-ref';
import { VersionEntity } from '../versions/version.entity';

/**
 * The event catalogue: what a webhook can subscribe to. The names follow the audit log's
 * actions; `alias.set` covers both a new alias and a move (`previousVersion` tells them apart).
 */
export const EVENT_TYPES = [
  'model.created',
  'model.updated',
  'model.archived',
  'version.linked',
  'version.updated',
  'version.archived',
  'alias.set',
  'alias.removed',
  'role.granted',
  'role.revoked',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Sent by testWebhook only; no webhook subscribes to it. */
export const PING = 'webhook.ping';

/** What a service knows about a change when it emits an event. */
export interface RegistryEvent {
  type: EventType | typeof PING;
  registry: RegistryEntity;
  model?: ModelEntity | null;
  /** Other names the model went by in this change (a rename's old name), for model filters. */
  formerModelName?: string;
  version?: VersionEntity | null;
  alias?: string | null;
  previousVersion?: VersionEntity | null;
  data?: JsonObject;
}

/** A version as payloads show it. Artifact files are left out: there may be thousands. */
export function versionRef(v: VersionEntity) {
  return {
    id: toGlobalId('ModelVersion', v.id),
    number: v.number,
    name: versionName(v),
    artifact: { uri: v.artifactUri, digest: v.artifactDigest, sizeBytes: v.artifactSizeBytes },
  };
}

/**
 * The JSON body of an event, frozen into the outbox when the change commits. Ids are the global
 * ids the GraphQL API returns, so a receiver can fetch more with `node(id:)`.
 */
export function buildPayload(eventId: string, event: RegistryEvent, caller: Caller, at: Date): JsonObject {
  const { registry, model, version, previousVersion } = event;
  return {
    id: eventId,
    type: event.type,
    occurredAt: at.toISOString(),
    registry: { id: toGlobalId('Registry', registry.id), name: registry.name },
    model: model ? { id: toGlobalId('RegisteredModel', model.id), name: model.name } : null,
    version: version ? versionRef(version) : null,
    alias: event.alias ?? null,
    previousVersion: previousVersion ? versionRef(previousVersion) : null,
    actor: { id: caller.principal.subject },
    data: event.data ?? {},
  };
}
