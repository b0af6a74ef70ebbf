import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from '../stack/config';
import { balancedServiceName } from '../stack/layout';
import { httpPortOf, type Workload } from './workload';

/** `kubernetes.highAvailability` of the stack config. */
export type HighAvailability = StackConfig['kubernetes']['highAvailability'];

/** What the objects of one replicated workload share: its selector, metadata and Pulumi parent. */
export interface ReplicatedObjects {
  /** The workload's Pulumi name, prefix of its resources' names. */
  name: string;
  workload: Workload;
  selector: Record<string, string>;
  metadata: (objectName?: string) => k8s.types.input.meta.v1.ObjectMeta;
  parent: pulumi.Resource;
}

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

/**
 * Keeps replicas apart: on different nodes (preferred or required) and spread over zones. Set for one
 * replica too, where they have no effect, so that scaling up leaves the pod template, and so the running
 * replica, as it is.
 */
export function replicaSpreading(
  selector: Record<string, string>,
  ha: HighAvailability,
): Pick<k8s.types.input.core.v1.PodSpec, 'affinity' | 'topologySpreadConstraints'> {
  const term = { labelSelector: { matchLabels: selector }, topologyKey: HOSTNAME };
  return {
    affinity: {
      podAntiAffinity:
        ha.podAntiAffinity === 'required'
          ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
          : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: ZONE,
        whenUnsatisfiable: ha.zoneSpread,
        labelSelector: { matchLabels: selector },
      },
    ],
  };
}

/**
 * How a StatefulSet replaces its pods. A rolling update stops one pod at a time, highest ordinal first,
 * and stops the next only once the new one is ready (`podManagementPolicy: Parallel` changes scaling, not
 * updates), so replicas - 1 keep serving throughout. `minReadySeconds` makes "ready" last: Alertmanager
 * answers /-/ready before its gossip has settled (settled at the latest by its settle timeout, which
 * checkHighAvailability keeps minReadySeconds at or above), and a pod that fails soon after its start
 * stops the rollout instead of the next replica.
 */
export function rollingChanges(ha: HighAvailability): {
  minReadySeconds: number;
  updateStrategy: { type: 'RollingUpdate' };
} {
  return { minReadySeconds: ha.minReadySeconds, updateStrategy: { type: 'RollingUpdate' } };
}

/**
 * A PodDisruptionBudget (policy/v1) when there are several replicas: a drain stops at most
 * `maxUnavailable` of them and waits for the replacement to be ready before the next. None for one
 * replica: a budget could only block the drain (or, at maxUnavailable 1, protect nothing). Pods that are
 * not ready may always be evicted (`unhealthyPodEvictionPolicy: AlwaysAllow`): they serve nobody, and a
 * crash-looping replica must not hold a node drain up.
 */
export function disruptionBudgetOf(
  o: ReplicatedObjects,
  ha: HighAvailability,
): k8s.policy.v1.PodDisruptionBudget | undefined {
  if (o.workload.replicas <= 1) return undefined;
  return new k8s.policy.v1.PodDisruptionBudget(
    `${o.name}-disruption-budget`,
    {
      metadata: o.metadata(o.workload.name),
      spec: {
        selector: { matchLabels: o.selector },
        maxUnavailable: ha.maxUnavailable,
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    },
    { parent: o.parent },
  );
}

/**
 * A ClusterIP Service on the `http` port of every ready replica, for clients that read any one of them
 * (Grafana's datasources). Session affinity keeps a client on one replica: Prometheus replicas scrape at
 * different moments, so their latest samples differ, and a silence gossips to the other Alertmanagers
 * only after the one that took it has answered.
 */
export function balancedServiceOf(o: ReplicatedObjects): k8s.core.v1.Service {
  const http = httpPortOf(o.workload);
  return new k8s.core.v1.Service(
    `${o.name}-balanced-service`,
    {
      metadata: o.metadata(balancedServiceName(o.workload.name)),
      spec: {
        type: 'ClusterIP',
        selector: o.selector,
        ports: [{ name: http.name, port: http.container, targetPort: http.name, protocol: 'TCP' }],
        sessionAffinity: 'ClientIP',
      },
    },
    { parent: o.parent },
  );
}
