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
   * An entity by its federation key, for `_entities`: the read rule of `node(id)`, decided once
   * per entity, but an entity that is missing or that the caller cannot read is null, not an
   * error (the gateway then nulls just that entity). Rows come through the request's loaders, so
   * a batch of representations costs one statement per table however many there are, and the
   * fields resolved next find the rows cached. An id this server never issued is BAD_USER_INPUT.
   */
  async reference(
    principal: Principal,
    loaders: Loaders,
    type: EntityType,
    globalId: unknown,
  ): Promise<RegistryEntity | ModelEntity | VersionEntity | null> {
    // Representations are `_Any`: nothing has checked their shape yet.
    if (typeof globalId !== 'string')
      throw new BadInputError(
        `A ${type} representation needs an "id" string; got ${globalId === undefined ? 'none' : typeof globalId}.`,
        'representations',
      );
    const id = expectGlobalId(globalId, type);
    const version = type === 'ModelVersion' ? await loaders.version.load(id) : null;
    const modelId = type === 'RegisteredModel' ? id : version?.modelId;
    const model = modelId ? await loaders.model.load(modelId) : null;
    const registryId = type === 'Registry' ? id : model?.registryId;
    const registry = registryId ? await loaders.registry.load(registryId) : null;
    if (!registry || !(await this.authz.can(principal, 'registry:read', registry))) return null;
    return type === 'Registry' ? registry : type === 'RegisteredModel' ? model : version;
  }
}

/** The types this subgraph resolves by `@key(fields: "id")`. */
export type EntityType = 'Registry' | 'RegisteredModel' | 'ModelVersion';
