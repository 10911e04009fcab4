import { EntityManager } from 'typeorm';
import { Caller } from '../access/principal';
import { uuidv7 } from '../common/uuid';
import { LATEST } from '../common/validate';
import { WebhookDeliveryEntity } from './delivery.entity';
import { buildPayload, RegistryEvent } from './events';
import { WebhookEntity } from './webhook.entity';

// A mutation may emit several events (a first link: model.created, version.linked, alias.set…);
// the registry's webhooks are read once per transaction. Keyed by the transaction's manager, so
// nothing outlives the transaction.
const activeWebhooks = new WeakMap<EntityManager, Map<string, Promise<WebhookEntity[]>>>();

function webhooksOf(em: EntityManager, registryId: string): Promise<WebhookEntity[]> {
  let byRegistry = activeWebhooks.get(em);
  if (!byRegistry) activeWebhooks.set(em, (byRegistry = new Map()));
  let found = byRegistry.get(registryId);
  if (!found) {
    // MySQL/MariaDB: a shared lock, so a webhook cannot be deleted or switched off between this
    // read and the outbox insert (which would fail on the foreign key). SQLite transactions are
    // serialized already.
    const shared = em.connection.options.type !== 'better-sqlite3';
    found = em.find(WebhookEntity, {
      where: { registryId, active: true },
      ...(shared ? { lock: { mode: 'pessimistic_read' as const } } : {}),
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
 * inside the caller's transaction, next to its recordAudit. The rows commit with the change or
 * not at all, so a failed or denied mutation emits nothing and a committed one is never lost.
 */
export async function emitEvent(
  em: EntityManager,
  caller: Caller,
  event: RegistryEvent,
  at = new Date(),
): Promise<void> {
  const targets = (await webhooksOf(em, event.registry.id)).filter((w) => wants(w, event));
  if (targets.length === 0) return;
  const eventId = `evt_${uuidv7()}`;
  const payload = buildPayload(eventId, event, caller, at);
  await em.insert(
    WebhookDeliveryEntity,
    targets.map((w) => newDelivery(w.id, eventId, event.type, payload, at)),
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
