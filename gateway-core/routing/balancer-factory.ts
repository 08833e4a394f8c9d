/** Builds the load balancer a backend pool's policy names (one per pool: balancers keep state). */
import type { Balancer } from '../policy/schema.js';
import { LeastConnections } from './least-connections.js';
import { LeastResponseTime } from './least-response-time.js';
import type { LoadBalancer } from './load-balancer.js';
import { PowerOfTwoChoices } from './power-of-two-choices.js';
import { RoundRobin } from './round-robin.js';
import { SmoothWeightedRoundRobin } from './smooth-weighted-round-robin.js';

export function createLoadBalancer(name: Balancer): LoadBalancer {
  switch (name) {
    case 'round-robin':
      return new RoundRobin();
    case 'weighted-round-robin':
      return new SmoothWeightedRoundRobin();
    case 'least-connections':
      return new LeastConnections();
    case 'least-response-time':
      return new LeastResponseTime();
    case 'power-of-two':
      return new PowerOfTwoChoices();
    default: {
      const never: never = name;
      throw new RangeError(`unknown load balancer ${String(never)}`);
    }
  }
}
