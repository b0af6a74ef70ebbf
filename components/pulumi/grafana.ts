import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { deployIngress } from '../platforms/kubernetes-ingress';
import { grafanaWorkload } from '../platforms/workload';
import type { SynthResult } from '../stack/synth';
import { WorkloadComponent, type Placement, type SecretValues } from './workload-component';

/** Arguments of {@link Grafana}. */
export interface GrafanaArgs {
  /** The stack as synthStack rendered it: datasources, dashboard provider, dashboards. */
  synth: SynthResult;
  /** The stack's Docker network or Kubernetes namespace. */
  placement: Placement;
  /**
   * Values of the stack secrets Grafana reads: the admin password (`grafana.adminPasswordSecret`,
   * default `grafana-admin-password`), the secret key (`grafana.secretKeySecret`, default
   * `grafana-secret-key`) and any the datasources name. Default none (which fails: both are required).
   */
  secrets?: SecretValues;
}

/**
 * Grafana with provisioned datasources and dashboards, the admin password and secret key from secret
 * files (`GF_SECURITY_ADMIN_PASSWORD__FILE`, `GF_SECURITY_SECRET_KEY__FILE`): a container published on
 * `docker.grafanaBindAddress`, or a Deployment with its own volume claim, a ClusterIP Service and, when
 * `grafana.ingress` is set, an Ingress with TLS.
 */
export class Grafana extends WorkloadComponent {
  /** The Ingress, on Kubernetes when `grafana.ingress` is set. */
  readonly ingress?: k8s.networking.v1.Ingress;

  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    const { port, ingress, rootUrl } = args.synth.config.grafana;
    super(
      'promstack:index:Grafana',
      name,
      {
        workload: grafanaWorkload(args.synth, { platform: args.placement.platform }),
        placement: args.placement,
        secrets: args.secrets,
        kubernetes: () => ({ controller: 'Deployment', extraServicePort: port }),
        // `grafana.rootUrl` when set, else where it is published or served.
        url: args.synth.config.grafana.rootUrl,
        servicePort: port,
      },
      opts,
    );
    if (ingress && args.placement.platform === 'kubernetes')
      this.ingress = deployIngress(name, this.workload, ingress, rootUrl, args.placement, { parent: this });
  }
}
