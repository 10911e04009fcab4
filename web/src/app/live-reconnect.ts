/**
 * Tells pages that the subscriptions' WebSocket came back after a drop. graphql-ws re-subscribes by
 * itself, but events are live only (docs/live.md: at most once): whatever changed while the socket
 * was down was never sent, so a page showing live data reads it again when this fires.
 */
type Listener = () => void;
const listeners = new Set<Listener>();

export function onLiveReconnected(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function notifyLiveReconnected(): void {
  for (const listener of listeners) listener();
}
