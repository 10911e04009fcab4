import { Authorizer } from './access/authorizer';
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
}

export function createServices(db: Database): Services {
  const authz = new Authorizer();
  const registries = new RegistryService(db, authz);
  const models = new ModelService(db, authz, registries);
  const aliases = new AliasService(db, authz, models);
  const versions = new VersionService(db, authz, registries, models, aliases);
  return { db, authz, registries, models, versions, aliases, nodes: new NodeService(db, authz) };
}
