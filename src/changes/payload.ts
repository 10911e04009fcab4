import { Caller } from '../access/principal';
import { toGlobalId } from '../common/global-id';
import { JsonObject } from '../db/columns';
import { ModelEntity } from '../models/model.entity';
import { versionName } from '../versions/version-ref';
import { VersionEntity } from '../versions/version.entity';
import { EventType, PING } from './catalogue';

/** What a receiver is told about a change, beyond its type. */
export interface EventFields {
  registry: { id: string; name: string };
  model?: ModelEntity | null;
  /** Other names the model went by in this change (a rename's old name), for model filters. */
  formerModelName?: string;
  version?: VersionEntity | null;
  alias?: string | null;
  previousVersion?: VersionEntity | null;
  data?: JsonObject;
}

/** An event as the outbox queues it: a delivered change, or testWebhook's ping. */
export interface RegistryEvent extends EventFields {
  type: EventType | typeof PING;
}

/** A version as payloads show it. Artifact files are left out: there may be thousands. */
export type EventVersionRef = {
  id: string;
  number: number;
  name: string;
  artifact: { uri: string; digest: string; sizeBytes: number };
};

/**
 * The JSON body of an event: what a webhook receives and what a subscription (src/live) sends.
 * docs/architecture.md shows it; `LiveEvent` (src/live/live.types.ts) is its GraphQL type.
 */
export type EventPayload = {
  id: string;
  type: EventType | typeof PING;
  occurredAt: string;
  registry: { id: string; name: string };
  model: { id: string; name: string } | null;
  version: EventVersionRef | null;
  alias: string | null;
  previousVersion: EventVersionRef | null;
  actor: { id: string };
  data: JsonObject;
};

/** A delivered change once its transaction has committed, as the seam hands it to live updates. */
export interface CommittedEvent {
  /** The registry's own id (the payload has its global id), for access checks. */
  registryId: string;
  payload: EventPayload;
}

export function versionRef(v: VersionEntity): EventVersionRef {
  return {
    id: toGlobalId('ModelVersion', v.id),
    number: v.number,
    name: versionName(v),
    artifact: {
      uri: v.artifactUri,
      digest: v.artifactDigest,
      sizeBytes: v.artifactSizeBytes,
    },
  };
}

/**
 * The JSON body of an event, frozen into the outbox when the change commits. Ids are the global
 * ids the GraphQL API returns, so a receiver can fetch more with `node(id:)`.
 */
export function buildPayload(eventId: string, event: RegistryEvent, caller: Caller, at: Date): EventPayload {
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
