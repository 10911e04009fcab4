import { JsonObject } from '../db/columns';

/**
 * The SLACK format: Slack's incoming webhooks (and Mattermost, Teams workflows, Discord's /slack
 * endpoints) take `{ "text": … }` and show it as a message. The text uses Slack's mrkdwn.
 */
type Version = { name: string; artifact: { uri: string } } | null;

/** The fields of a payload (built by `buildPayload`) that the text shows; each event type carries its own. */
interface Payload {
  type: string;
  registry: { name: string };
  model: { name: string } | null;
  version: Version;
  previousVersion: Version;
  alias: string;
  actor: { id: string };
  data: {
    reason?: string | null;
    before?: { name?: string };
    changed?: string[];
    subject: string;
    role: string;
    comment?: string | null;
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const code = (s: string) => `\`${esc(s)}\``;

function changeRequestText(type: string, alias: string, to: string, by: string, reason: string): string {
  switch (type) {
    case 'alias.change_requested':
      return `:raising_hand: Request to point ${alias} at *${to}* ${by}${reason}`;
    case 'alias.change_approved':
      return `:white_check_mark: Request to point ${alias} at ${to} approved ${by}`;
    case 'alias.change_rejected':
      return `:no_entry_sign: Request to point ${alias} at ${to} rejected ${by}`;
    case 'alias.change_cancelled':
      return `:leftwards_arrow_with_hook: Request to point ${alias} at ${to} withdrawn ${by}`;
    case 'alias.change_stale':
      return `:hourglass: Request to point ${alias} at ${to} is stale: the alias moved since (found ${by})`;
    default:
      return `:rocket: ${alias} moved to *${to}* by an approved request (${by})`;
  }
}

export function slackText(payload: JsonObject): string {
  const p = payload as Payload;
  const registry = esc(p.registry.name);
  const model = p.model ? `${registry}/${esc(p.model.name)}` : registry;
  const version = p.version;
  const previous = p.previousVersion;
  const by = `by ${esc(p.actor.id)}`;
  const reason = p.data?.reason ? ` (${esc(p.data.reason)})` : '';
  switch (p.type) {
    case 'registry.updated': {
      const changed = p.data?.changed ?? [];
      return `:gear: Registry *${registry}* updated ${by}: ${changed.map(code).join(', ')}`;
    }
    case 'model.created':
      return `:new: Model *${model}* created ${by}`;
    case 'model.updated': {
      const formerName = p.data?.before?.name;
      const renamed = formerName && formerName !== p.model?.name ? ` (renamed from ${code(formerName)})` : '';
      return `:pencil2: Model *${model}* updated ${by}${renamed}`;
    }
    case 'model.archived':
      return `:file_cabinet: Model *${model}* archived ${by}`;
    case 'version.linked':
      return `:package: *${model}:${version!.name}* linked ${by}: ${code(version!.artifact.uri)}`;
    case 'version.updated':
      return `:pencil2: *${model}:${version!.name}* updated ${by}`;
    case 'version.archived':
      return `:file_cabinet: *${model}:${version!.name}* archived ${by}`;
    case 'model.restored':
      return `:recycle: Model *${model}* restored ${by}`;
    case 'version.restored':
      return `:recycle: *${model}:${version!.name}* restored ${by}`;
    case 'version.deleted':
      return `:x: *${model}:${version!.name}* deleted ${by}`;
    case 'alias.change_requested':
    case 'alias.change_approved':
    case 'alias.change_rejected':
    case 'alias.change_cancelled':
    case 'alias.change_stale':
    case 'alias.change_applied':
      return changeRequestText(p.type, `*${model}:${esc(p.alias)}*`, version?.name ?? 'a deleted version', by, reason);
    case 'alias.set':
      return previous
        ? `:arrow_right: *${model}:${esc(p.alias)}* moved from ${previous.name} to *${version!.name}* ${by}${reason}`
        : `:label: *${model}:${esc(p.alias)}* set to *${version!.name}* ${by}${reason}`;
    case 'alias.removed':
      return `:wastebasket: *${model}:${esc(p.alias)}* removed (was ${previous?.name ?? 'unset'}) ${by}${reason}`;
    case 'role.granted':
      return `:key: ${code(p.data.subject)} is now ${p.data.role} of *${registry}* (granted ${by})`;
    case 'role.revoked':
      return `:no_entry: ${code(p.data.subject)} is no longer ${p.data.role} of *${registry}* (revoked ${by})`;
    case 'webhook.ping':
      return `:wave: Test message from the model registry for *${registry}*, sent ${by}`;
    default:
      return `${esc(p.type)} in *${model}* ${by}`;
  }
}
