import { Caller, Principal } from '../access/principal';
import type { LiveFanout } from '../live/fanout';
import { Services } from '../services';
import { Loaders } from './loaders';

/** What every resolver receives: who is calling, the services, and this request's loaders. */
export interface Context {
  caller: Caller;
  principal: Principal;
  services: Services;
  loaders: Loaders;
  /** This server's subscriptions (src/live), for the subscription resolvers. */
  live: LiveFanout;
}
