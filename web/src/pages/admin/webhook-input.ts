import type { WebhookFields } from './WebhookForm';

/** The filter as the API takes it: `{}` means none (every model, every alias but `latest`). */
export function filterInput(fields: WebhookFields): { models?: string[]; aliases?: string[] } {
  return {
    ...(fields.models.length ? { models: fields.models } : {}),
    ...(fields.aliases.length ? { aliases: fields.aliases } : {}),
  };
}
