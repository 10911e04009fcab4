import { CommittedEvent } from '../changes';

/**
 * Carries committed events to every server's subscribers. In process (one server) or through
 * Redis pub/sub (replicas, REDIS_URL). Publishing never throws and never waits: a mutation has
 * committed by then, and must not fail or slow down because live updates cannot be sent.
 */
export interface LiveBus {
  readonly kind: 'in-process' | 'redis';
  /** Whether events published now reach subscribers (Redis: the subscription is established). */
  readonly up: boolean;
  /** The events of one transaction, in commit order. */
  publish(events: CommittedEvent[]): void;
  /** Hears every batch published on any server, in the order the bus delivers them. */
  onEvents(handler: (events: CommittedEvent[]) => void): void;
  /** Hears the bus going down (events may have been missed) and coming back. */
  onStatus(handler: (up: boolean) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The single-server default: a publish reaches this process's subscribers only. */
export class InProcessBus implements LiveBus {
  readonly kind = 'in-process' as const;
  readonly up = true;
  private readonly handlers: ((events: CommittedEvent[]) => void)[] = [];

  publish(events: CommittedEvent[]): void {
    for (const handler of this.handlers) handler(events);
  }

  onEvents(handler: (events: CommittedEvent[]) => void): void {
    this.handlers.push(handler);
  }

  onStatus(): void {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
