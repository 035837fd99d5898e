import type { LbPolicy } from '../../../scenario/types.js';
import { ewma } from './ewma.js';
import { leastConnections } from './least-connections.js';
import { powerOfTwo } from './power-of-two.js';
import { random } from './random.js';
import { roundRobin } from './round-robin.js';
import type { Policy } from './types.js';

export type { Policy, PolicyView } from './types.js';

/** Every load-balancing policy, by its scenario name. */
export const POLICIES: Record<LbPolicy, Policy> = {
  'round-robin': roundRobin,
  'least-connections': leastConnections,
  random,
  'power-of-two': powerOfTwo,
  ewma,
};
