import { Arg, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { EventPayload } from '../changes';
import { BadInputError } from '../common/errors';
import { Context } from '../graphql/context';
import { LIVE_FIELDS } from './live-filter';
import { LiveEvent } from './live.types';

interface LiveArgs {
  registry: string;
  model?: string | null;
  alias?: string | null;
}

const NAME_MAX = 255;

/**
 * Opens one subscription: the registry must exist and be readable by the caller (else NOT_FOUND,
 * as for a query); model and alias are filters by name and may name ones not made yet.
 */
function open(field: keyof typeof LIVE_FIELDS) {
  return async ({ args, context }: SubscribeResolverData<unknown, LiveArgs, Context>) => {
    const { registry: name, model = null, alias = null } = args;
    for (const [arg, value] of [
      ['model', model],
      ['alias', alias],
    ] as const) {
      if (value !== null && (value.length === 0 || value.length > NAME_MAX))
        throw new BadInputError(`\`${arg}\` must be 1 to ${NAME_MAX} characters.`, arg);
    }
    const registry = await context.services.registries.get(context.principal, name);
    return context.live.subscribe(
      context.principal,
      { id: registry.id, name: registry.name },
      { types: LIVE_FIELDS[field], model, alias },
    );
  };
}

/**
 * Subscriptions, over WebSocket only (graphql-ws on /graphql, docs/live.md). Each event is the
 * committed change's payload as webhooks receive it; access is checked when subscribing and again
 * for every event (src/live/fanout.ts).
 */
@Resolver()
export class LiveResolver {
  @Subscription(() => LiveEvent, {
    subscribe: open('aliasChanged'),
    description:
      'An alias of the registry was set, moved (`previousVersion` is where it was) or removed (`alias.set`, ' +
      '`alias.removed`). Narrow it to a model and an alias; `latest` is reported only when `alias` names it.',
  })
  aliasChanged(
    @Root() event: EventPayload,
    @Arg('registry') _registry: string,
    @Arg('model', () => String, { nullable: true }) _model?: string | null,
    @Arg('alias', () => String, { nullable: true }) _alias?: string | null,
  ): EventPayload {
    return event;
  }

  @Subscription(() => LiveEvent, {
    subscribe: open('versionLinked'),
    description: 'A version was linked to a model of the registry (`version.linked`); narrow it to one model.',
  })
  versionLinked(
    @Root() event: EventPayload,
    @Arg('registry') _registry: string,
    @Arg('model', () => String, { nullable: true }) _model?: string | null,
  ): EventPayload {
    return event;
  }

  @Subscription(() => LiveEvent, {
    subscribe: open('modelChanged'),
    description:
      'A model of the registry was created, changed or archived (`model.created`, `model.updated`, `model.archived`).',
  })
  modelChanged(@Root() event: EventPayload, @Arg('registry') _registry: string): EventPayload {
    return event;
  }
}
