/** The console's URLs (docs/console.md), built in one place so every link encodes its parts the same way. */
const e = encodeURIComponent;

export const registryPath = (registry: string) => `/r/${e(registry)}`;
export const modelPath = (registry: string, model: string) => `${registryPath(registry)}/m/${e(model)}`;
export const versionPath = (registry: string, model: string, version: string) =>
  `${modelPath(registry, model)}/v/${e(version)}`;
export const lineagePath = (registry: string, model: string, version: string) =>
  `${versionPath(registry, model, version)}/lineage`;
export const auditPath = (registry: string) => `${registryPath(registry)}/audit`;
export const webhooksPath = (registry: string) => `${registryPath(registry)}/webhooks`;
export const webhookPath = (registry: string, id: string) => `${webhooksPath(registry)}/${e(id)}`;

/** `registry/model:vN` (a version's fullName) → its parts; null for anything else. */
export function parseFullName(fullName: string): { registry: string; model: string; version: string } | null {
  const m = /^([^/]+)\/(.+):(v\d+)$/.exec(fullName);
  return m ? { registry: m[1], model: m[2], version: m[3] } : null;
}
