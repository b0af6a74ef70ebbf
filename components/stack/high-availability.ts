import type { IssueCollector } from '../model/errors';
import type { StackConfig } from './config';

/**
 * A disruption budget must leave a replicated component at least one replica through a node drain:
 * `maxUnavailable` at or above its replicas would let a drain stop all of them at once.
 */
export function checkHighAvailability(config: StackConfig, issues: IssueCollector): void {
  if (config.platform !== 'kubernetes') return;
  const { maxUnavailable } = config.kubernetes.highAvailability;
  const replicated = (['prometheus', 'alertmanager'] as const).filter(
    (component) => config[component].replicas > 1 && maxUnavailable >= config[component].replicas,
  );
  for (const component of replicated) {
    const replicas = config[component].replicas;
    issues.add(
      'stack.kubernetes.highAvailability.maxUnavailable',
      `${maxUnavailable} would let a node drain stop all ${replicas} ${component} replicas at once: ` +
        `set it to at most ${replicas - 1}, or raise ${component}.replicas`,
    );
  }
}
