import { Authorizer } from './access/authorizer';
import { Policy } from './access/policy';
import { RoleService } from './access/role.service';
import { AuditQueryService } from './audit/audit-query.service';
import { ArtifactService } from './lineage/artifact.service';
import { LineageLimits, LineageService } from './lineage/lineage.service';
import { RunService } from './lineage/run.service';
import { AliasService } from './aliases/alias.service';
import { Database } from './db/database';
import { ModelService } from './models/model.service';
import { NodeService } from './node/node.service';
import { RegistryService } from './registry/registry.service';
import { VersionService } from './versions/version.service';

/** The application's services, made once per process and shared by all requests. */
export interface Services {
  db: Database;
  authz: Authorizer;
  registries: RegistryService;
  models: ModelService;
  versions: VersionService;
  aliases: AliasService;
  nodes: NodeService;
  roles: RoleService;
  audit: AuditQueryService;
  runs: RunService;
  artifacts: ArtifactService;
  lineage: LineageService;
}

export function createServices(db: Database, policy: Policy, lineageLimits: LineageLimits): Services {
  const authz = new Authorizer(policy);
  const registries = new RegistryService(db, authz);
  const models = new ModelService(db, authz, registries);
  const aliases = new AliasService(db, authz, models);
  const runs = new RunService(db, authz, registries);
  const versions = new VersionService(db, authz, registries, models, aliases, runs);
  return {
    db,
    authz,
    registries,
    models,
    versions,
    aliases,
    nodes: new NodeService(db, authz),
    roles: new RoleService(db, authz, registries),
    audit: new AuditQueryService(db, authz, registries, models),
    runs,
    artifacts: new ArtifactService(db, authz, registries, runs),
    lineage: new LineageService(db, authz, lineageLimits),
  };
}
