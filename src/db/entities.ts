import { PolicyVersionEntity } from '../access/policy-version.entity';
import { RoleBindingEntity } from '../access/role-binding.entity';
import { AliasEventEntity } from '../aliases/alias-event.entity';
import { AliasEntity } from '../aliases/alias.entity';
import { AliasChangeApprovalEntity, AliasChangeRequestEntity } from '../aliases/change-request.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { BlobUploadEntity } from '../files/blob-upload.entity';
import { VersionBlobEntity } from '../files/version-blob.entity';
import { ArtifactEntity } from '../lineage/artifact.entity';
import { LineageEdgeEntity } from '../lineage/lineage-edge.entity';
import { RunEntity } from '../lineage/run.entity';
import { ModelEntity } from '../models/model.entity';
import { RegistryEntity } from '../registry/registry.entity';
import { VersionEntity } from '../versions/version.entity';
import { WebhookDeliveryEntity } from '../webhooks/delivery.entity';
import { WebhookEntity } from '../webhooks/webhook.entity';

/** Every persisted entity. The migrations in /migrations must produce exactly this schema (tested). */
export const ENTITIES = [
  RegistryEntity,
  ModelEntity,
  VersionEntity,
  AliasEntity,
  AliasEventEntity,
  AuditEventEntity,
  RoleBindingEntity,
  PolicyVersionEntity,
  RunEntity,
  ArtifactEntity,
  LineageEdgeEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
  BlobUploadEntity,
  VersionBlobEntity,
  AliasChangeRequestEntity,
  AliasChangeApprovalEntity,
];
