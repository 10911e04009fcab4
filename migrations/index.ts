import { InitialSchema1764201600000 } from './1764201600000-InitialSchema';
import { AccessControl1764288000000 } from './1764288000000-AccessControl';
import { Lineage1764374400000 } from './1764374400000-Lineage';
import { Webhooks1764460800000 } from './1764460800000-Webhooks';
import { DeliveryRetention1764547200000 } from './1764547200000-DeliveryRetention';
import { BlobUploads1764633600000 } from './1764633600000-BlobUploads';
import { VersionBlobs1764720000000 } from './1764720000000-VersionBlobs';
import { RestrictedViewer1764806400000 } from './1764806400000-RestrictedViewer';
import { DownloadCount1764892800000 } from './1764892800000-DownloadCount';
import { AuditActionNames1764979200000 } from './1764979200000-AuditActionNames';
import { Governance1765065600000 } from './1765065600000-Governance';
import { ApprovalGroups1765152000000 } from './1765152000000-ApprovalGroups';
import { ModelRevision1765238400000 } from './1765238400000-ModelRevision';

/** Applied in this order by `npm run migrate` and, on the embedded database, at start-up. */
export const MIGRATIONS = [
  InitialSchema1764201600000,
  AccessControl1764288000000,
  Lineage1764374400000,
  Webhooks1764460800000,
  DeliveryRetention1764547200000,
  BlobUploads1764633600000,
  VersionBlobs1764720000000,
  RestrictedViewer1764806400000,
  DownloadCount1764892800000,
  AuditActionNames1764979200000,
  Governance1765065600000,
  ApprovalGroups1765152000000,
  ModelRevision1765238400000,
];
