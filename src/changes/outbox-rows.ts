import { EntityManager } from 'typeorm';
import { Caller } from '../access/principal';
import { uuidv7 } from '../common/uuid';
import { JsonObject } from '../db/columns';
import { LATEST } from '../common/validate';
import { storableJson } from '../db/json-depth';
import { Dialect } from '../db/dialect';
import { WebhookDeliveryEntity } from '../webhooks/delivery.entity';
import { WebhookEntity } from '../webhooks/webhook.entity';
import { PING } from './catalogue';
import { buildPayload, RegistryEvent } from './payload';

// A mutation may emit several events (a first link: model.created, version.linked, alias.set…);
// the registry's webhooks are read once per transaction. Keyed by the transaction's manager, so
// nothing outlives the transaction.
const activeWebhooks = new WeakMap<EntityManager, Map<string, Promise<WebhookEntity[]>>>();

function webhooksOf(em: EntityManager, dialect: Dialect, registryId: string): Promise<WebhookEntity[]> {
  let byRegistry = activeWebhooks.get(em);
  if (!byRegistry) activeWebhooks.set(em, (byRegistry = new Map<string, Promise<WebhookEntity[]>>()));
  let found = byRegistry.get(registryId);
  if (!found) {
    // A shared lock (where the dialect has row locks), so a webhook cannot be deleted or switched
    // off between this read and the outbox insert (which would fail on the foreign key).
    found = em.find(WebhookEntity, {
      where: { registryId, active: true },
      ...dialect.sharedLock,
    });
    byRegistry.set(registryId, found);
  }
  return found;
}

/**
 * Whether a webhook wants an event. A model filter applies to events about a model (registry-wide
 * events such as role.granted pass it); an alias filter applies to alias events. `latest` is
 * moved by the server on every link and archive, which version.linked and version.archived
 * already report, so its moves reach only webhooks whose alias filter names it.
 */
export function wants(w: WebhookEntity, e: RegistryEvent): boolean {
  if (!w.events.includes(e.type)) return false;
  if (w.models && e.model) {
    const names = [e.model.name, e.formerModelName].filter((n): n is string => !!n);
    if (!names.some((n) => w.models!.includes(n))) return false;
  }
  if (e.alias != null) return w.aliases ? w.aliases.includes(e.alias) : e.alias !== LATEST;
  return true;
}

/**
 * Queues an event for every active webhook of its registry that wants it: one outbox row each,
 * inside the caller's transaction. The rows commit with the change or not at all, so a failed or
 * denied mutation emits nothing and a committed one is never lost.
 */
export async function queueEvent(
  em: EntityManager,
  dialect: Dialect,
  event: RegistryEvent,
  payload: () => JsonObject & { id: string },
  at: Date,
): Promise<void> {
  const targets = (await webhooksOf(em, dialect, event.registry.id)).filter((w) => wants(w, event));
  if (targets.length === 0) return;
  // Cut to a depth every database stores: a payload holds stored values a few levels deeper
  // (`data.before.metadata`), and one stored before the input limits must not block the change.
  const frozen = payload();
  const stored = storableJson(frozen);
  await em.insert(
    WebhookDeliveryEntity,
    targets.map((w) => newDelivery(w.id, frozen.id, event.type, stored, at)),
  );
}

export function newDelivery(
  webhookId: string,
  eventId: string,
  eventType: string,
  payload: WebhookDeliveryEntity['payload'],
  at: Date,
): WebhookDeliveryEntity {
  return {
    id: uuidv7(),
    webhookId,
    eventId,
    eventType,
    payload,
    status: 'PENDING',
    attempts: 0,
    nextAttemptAt: at,
    claimToken: null,
    lastResponseCode: null,
    lastError: null,
    lastAttemptAt: null,
    createdAt: at,
    completedAt: null,
  };
}

/**
 * testWebhook's ping: one outbox row for one webhook, inserted already claimed (with `claimToken`,
 * due again only when the lease ends) so no dispatcher picks it up while the request sends it.
 * It is no change and wants no filter: it goes to that webhook whatever it subscribes to.
 */
export async function queuePing(
  em: EntityManager,
  caller: Caller,
  ping: { webhookId: string; webhookGlobalId: string; registry: { id: string; name: string } },
  claim: { claimToken: string; leaseMs: number },
  at: Date,
): Promise<WebhookDeliveryEntity> {
  const eventId = `evt_${uuidv7()}`;
  const event = { type: PING, registry: ping.registry, data: { webhook: ping.webhookGlobalId } } as const;
  const payload = buildPayload(eventId, event, caller, at);
  const row = {
    ...newDelivery(ping.webhookId, eventId, PING, payload, at),
    claimToken: claim.claimToken,
    nextAttemptAt: new Date(at.getTime() + claim.leaseMs),
  };
  await em.insert(WebhookDeliveryEntity, row);
  return row;
}

/**
 * Queues a finished delivery again as a new row of the same event (same `eventId` and payload),
 * parked (never due) when its webhook is off: it goes out when the webhook is switched on.
 */
export async function requeue(
  em: EntityManager,
  original: WebhookDeliveryEntity,
  opts: { parked: boolean },
  at: Date,
): Promise<WebhookDeliveryEntity> {
  const again = newDelivery(original.webhookId, original.eventId, original.eventType, original.payload, at);
  if (opts.parked) again.nextAttemptAt = null;
  await em.insert(WebhookDeliveryEntity, again);
  return again;
}
