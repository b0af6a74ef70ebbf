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
}

/**
 * Prometheus with the rendered config and rules: one container on Docker; on Kubernetes a StatefulSet of
 * `prometheus.replicas` (each with its own volume and `replica` label), a headless Service and read
 * access for pod discovery.
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
          const access = prometheusDiscoveryAccess(
            name,
            workload,
            placement,
            args.discoveryNamespaces ?? [],
            {
              parent: self,
            },
          );
          return {
            controller: 'StatefulSet',
            serviceAccountName: access.serviceAccount.metadata.name,
            podNameEnv: true,
          };
        },
      },
      opts,
    );
  }
}
