import { Authorizer } from '../access/authorizer';
import { Principal } from '../access/principal';
import { BadInputError } from '../common/errors';
import { fetchPage, KeysetOrder, Page, PageArgs } from '../common/pagination';
import { Database } from '../db/database';
import { ModelService } from '../models/model.service';
import { RegistryService } from '../registry/registry.service';
import { AuditEventEntity } from './audit-event.entity';

export interface AuditFilter {
  registry?: string | null;
  model?: string | null;
  action?: string | null;
  actor?: string | null;
  since?: Date | null;
  until?: Date | null;
}

const NEWEST_FIRST: KeysetOrder<AuditEventEntity> = {
  key: 'audit:id:DESC',
  columns: [{ expr: 'e.id', dir: 'DESC', kind: 'string', value: (e) => e.id }],
};

/**
 * Reading the audit log: registry admins see their registries' events, global admins see all.
 * The filter on readable registries is part of the SQL, so every page is full.
 */
export class AuditQueryService {
  constructor(
    private readonly db: Database,
    private readonly authz: Authorizer,
    private readonly registries: RegistryService,
    private readonly models: ModelService,
  ) {}

  async list(principal: Principal, filter: AuditFilter, args: PageArgs): Promise<Page<AuditEventEntity>> {
    const qb = this.db.manager.getRepository(AuditEventEntity).createQueryBuilder('e');
    if (filter.registry) {
      const registry = await this.registries.get(principal, filter.registry);
      await this.authz.require(principal, 'registry:admin', registry);
      qb.where('e.registryId = :registryId', { registryId: registry.id });
      if (filter.model)
        qb.andWhere('e.modelId = :modelId', {
          modelId: (await this.models.getIn(registry, filter.model)).id,
        });
    } else {
      if (filter.model) throw new BadInputError('Filtering by model needs the registry too.', 'filter.model');
      const allowed = await this.authz.registryIdsAllowing(principal, 'registry:admin');
      if (allowed !== 'all') {
        if (allowed.length === 0) qb.where('1 = 0');
        else qb.where('e.registryId IN (:...allowed)', { allowed });
      }
    }
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    if (filter.actor) qb.andWhere('e.actor = :actor', { actor: filter.actor });
    if (filter.since)
      qb.andWhere('e.at >= :since', {
        since: this.db.dialect.timestamp(filter.since),
      });
    if (filter.until)
      qb.andWhere('e.at < :until', {
        until: this.db.dialect.timestamp(filter.until),
      });
    return fetchPage(this.db, qb, NEWEST_FIRST, args);
  }
}
