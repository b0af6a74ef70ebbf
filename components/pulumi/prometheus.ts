import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { prometheusDiscoveryAccess, type KubernetesPlacement } from '../platforms/kubernetes';
import { prometheusWorkload } from '../platforms/workload';
import type { SynthResult } from '../stack/synth';
import { WorkloadComponent, type Placement, type SecretValues } from './workload-component';

/** Arguments of {@link Prometheus}. */
export interface PrometheusArgs {
  /** The stack as synthStack rendered it: prometheus.yml, rule files, flags from the stack config. */
  synth: SynthResult;
  /** The stack's Docker network or Kubernetes namespace. */
  placement: Placement;
  /** Values of the stack secrets the Prometheus config reads (`synth.secrets.prometheus`). Default none. */
  secrets?: SecretValues;
  /**
   * Kubernetes namespaces whose pods Prometheus discovers; it gets read access there (see
   * `discoveryNamespaces` of components/platforms/workload.ts). Default none. Ignored on Docker.
   */
  discoveryNamespaces?: string[];
  /**
   * Create the discovery namespaces (kept on destroy) instead of reading them: a read fails `pulumi
   * preview` on a missing namespace, before the Roles in it are half-deployed. Default false.
   */
  createDiscoveryNamespaces?: boolean;
}

/**
 * Prometheus with the rendered config and rules: one container on Docker; on Kubernetes a StatefulSet of
 * `prometheus.replicas` (each with its own volume and `replica` label, kept apart and guarded as
 * `kubernetes.highAvailability` says), a headless Service, a ClusterIP Service `prometheus-api` that
 * Grafana reads, and read access for pod discovery.
 */
export class Prometheus extends WorkloadComponent {
  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    const workload = prometheusWorkload(args.synth, { platform: args.placement.platform });
    super(
      'promstack:index:Prometheus',
      name,
      {
        workload,
        placement: args.placement,
        secrets: args.secrets,
        kubernetes: (self) => {
          const placement = args.placement as KubernetesPlacement;
          const namespaces = (args.discoveryNamespaces ?? []).map((ns) =>
            ns === placement.namespaceName
              ? ns
              : { name: ns, ref: discoveryNamespace(`${name}-namespace-${ns}`, ns, args, self) },
          );
          const access = prometheusDiscoveryAccess(name, workload, placement, namespaces, { parent: self });
          return {
            controller: 'StatefulSet',
            serviceAccountName: access.serviceAccount.metadata.name,
            podNameEnv: true,
            highAvailability: args.synth.config.kubernetes.highAvailability,
          };
        },
      },
      opts,
    );
  }
}

/** A namespace Prometheus discovers pods in: created (and kept on destroy) when asked, else read. */
function discoveryNamespace(
  resourceName: string,
  namespace: string,
  args: PrometheusArgs,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const created = args.createDiscoveryNamespaces
    ? new k8s.core.v1.Namespace(
        resourceName,
        { metadata: { name: namespace } },
        // A service's namespace outlives its monitoring: destroying the stack must not delete it.
        { parent, retainOnDelete: true },
      )
    : k8s.core.v1.Namespace.get(resourceName, namespace, { parent });
  return created.metadata.name;
}
