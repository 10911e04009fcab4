import { RegistryEntity } from '../registry/registry.entity';

/**
 * Whether an alias name is protected in a registry: only its admins may set, move or remove it,
 * or rename or archive a model that holds it. Protection ignores case: `Production` is a different alias
 * from `production`, but one a deploy script or a person could mistake for it.
 */
export function isProtectedAlias(registry: RegistryEntity, alias: string): boolean {
  const name = alias.toLowerCase();
  return registry.protectedAliases.some((p) => p.toLowerCase() === name);
}
