/**
 * What WebhookService's create and update take (service parameters), and their validation. The
 * GraphQL inputs are in webhook.types.ts.
 */
import { BadInputError } from '../common/errors';
import * as validate from '../common/validate';
import { EVENT_TYPES, EventType, isEventType } from '../changes';
import { parseSecret } from '../delivery/signing';
import { parseWebhookUrl } from '../delivery/url-safety';
import { WEBHOOK_FORMATS, WebhookEntity, WebhookFormat } from './webhook.entity';

export interface WebhookFilterParams {
  models?: string[] | null;
  aliases?: string[] | null;
}

interface WebhookFieldsParams {
  url?: string | null;
  events?: string[] | null;
  secret?: string | null;
  description?: string | null;
  filter?: WebhookFilterParams | null;
  format?: WebhookFormat | null;
  active?: boolean | null;
}

export interface CreateWebhookParams extends WebhookFieldsParams {
  registry: string;
  url: string;
  events: string[];
}

export interface UpdateWebhookParams extends WebhookFieldsParams {
  /** Global id of the webhook. */
  webhook: string;
  /** Generate a new secret (returned once, in the payload). */
  rotateSecret?: boolean | null;
}

/** Validated fields; undefined where the input left a field out. */
export interface WebhookFields {
  url?: string;
  events?: EventType[];
  secret?: string;
  description?: string | null;
  filter?: { models: string[] | null; aliases: string[] | null };
  format?: WebhookFormat;
  active?: boolean;
}

const MAX_FILTER = 100;

function names(values: string[] | null | undefined, field: string, check: (v: string) => void): string[] | null {
  if (values == null) return null;
  if (values.length === 0 || values.length > MAX_FILTER)
    throw new BadInputError(`${field} takes 1-${MAX_FILTER} names; leave it out for no restriction.`, field);
  values.forEach(check);
  return [...new Set(values)];
}

/** Checks every field before any write, so a refused create or update changes nothing. */
export function parseWebhookFields(input: WebhookFieldsParams, allowPrivateNetworks: boolean): WebhookFields {
  const out: WebhookFields = {};
  if (input.url != null) out.url = parseWebhookUrl(input.url, allowPrivateNetworks);
  if (input.events != null) {
    if (input.events.length === 0) throw new BadInputError('Subscribe to at least one event.', 'events');
    for (const e of input.events) {
      if (!isEventType(e))
        throw new BadInputError(`"${e}" is not an event; one of ${EVENT_TYPES.join(', ')}.`, 'events');
    }
    out.events = [...new Set(input.events)] as EventType[];
  }
  if (input.secret != null) out.secret = parseSecret(input.secret);
  if (input.description !== undefined) out.description = validate.text(input.description, 'description');
  if (input.filter != null) {
    out.filter = {
      models: names(input.filter.models, 'filter.models', (m) => validate.modelName(m, 'filter.models')),
      // `latest` may be named here: it opts in to the server's own moves of it.
      aliases: names(input.filter.aliases, 'filter.aliases', (a) => {
        if (!validate.ALIAS_NAME.test(a))
          throw new BadInputError(`Alias "${a}" is invalid: 1-64 letters, digits, "_", "." or "-".`, 'filter.aliases');
      }),
    };
  }
  if (input.format != null) {
    if (!WEBHOOK_FORMATS.includes(input.format))
      throw new BadInputError(`format must be one of ${WEBHOOK_FORMATS.join(', ')}.`, 'format');
    out.format = input.format;
  }
  if (input.active != null) out.active = input.active;
  return out;
}

/**
 * A webhook URL as the audit log keeps it: scheme, host and port only. URLs carry credentials,
 * in their userinfo (`user:pass@`) or as a path or query that is itself the secret (a Slack
 * incoming webhook's `/services/T…/B…/<token>`), and the audit log is read by more people, for
 * longer, than the webhook. `Webhook.url` still shows registry admins the whole URL.
 */
export function auditUrl(raw: string): string {
  const url = new URL(raw);
  return url.pathname === '/' && !url.search ? `${url.origin}/` : `${url.origin}/…`;
}

/** What the audit log keeps of a webhook: everything but its secrets, and of its URL only the origin. */
export function snapshot(w: WebhookEntity) {
  return {
    url: auditUrl(w.url),
    description: w.description,
    events: w.events,
    filter: { models: w.models, aliases: w.aliases },
    format: w.format,
    active: w.active,
  };
}
