import { EventPayload } from '../changes';
import { EventType } from '../changes';
import { LATEST } from '../common/validate';

/** What one subscription field listens to, in one registry. */
export interface LiveFilter {
  types: readonly EventType[];
  /** A model name, or null for every model. */
  model: string | null;
  /** An alias name (case-sensitive, as aliases are), or null for every alias but `latest`. */
  alias: string | null;
}

/** The event types behind each subscription field. */
export const LIVE_FIELDS = {
  aliasChanged: ['alias.set', 'alias.removed'],
  versionLinked: ['version.linked'],
  modelChanged: ['model.created', 'model.updated', 'model.archived'],
} as const satisfies Record<string, readonly EventType[]>;

/**
 * Whether an event of the subscription's registry is one it wants. Models are matched by their
 * name at the time of the event, as webhook filters are. `latest` moves on every link and archive,
 * which versionLinked and modelChanged already report, so, as for webhooks, its moves reach only
 * subscriptions that name it.
 */
export function wantsEvent(filter: LiveFilter, event: EventPayload): boolean {
  if (!(filter.types as readonly string[]).includes(event.type)) return false;
  if (filter.model !== null && event.model?.name !== filter.model) return false;
  if (event.alias != null) return filter.alias !== null ? filter.alias === event.alias : event.alias !== LATEST;
  return true;
}
