import { EntityManager } from 'typeorm';
import { Authorizer } from '../access/authorizer';
import { Caller, Principal } from '../access/principal';
import { ChangeLog, queuePing, requeue } from '../changes';
import { BadInputError, ConflictError, NotFoundError } from '../common/errors';
import { expectGlobalId } from '../common/global-id';
import { fetchPage, KeysetOrder, Page, PageArgs } from '../common/pagination';
import { uuidv7 } from '../common/uuid';
import { Database } from '../db/database';
import { RegistryEntity } from '../registry/registry.entity';
import { RegistryService } from '../registry/registry.service';
import { DeliveryAttempts } from '../delivery/attempt';
import { WebhookDeliveryStatus, WebhookDeliveryEntity } from './delivery.entity';
import { DELETE_BATCH } from '../delivery/outbox';
import { generateSecret } from '../delivery/signing';
import { CreateWebhookParams, parseWebhookFields, snapshot, UpdateWebhookParams } from './webhook.params';
import { WebhookEntity } from './webhook.entity';

/** A registry's webhooks are capped: each one multiplies every event of the registry. */
export const MAX_WEBHOOKS_PER_REGISTRY = 50;
/** After a rotation, deliveries are signed with the old secret too for this long. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3600 * 1000;

const OLDEST_FIRST: KeysetOrder<WebhookEntity> = {
  key: 'webhook:id',
  columns: [{ expr: 'w.id', dir: 'ASC', kind: 'string', value: (w) => w.id }],
};
const NEWEST_FIRST: KeysetOrder<WebhookDeliveryEntity> = {
  key: 'delivery:id:DESC',
  columns: [{ expr: 'd.id', dir: 'DESC', kind: 'string', value: (d) => d.id }],
};

/** The same words for an id that does not exist and one in a registry the caller cannot read. */
const notFound = (globalId: string) => new NotFoundError(`Nothing with id "${globalId}" was found.`);

/**
 * Webhooks: registry admins (permission `webhook:manage`) create, change, test and delete them,
 * and read their deliveries. Secrets are returned once, by the mutation that made them, and by no
 * query.
 */
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly registries: RegistryService,
    private readonly attempts: DeliveryAttempts,
    private readonly allowPrivateNetworks: boolean,
    private readonly changes: ChangeLog,
  ) {}

  async create(caller: Caller, input: CreateWebhookParams): Promise<{ webhook: WebhookEntity; secret: string | null }> {
    const fields = parseWebhookFields(input, this.allowPrivateNetworks);
    if (!fields.url || !fields.events)
      throw new BadInputError('A webhook needs a url and at least one event.', fields.url ? 'events' : 'url');
    const generated = fields.secret ? null : generateSecret();
    return this.db.transaction(async (em) => {
      const found = await this.registries.get(caller.principal, input.registry, em);
      await this.authz.require(caller.principal, 'webhook:manage', found);
      // Locked so that concurrent creations cannot pass the cap together.
      const registry = (await this.db.lockForUpdate(em, RegistryEntity, found.id))!;
      if ((await em.countBy(WebhookEntity, { registryId: registry.id })) >= MAX_WEBHOOKS_PER_REGISTRY) {
        throw new ConflictError(
          `Registry "${registry.name}" already has ${MAX_WEBHOOKS_PER_REGISTRY} webhooks, the most it may have.`,
        );
      }
      const now = new Date();
      const webhook: WebhookEntity = {
        id: uuidv7(),
        registryId: registry.id,
        url: fields.url!,
        description: fields.description ?? null,
        events: fields.events!,
        models: fields.filter?.models ?? null,
        aliases: fields.filter?.aliases ?? null,
        format: fields.format ?? 'STANDARD',
        active: fields.active ?? true,
        secret: fields.secret ?? generated!,
        previousSecret: null,
        previousSecretExpiresAt: null,
        createdBy: caller.principal.subject,
        createdAt: now,
        updatedAt: now,
      };
      await em.insert(WebhookEntity, webhook);
      const after = snapshot(webhook);
      await this.changes.record(em, caller, { type: 'webhook.created', registry, targetId: webhook.id, after }, now);
      return { webhook, secret: generated };
    });
  }

  async update(caller: Caller, input: UpdateWebhookParams): Promise<{ webhook: WebhookEntity; secret: string | null }> {
    const id = expectGlobalId(input.webhook, 'Webhook', 'webhook');
    const fields = parseWebhookFields(input, this.allowPrivateNetworks);
    if (input.rotateSecret && fields.secret)
      throw new BadInputError('Give a new secret or ask for one to be generated (rotateSecret), not both.', 'secret');
    const newSecret = input.rotateSecret ? generateSecret() : fields.secret;
    return this.db.transaction(async (em) => {
      const { webhook, registry } = await this.forWrite(em, caller.principal, id, input.webhook);
      const before = snapshot(webhook);
      const previousUrl = webhook.url;
      const now = new Date();
      Object.assign(webhook, {
        url: fields.url ?? webhook.url,
        description: fields.description !== undefined ? fields.description : webhook.description,
        events: fields.events ?? webhook.events,
        models: fields.filter ? fields.filter.models : webhook.models,
        aliases: fields.filter ? fields.filter.aliases : webhook.aliases,
        format: fields.format ?? webhook.format,
        active: fields.active ?? webhook.active,
        updatedAt: now,
      });
      if (newSecret) {
        // The old secret keeps signing for a while, so receivers can switch without a gap.
        Object.assign(webhook, {
          previousSecret: webhook.secret,
          previousSecretExpiresAt: new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS),
          secret: newSecret,
        });
      }
      const { id: _id, registryId: _r, createdBy: _c, createdAt: _t, ...changes } = webhook;
      await em.update(WebhookEntity, { id: webhook.id }, changes);
      if (before.active && !webhook.active) await this.attempts.outbox.pause(em, webhook.id);
      if (!before.active && webhook.active) await this.attempts.outbox.resume(em, webhook.id, now);
      const after = {
        ...snapshot(webhook),
        urlChanged: webhook.url !== previousUrl,
        secretRotated: !!newSecret,
      };
      await this.changes.record(
        em,
        caller,
        {
          type: 'webhook.updated',
          registry,
          targetId: webhook.id,
          before,
          after,
        },
        now,
      );
      return { webhook, secret: input.rotateSecret ? newSecret! : null };
    });
  }

  /**
   * Deletes a webhook and its delivery history; deliveries not yet sent are dropped. The finished
   * history, which can be long, goes first, DELETE_BATCH rows per statement, once the caller is
   * known to be allowed, so no one transaction holds locks on all of it. The transaction then
   * deletes the rest (deliveries still pending) and the webhook. Should it fail, all that is lost
   * is history the caller was deleting anyway.
   */
  async delete(caller: Caller, globalId: string): Promise<WebhookEntity> {
    const id = expectGlobalId(globalId, 'Webhook', 'webhook');
    await this.forWrite(this.db.manager, caller.principal, id, globalId, false);
    let deleted: number;
    do deleted = await this.attempts.outbox.deleteHistory(id, DELETE_BATCH);
    while (deleted === DELETE_BATCH);
    return this.db.transaction(async (em) => {
      const { webhook, registry } = await this.forWrite(em, caller.principal, id, globalId);
      await em.delete(WebhookDeliveryEntity, { webhookId: webhook.id });
      await em.delete(WebhookEntity, { id: webhook.id });
      const before = snapshot(webhook);
      await this.changes.record(em, caller, {
        type: 'webhook.deleted',
        registry,
        targetId: webhook.id,
        before,
      });
      return webhook;
    });
  }

  /**
   * Sends a `webhook.ping` now, once (no retries), and returns its delivery with the outcome.
   * Works on inactive webhooks too, to check a receiver before switching it on.
   */
  async test(caller: Caller, globalId: string): Promise<WebhookDeliveryEntity> {
    const id = expectGlobalId(globalId, 'Webhook', 'webhook');
    const { delivery, webhook } = await this.db.transaction(async (em) => {
      const { webhook, registry } = await this.forWrite(em, caller.principal, id, globalId);
      const now = new Date();
      // Queued already claimed, so no dispatcher picks it up while this request sends it.
      const ping = { webhookId: webhook.id, webhookGlobalId: globalId, registry };
      const row = await queuePing(em, caller, ping, { claimToken: uuidv7(), leaseMs: this.attempts.leaseMs }, now);
      await this.changes.record(em, caller, { type: 'webhook.tested', registry, targetId: webhook.id }, now);
      return { delivery: row, webhook };
    });
    await this.attempts.attempt(delivery, webhook, 1);
    return this.db.manager.findOneByOrFail(WebhookDeliveryEntity, {
      id: delivery.id,
    });
  }

  /**
   * Queues a finished delivery again as a new delivery of the same event: same payload and same
   * `webhook-id`, so a receiver that did process it can tell.
   */
  async redeliver(caller: Caller, globalId: string): Promise<WebhookDeliveryEntity> {
    const id = expectGlobalId(globalId, 'WebhookDelivery', 'delivery');
    return this.db.transaction(async (em) => {
      const original = await em.findOneBy(WebhookDeliveryEntity, { id });
      if (!original) throw notFound(globalId);
      const { webhook, registry } = await this.forWrite(em, caller.principal, original.webhookId, globalId);
      if (original.status === 'PENDING')
        throw new ConflictError('This delivery has not finished yet: it is still being tried.');
      const now = new Date();
      // A webhook that is off gets it parked: it goes out when the webhook is switched on.
      const again = await requeue(em, original, { parked: !webhook.active }, now);
      const after = { eventId: original.eventId, event: original.eventType };
      await this.changes.record(
        em,
        caller,
        {
          type: 'webhook.redelivered',
          registry,
          targetId: original.webhookId,
          after,
        },
        now,
      );
      return again;
    });
  }

  /** The registry's webhooks, oldest first. Registry admins only. */
  async list(principal: Principal, registry: RegistryEntity, args: PageArgs): Promise<Page<WebhookEntity>> {
    await this.authz.require(principal, 'webhook:manage', registry);
    const qb = this.db.manager
      .getRepository(WebhookEntity)
      .createQueryBuilder('w')
      .where('w.registryId = :rid', { rid: registry.id });
    return fetchPage(this.db, qb, OLDEST_FIRST, args);
  }

  /**
   * A webhook's deliveries, newest first. Registry admins only, checked here whatever path led to
   * the webhook (the check needs only its registry's id: no statement).
   */
  async deliveries(
    principal: Principal,
    webhook: WebhookEntity,
    status: WebhookDeliveryStatus | null | undefined,
    args: PageArgs,
  ): Promise<Page<WebhookDeliveryEntity>> {
    await this.authz.require(principal, 'webhook:manage', {
      id: webhook.registryId,
    });
    const qb = this.db.manager
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where('d.webhookId = :wid', { wid: webhook.id });
    if (status) qb.andWhere('d.status = :status', { status });
    return fetchPage(this.db, qb, NEWEST_FIRST, args);
  }

  /** Deliveries waiting to be sent, across all registries. */
  outboxDepth(): Promise<number> {
    return this.attempts.outbox.depth();
  }

  /**
   * A webhook for a change, locked (unless `lock` is false), with its registry; NOT_FOUND unless
   * the caller can read the registry, FORBIDDEN unless they administer it.
   */
  private async forWrite(
    em: EntityManager,
    principal: Principal,
    id: string,
    globalId: string,
    lock = true,
  ): Promise<{ webhook: WebhookEntity; registry: RegistryEntity }> {
    const webhook = lock
      ? await this.db.lockForUpdate(em, WebhookEntity, id)
      : await em.findOneBy(WebhookEntity, { id });
    const registry = webhook && (await em.findOneBy(RegistryEntity, { id: webhook.registryId }));
    if (!webhook || !registry || !(await this.authz.can(principal, 'registry:read', registry)))
      throw notFound(globalId);
    await this.authz.require(principal, 'webhook:manage', registry);
    return { webhook, registry };
  }
}
