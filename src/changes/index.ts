/**
 * The change-recording seam: features describe a change once (Change) and ChangeLog writes its
 * audit row, outbox rows and policy-version bump in their transaction, from one catalogue of
 * change types. It is the only writer of audit and outbox rows: testWebhook's ping and a
 * redelivery are queued through it too (queuePing, requeue). Features import this file, never
 * the folder's other modules (a dependency rule) nor webhook delivery (src/delivery).
 */
export { CHANGE_TYPES, changeTypeOf, EVENT_TYPES, isEventType, PING } from './catalogue';
export type { ChangeType, EventType } from './catalogue';
export type { Change } from './change';
export { ChangeLog } from './change-log';
export type { CommitListener } from './change-log';
export type { CommittedEvent, EventPayload } from './payload';
export { changedFields } from './changed-fields';
export { queuePing, requeue } from './outbox-rows';
