import { Authorizer } from '../access/authorizer';
import { Principal } from '../access/principal';
import { changeTypeOf } from '../changes';
import { CommittedEvent } from '../changes';
import { LimitExceededError, NotFoundError, UnavailableError } from '../common/errors';
import { Logger } from '../common/logger';
import { LiveBus } from './bus';
import { LiveFilter, wantsEvent } from './live-filter';
import { LiveSubscription, MAX_QUEUED_EVENTS } from './live-subscription';

export interface FanoutCounters {
  /** An event handed to one subscription. */
  delivered(type: string): void;
}

/**
 * This server's subscriptions, by registry, and the loop that hands them the bus's events.
 *
 * Batches are handled one at a time, in the order the bus delivers them, so a model's events
 * reach each subscriber in commit order. Before each batch the policy catches up with the
 * database (one read of the policy version; a reload only if another server changed access), and
 * each subscriber's access is checked for each event: a member whose role was revoked, here or on
 * another replica, gets no event committed after the revoke, and their subscription ends with the
 * NOT_FOUND a query about that registry would now get. A change to access (a role granted or
 * revoked, a visibility change) re-checks that registry's subscriptions at once.
 */
export class LiveFanout {
  private readonly byRegistry = new Map<string, Set<LiveSubscription>>();
  private readonly bySubject = new Map<string, number>();
  private pending: CommittedEvent[][] = [];
  private draining = false;
  private count = 0;

  constructor(
    readonly bus: LiveBus,
    private readonly authz: Authorizer,
    private readonly logger: Logger,
    private readonly limits: { maxSubscriptionsPerSubject: number },
    private readonly counters: FanoutCounters = { delivered: () => {} },
  ) {
    bus.onEvents((events) => this.enqueue(events));
    bus.onStatus((up) => {
      if (!up) this.failAll(interrupted());
    });
  }

  /** Open subscriptions on this server. */
  get size(): number {
    return this.count;
  }

  /**
   * A new subscription to events of one registry, which the caller has been allowed to read (the
   * resolver asked RegistryService.get). Refused while the bus is down, and past the per-subject limit.
   */
  subscribe(principal: Principal, registry: { id: string; name: string }, filter: LiveFilter): LiveSubscription {
    if (!this.bus.up) throw interrupted();
    const mine = this.bySubject.get(principal.subject) ?? 0;
    if (mine >= this.limits.maxSubscriptionsPerSubject) {
      throw new LimitExceededError(
        `You have ${mine} subscriptions open on this server; the limit is ${this.limits.maxSubscriptionsPerSubject} (LIVE_MAX_SUBSCRIPTIONS_PER_SUBJECT).`,
        { limit: 'LIVE_MAX_SUBSCRIPTIONS_PER_SUBJECT', max: this.limits.maxSubscriptionsPerSubject },
      );
    }
    const sub = new LiveSubscription(principal, registry.id, filter, (s) => this.remove(s));
    let set = this.byRegistry.get(registry.id);
    if (!set) this.byRegistry.set(registry.id, (set = new Set()));
    set.add(sub);
    this.bySubject.set(principal.subject, mine + 1);
    this.count++;
    return sub;
  }

  /** Ends every subscription with an error (shutdown, bus lost). */
  failAll(error: UnavailableError): void {
    for (const set of [...this.byRegistry.values()]) for (const sub of [...set]) sub.fail(error);
  }

  /** Resolves once the batches received so far have been handed out (tests, benchmarks). */
  async settled(): Promise<void> {
    while (this.draining) await new Promise((r) => setImmediate(r));
  }

  private enqueue(events: CommittedEvent[]): void {
    this.pending.push(events);
    if (this.draining) return;
    // A flag, not the loop's promise: the loop clears it in the same turn as it sees nothing left,
    // so a batch queued just after is never left waiting for the next one.
    this.draining = true;
    // Through Redis, each replica publishes on its own connection, and Redis serves the
    // connections it finds ready in its own order: two commits a few milliseconds apart on two
    // replicas can reach it swapped. Events wait REORDER_MS here and go out in the order of their
    // ids (uuidv7, taken under the model's lock, so in commit order up to the replicas' clocks).
    if (this.bus.kind === 'redis') setTimeout(() => void this.drain(), REORDER_MS);
    else void this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batches = this.pending;
        this.pending = [];
        // Nobody here to tell: no need to read the policy version.
        if (this.count === 0) continue;
        try {
          await this.authz.catchUp();
        } catch (err) {
          // The database is out: decide with the policy loaded last, as requests do meanwhile.
          this.logger.warn('live updates: could not check the policy version', { error: (err as Error).message });
        }
        for (const event of inCommitOrder(batches)) await this.deliverSafely(event);
      }
    } finally {
      this.draining = false;
    }
  }

  private async deliverSafely(event: CommittedEvent): Promise<void> {
    try {
      await this.deliver(event);
    } catch (err) {
      this.logger.error('live updates: an event could not be handed out', {
        type: event.payload.type,
        error: (err as Error)?.stack ?? String(err),
      });
    }
  }

  private async deliver({ registryId, payload }: CommittedEvent): Promise<void> {
    const set = this.byRegistry.get(registryId);
    if (!set) return;
    const access = changeTypeOf(payload.type as Parameters<typeof changeTypeOf>[0])?.access === true;
    for (const sub of [...set]) {
      if (!sub.open) continue;
      const wanted = wantsEvent(sub.filter, payload);
      if (!wanted && !access) continue;
      if (!(await this.authz.can(sub.principal, 'registry:read', { id: registryId }))) {
        sub.fail(new NotFoundError(`Registry "${payload.registry.name}" was not found.`));
        continue;
      }
      if (!wanted) continue;
      if (sub.queued >= MAX_QUEUED_EVENTS) {
        sub.fail(
          new UnavailableError(
            `This subscription fell ${MAX_QUEUED_EVENTS} events behind and was ended; read the current state and subscribe again.`,
          ),
        );
        continue;
      }
      sub.push(payload);
      this.counters.delivered(payload.type);
    }
  }

  private remove(sub: LiveSubscription): void {
    const set = this.byRegistry.get(sub.registryId);
    if (!set?.delete(sub)) return;
    if (set.size === 0) this.byRegistry.delete(sub.registryId);
    const left = (this.bySubject.get(sub.principal.subject) ?? 1) - 1;
    if (left > 0) this.bySubject.set(sub.principal.subject, left);
    else this.bySubject.delete(sub.principal.subject);
    this.count--;
  }
}

function interrupted(): UnavailableError {
  return new UnavailableError(
    'Live updates are interrupted: this server lost its event bus (Redis) and events may have been missed. ' +
      'Read the current state and subscribe again; the server is reconnecting.',
  );
}

/** How long events from the Redis bus wait to be put back in commit order (see enqueue). */
export const REORDER_MS = 50;

/**
 * The events of these batches by the time in their ids (`evt_` + uuidv7, whose first 48 bits are
 * milliseconds); the sort is stable, so events of one millisecond keep the order they came in.
 */
export function inCommitOrder(batches: CommittedEvent[][]): CommittedEvent[] {
  const at = (e: CommittedEvent) => e.payload.id.slice(4, 17);
  return batches.flat().sort((x, y) => (at(x) < at(y) ? -1 : at(x) > at(y) ? 1 : 0));
}
