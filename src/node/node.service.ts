import DataLoader from 'dataloader';
import { Authorizer } from '../access/authorizer';
import { Principal } from '../access/principal';
import { expectGlobalId, fromGlobalId } from '../common/global-id';
import { BadInputError, NotFoundError } from '../common/errors';
import { Database } from '../db/database';
import { Loaders } from '../graphql/loaders';
import { ModelEntity } from '../models/model.entity';
import { RegistryEntity } from '../registry/registry.entity';
import { VersionEntity } from '../versions/version.entity';
import { ArtifactEntity } from '../lineage/artifact.entity';
import { RunEntity } from '../lineage/run.entity';
import { WebhookDeliveryEntity } from '../webhooks/delivery.entity';
import { WebhookEntity } from '../webhooks/webhook.entity';
import { AliasChangeRequestEntity } from '../aliases/change-request.entity';

type AnyNode =
  | RegistryEntity
  | ModelEntity
  | VersionEntity
  | RunEntity
  | ArtifactEntity
  | WebhookEntity
  | WebhookDeliveryEntity
  | AliasChangeRequestEntity;

/**
 * `node(id)`: any object by global id, under the same read rule as direct access. An object in a
 * registry the caller cannot read is NOT_FOUND, exactly like an id that never existed. Webhooks and
 * their deliveries exist only for the registry's admins.
 */
export class NodeService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
  ) {}

  async get(principal: Principal, globalId: string): Promise<AnyNode> {
    const { type, id } = fromGlobalId(globalId);
    const em = this.db.manager;
    let node: AnyNode | null;
    let registry: RegistryEntity | null;
    if (type === 'Webhook' || type === 'WebhookDelivery') {
      const delivery = type === 'WebhookDelivery' ? await em.findOneBy(WebhookDeliveryEntity, { id }) : null;
      const webhook =
        type === 'Webhook' || delivery ? await em.findOneBy(WebhookEntity, { id: delivery?.webhookId ?? id }) : null;
      node = delivery ?? webhook;
      registry = webhook && (await em.findOneBy(RegistryEntity, { id: webhook.registryId }));
    } else if (type === 'Run' || type === 'Artifact') {
      node = await em.findOneBy(type === 'Run' ? RunEntity : ArtifactEntity, {
        id,
      });
      registry =
        node &&
        (await em.findOneBy(RegistryEntity, {
          id: (node as RunEntity | ArtifactEntity).registryId,
        }));
    } else if (type === 'AliasChangeRequest') {
      node = await em.findOneBy(AliasChangeRequestEntity, { id });
      registry = node && (await em.findOneBy(RegistryEntity, { id: node.registryId }));
    } else if (type === 'Registry') {
      node = registry = await em.findOneBy(RegistryEntity, { id });
    } else if (type === 'RegisteredModel') {
      const model = (node = await em.findOneBy(ModelEntity, { id }));
      registry = model && (await em.findOneBy(RegistryEntity, { id: model.registryId }));
    } else {
      const version = (node = await em.findOneBy(VersionEntity, { id }));
      const model = version && (await em.findOneBy(ModelEntity, { id: version.modelId }));
      registry = model && (await em.findOneBy(RegistryEntity, { id: model.registryId }));
    }
    const permission = type === 'Webhook' || type === 'WebhookDelivery' ? 'webhook:manage' : 'registry:read';
    if (!node || !registry || !(await this.authz.can(principal, permission, registry))) {
      throw new NotFoundError(`Nothing with id "${globalId}" was found.`);
    }
    return node;
  }

  /**
   * Entities by their federation keys, for `_entities`: the read rule of `node(id)`, but an entity
   * that is missing or that the caller cannot read is null, not an error (the gateway then nulls
   * just that entity), and an id this server never issued is a BAD_USER_INPUT error in its place.
   * The whole batch is resolved together: rows come through the request's loaders (one statement
   * per table however many there are, and the fields resolved next find them), and read access is
   * decided once per registry, not once per entity.
   */
  async references(
    principal: Principal,
    loaders: Loaders,
    type: EntityType,
    globalIds: readonly unknown[],
  ): Promise<(RegistryEntity | ModelEntity | VersionEntity | BadInputError | null)[]> {
    const ids = globalIds.map((globalId) => {
      // Representations are `_Any`: nothing has checked their shape yet.
      if (typeof globalId !== 'string')
        return new BadInputError(
          `A ${type} representation needs an "id" string; got ${globalId === undefined ? 'none' : typeof globalId}.`,
          'representations',
        );
      try {
        return expectGlobalId(globalId, type);
      } catch (e) {
        return e as BadInputError;
      }
    });
    const valid = ids.filter((id): id is string => typeof id === 'string');
    const versions = type === 'ModelVersion' ? await loadAll(loaders.version, valid) : null;
    const modelIds = type === 'RegisteredModel' ? valid : versions && [...versions.values()].map((v) => v.modelId);
    const models = modelIds ? await loadAll(loaders.model, modelIds) : null;
    const registryIds = type === 'Registry' ? valid : [...(models?.values() ?? [])].map((m) => m.registryId);
    const registries = await loadAll(loaders.registry, registryIds);
    const readable = new Set<string>();
    for (const registry of registries.values())
      if (await this.authz.can(principal, 'registry:read', registry)) readable.add(registry.id);
    return ids.map((id) => {
      if (typeof id !== 'string') return id;
      const version = versions?.get(id);
      const model = type === 'RegisteredModel' ? models!.get(id) : version && models!.get(version.modelId);
      const registryId = type === 'Registry' ? id : model?.registryId;
      if (!registryId || !readable.has(registryId)) return null;
      return (type === 'Registry' ? registries.get(id) : type === 'RegisteredModel' ? model : version) ?? null;
    });
  }
}

/** The rows a loader finds for some ids (each asked once), by id; missing ones left out. */
async function loadAll<T extends { id: string }>(
  loader: DataLoader<string, T | null>,
  ids: string[],
): Promise<Map<string, T>> {
  const rows = await loader.loadMany([...new Set(ids)]);
  const found = new Map<string, T>();
  for (const row of rows) {
    if (row instanceof Error) throw row;
    if (row) found.set(row.id, row);
  }
  return found;
}

/** The types this subgraph resolves by `@key(fields: "id")`. */
export type EntityType = 'Registry' | 'RegisteredModel' | 'ModelVersion';
