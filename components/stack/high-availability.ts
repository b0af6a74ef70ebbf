import type { IssueCollector } from '../model/errors';
import { ALERTMANAGER_GOSSIP } from './alertmanager-gossip';
import type { StackConfig } from './config';

/**
 * A disruption budget must leave a replicated component at least one replica through a node drain:
 * `maxUnavailable` at or above its replicas would let a drain stop all of them at once. A replaced
 * Alertmanager member must have settled (see ALERTMANAGER_GOSSIP) before a rolling change stops the next.
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
  const { minReadySeconds } = config.kubernetes.highAvailability;
  const { settleTimeoutSeconds } = ALERTMANAGER_GOSSIP;
  if (config.alertmanager.replicas > 1 && minReadySeconds < settleTimeoutSeconds)
    issues.add(
      'stack.kubernetes.highAvailability.minReadySeconds',
      `${minReadySeconds} s of readiness does not outlast the ${settleTimeoutSeconds} s an Alertmanager ` +
        'member may take to settle its gossip (--cluster.settle-timeout), so a rolling change could stop the ' +
        `next member before the replaced one has settled: set it to at least ${settleTimeoutSeconds}, or run ` +
        'one alertmanager replica',
    );
}
