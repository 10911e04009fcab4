import { Authorizer } from './access/authorizer';
import { Policy } from './access/policy';
import { RoleService } from './access/role.service';
import { AuditQueryService } from './audit/audit-query.service';
import { ArtifactService } from './lineage/artifact.service';
import { LineageLimits, LineageService } from './lineage/lineage.service';
import { RunService } from './lineage/run.service';
import { AliasService } from './aliases/alias.service';
import { ChangeRequestService } from './aliases/change-request.service';
import { ChangeLog, CommitListener } from './changes';
import { Database } from './db/database';
import { currentRequestScope } from './common/request-scope';
import { ModelService } from './models/model.service';
import { ModelCache, ModelCacheOptions } from './models/model-cache';
import { NodeService } from './node/node.service';
import { RegistryService } from './registry/registry.service';
import { VersionService } from './versions/version.service';
import { DeliveryAttempts } from './delivery/attempt';
import { Outbox } from './delivery/outbox';
import { WebhookSender } from './delivery/sender';
import { GovernanceConfig, StorageConfig, WebhookConfig } from './config';
import { BlobService } from './files/blob.service';
import { BlobStore } from './storage';
import { WebhookService } from './webhooks/webhook.service';

/** The application's services, made once per process and shared by all requests. */
export interface Services {
  db: Database;
  authz: Authorizer;
  registries: RegistryService;
  models: ModelService;
  versions: VersionService;
  aliases: AliasService;
  changeRequests: ChangeRequestService;
  nodes: NodeService;
  roles: RoleService;
  audit: AuditQueryService;
  runs: RunService;
  artifacts: ArtifactService;
  lineage: LineageService;
  webhooks: WebhookService;
  /** Sends webhook deliveries; the dispatcher and testWebhook share it. */
  webhookDelivery: DeliveryAttempts;
  webhookSender: WebhookSender;
  /** Model files: the byte endpoints' rules over the blob store. */
  blobs: BlobService;
  /** What model pages read, kept between requests under each model's revision. */
  modelCache: ModelCache;
}

export interface ServiceOptions {
  lineage: LineageLimits;
  webhooks: WebhookConfig;
  storage: StorageConfig;
  blobStore: BlobStore;
  governance: GovernanceConfig;
  modelCache: ModelCacheOptions;
  /** Hears of delivered changes once committed: the live bus publishes them. */
  onCommitted?: CommitListener;
}

export function createServices(db: Database, policy: Policy, opts: ServiceOptions): Services {
  const authz = new Authorizer(policy);
  const changes = new ChangeLog(db, () => authz.policyChanged(), opts.onCommitted);
  // A read is kept only if no transaction opened or ended since its request began (request-scope.ts).
  const modelCache = new ModelCache(opts.modelCache, () => {
    const now = db.cleanReadStamp();
    const began = currentRequestScope()?.readStamp;
    return began === undefined || began === now ? now : null;
  });
  const registries = new RegistryService(db, authz, changes);
  const models = new ModelService(db, authz, registries, changes, modelCache);
  const aliases = new AliasService(db, authz, models, changes);
  const runs = new RunService(db, authz, registries, changes);
  const blobs = new BlobService(
    db,
    authz,
    registries,
    opts.blobStore,
    { maxBlobBytes: opts.storage.maxBlobBytes },
    changes,
  );
  const versions = new VersionService(
    db,
    authz,
    registries,
    models,
    aliases,
    runs,
    changes,
    blobs,
    {
      deleteAfterDays: opts.governance.versionDeleteAfterDays,
    },
    modelCache,
  );
  const webhookSender = new WebhookSender({
    allowPrivateNetworks: opts.webhooks.allowPrivateNetworks,
    timeoutMs: opts.webhooks.timeoutMs,
  });
  const webhookDelivery = new DeliveryAttempts(new Outbox(db), webhookSender, opts.webhooks);
  return {
    db,
    authz,
    registries,
    models,
    versions,
    aliases,
    changeRequests: new ChangeRequestService(db, authz, models, aliases, changes, opts.governance.aliasRequestTtlDays),
    nodes: new NodeService(db, authz),
    roles: new RoleService(db, authz, registries, changes),
    audit: new AuditQueryService(db, authz, registries, models),
    runs,
    artifacts: new ArtifactService(db, authz, registries, runs, changes),
    lineage: new LineageService(db, authz, opts.lineage),
    webhooks: new WebhookService(db, authz, registries, webhookDelivery, opts.webhooks.allowPrivateNetworks, changes),
    webhookDelivery,
    webhookSender,
    blobs,
    modelCache,
  };
}
