import type { MetricCatalog } from './metrics';
import type { ServiceDefinition, ServiceSpec } from './spec';

/**
 * Declares a monitored service. The metric catalogue is inferred with literal types, so `red.requests`
 * must name a declared counter and `red.latency` a declared histogram, or the program does not compile.
 * Everything else is checked by validateServices when the stack is built, with the path of each problem.
 */
export function defineService<const M extends MetricCatalog>(spec: ServiceSpec<M>): ServiceDefinition {
  return { ...(spec as unknown as ServiceSpec), kind: 'promstack.service' };
}
