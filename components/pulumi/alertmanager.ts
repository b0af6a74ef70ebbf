import * as pulumi from '@pulumi/pulumi';
import { alertmanagerWorkload } from '../platforms/workload';
import type { SynthResult } from '../stack/synth';
import { WorkloadComponent, type Placement, type SecretValues } from './workload-component';

/** Arguments of {@link Alertmanager}. */
export interface AlertmanagerArgs {
  /** The stack as synthStack rendered it: alertmanager.yml, templates, replicas and retention. */
  synth: SynthResult;
  /** The stack's Docker network or Kubernetes namespace. */
  placement: Placement;
  /** Values of the stack secrets the receivers read (`synth.secrets.alertmanager`). Default none. */
  secrets?: SecretValues;
}

/**
 * Alertmanager with the rendered routes and receivers; with `alertmanager.replicas` > 1 a gossip
 * cluster (containers `alertmanager-N` on Docker, a StatefulSet behind a headless Service on
 * Kubernetes, kept apart and guarded as `kubernetes.highAvailability` says) that Prometheus sends every
 * alert to, member by member; Grafana reads any member through the ClusterIP Service `alertmanager-api`.
 */
export class Alertmanager extends WorkloadComponent {
  constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      'promstack:index:Alertmanager',
      name,
      {
        workload: alertmanagerWorkload(args.synth, { platform: args.placement.platform }),
        placement: args.placement,
        secrets: args.secrets,
        kubernetes: () => ({
          controller: 'StatefulSet',
          podIpEnv: true,
          highAvailability: args.synth.config.kubernetes.highAvailability,
        }),
      },
      opts,
    );
  }
}
