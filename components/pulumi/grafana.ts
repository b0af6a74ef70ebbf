import * as pulumi from '@pulumi/pulumi';
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
   * default `grafana-admin-password`) and any the datasources name. Default none (which fails: the
   * admin password is required).
   */
  secrets?: SecretValues;
}

/**
 * Grafana with provisioned datasources and dashboards and the admin password from a secret file
 * (`GF_SECURITY_ADMIN_PASSWORD__FILE`): a container published on `docker.grafanaBindAddress`, or a
 * Deployment with its own volume claim and a ClusterIP Service.
 */
export class Grafana extends WorkloadComponent {
  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    const port = args.synth.config.grafana.port;
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
  }
}
