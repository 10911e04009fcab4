import { useEffect, useRef } from 'react';
import { useSubscription } from 'urql';
import { onLiveReconnected } from '../../app/live-reconnect';
import {
  ModelAliasChangedSubscription,
  ModelVersionLinkedSubscription,
  RegistryModelChangedSubscription,
} from './model-queries';

/**
 * Keeps an open model page current: an alias moved, a version linked or the model changed,
 * anywhere (docs/live.md), calls `onChange` with a short note of what happened; so does the
 * socket coming back after a drop, since events sent meanwhile are lost.
 */
export function useModelLive(
  registry: string,
  model: string,
  modelId: string | null,
  onChange: (note: string) => void,
) {
  const notify = useRef(onChange);
  useEffect(() => {
    notify.current = onChange;
  });
  const variables = { registry, model };
  const [aliasEvent] = useSubscription({ query: ModelAliasChangedSubscription, variables });
  const [linkEvent] = useSubscription({ query: ModelVersionLinkedSubscription, variables });
  const [modelEvent] = useSubscription({ query: RegistryModelChangedSubscription, variables: { registry } });

  const alias = aliasEvent.data?.aliasChanged;
  useEffect(() => {
    if (!alias) return;
    const where = alias.version ? `to ${alias.version.name}` : 'removed';
    notify.current(`"${alias.alias}" moved ${where} by ${alias.actor.id}`);
  }, [alias]);

  const link = linkEvent.data?.versionLinked;
  useEffect(() => {
    if (link) notify.current(`${link.version?.name ?? 'A version'} linked by ${link.actor.id}`);
  }, [link]);

  const changed = modelEvent.data?.modelChanged;
  useEffect(() => {
    // The registry's stream: only this model's changes matter (by id: a rename keeps it).
    if (changed && modelId && changed.model?.id === modelId)
      notify.current(`Model ${changed.type === 'MODEL_ARCHIVED' ? 'archived' : 'changed'} by ${changed.actor.id}`);
  }, [changed, modelId]);

  useEffect(() => onLiveReconnected(() => notify.current('Reconnected')), []);
}
