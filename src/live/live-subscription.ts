import { EventPayload } from '../changes';
import { RegistryError } from '../common/errors';
import { Principal } from '../access/principal';
import { LiveFilter } from './live-filter';

/** Events waiting for a client that reads slower than they come; past this, it is cut off. */
export const MAX_QUEUED_EVENTS = 1000;

/**
 * One open subscription: an async iterator of events that the fan-out pushes into. graphql-ws
 * pulls from it and sends each one; `fail` ends it with an error the client sees (an `error`
 * message), `return` (the client completing, or the socket closing) ends it quietly.
 */
export class LiveSubscription implements AsyncIterableIterator<EventPayload> {
  private readonly queue: EventPayload[] = [];
  private waiting: ((r: IteratorResult<EventPayload>) => void) | null = null;
  private failWaiting: ((err: Error) => void) | null = null;
  private failure: Error | null = null;
  private done = false;

  constructor(
    readonly principal: Principal,
    readonly registryId: string,
    readonly filter: LiveFilter,
    private readonly onEnd: (s: LiveSubscription) => void,
  ) {}

  get open(): boolean {
    return !this.done && this.failure === null;
  }

  push(event: EventPayload): void {
    if (!this.open) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.failWaiting = null;
      resolve({ value: event, done: false });
      return;
    }
    this.queue.push(event);
  }

  /** Ends the subscription with an error once the events queued before it are sent. */
  fail(error: RegistryError): void {
    if (!this.open) return;
    this.failure = error;
    this.onEnd(this);
    if (this.failWaiting) {
      const reject = this.failWaiting;
      this.waiting = this.failWaiting = null;
      reject(error);
    }
  }

  get queued(): number {
    return this.queue.length;
  }

  next(): Promise<IteratorResult<EventPayload>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.failure) {
      const failure = this.failure;
      this.done = true;
      return Promise.reject(failure);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<EventPayload>> {
    if (!this.done) {
      this.done = true;
      this.queue.length = 0;
      if (this.failure === null) this.onEnd(this);
      this.waiting?.({ value: undefined, done: true });
      this.waiting = this.failWaiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
