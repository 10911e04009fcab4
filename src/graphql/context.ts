import { Caller, Principal } from '../access/principal';
import { Services } from '../services';
import { Loaders } from './loaders';

/** What every resolver receives: who is calling, the services, and this request's loaders. */
export interface Context {
  caller: Caller;
  principal: Principal;
  services: Services;
  loaders: Loaders;
}
