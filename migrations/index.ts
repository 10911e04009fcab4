import { InitialSchema1764201600000 } from './1764201600000-InitialSchema';
import { AccessControl1764288000000 } from './1764288000000-AccessControl';
import { Lineage1764374400000 } from './1764374400000-Lineage';
import { Webhooks1764460800000 } from './1764460800000-Webhooks';
import { DeliveryRetention1764547200000 } from './1764547200000-DeliveryRetention';
import { AuditActionNames1764633600000 } from './1764633600000-AuditActionNames';
import { Governance1764720000000 } from './1764720000000-Governance';

/** Applied in this order by `npm run migrate` and, on the embedded database, at start-up. */
export const MIGRATIONS = [
  InitialSchema1764201600000,
  AccessControl1764288000000,
  Lineage1764374400000,
  Webhooks1764460800000,
  DeliveryRetention1764547200000,
  AuditActionNames1764633600000,
  Governance1764720000000,
];
