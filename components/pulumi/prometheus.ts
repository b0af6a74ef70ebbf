import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../model/errors';
import { prometheusDiscoveryAccess } from '../platforms/kubernetes';
import { prometheusWorkload, type Workload } from '../platforms/workload';
import type { SynthResult } from '../stack/synth';
import {
  configFilesOf,
  deployWorkload,
  workloadIssues,
  workloadUrl,
  type Placement,
  type SecretValues,
} from './workload-component';

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
export class Prometheus extends pulumi.ComponentResource {
  /** URL of the Prometheus UI and API. */
  readonly url: pulumi.Output<string>;
  /** Config files as mounted, by path (prometheus.yml and rules): plain text, for review. */
  readonly configFiles: pulumi.Output<Record<string, string>>;
  /** What runs, as plain data. */
  readonly workload: Workload;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    const secrets = args.secrets ?? {};
    const workload = prometheusWorkload(args.synth, { platform: args.placement.platform });
    const issues = workloadIssues(workload, args.placement.platform, secrets);
    if (issues.length > 0) throw new ValidationError(issues);
    super('promstack:index:Prometheus', name, {}, opts);

    let serviceAccountName: pulumi.Input<string> | undefined;
    if (args.placement.platform === 'kubernetes') {
      const access = prometheusDiscoveryAccess(
        name,
        workload,
        args.placement,
        args.discoveryNamespaces ?? [],
        {
          parent: this,
        },
      );
      serviceAccountName = access.serviceAccount.metadata.name;
    }
    deployWorkload(name, workload, args.placement, secrets, this, {
      controller: 'StatefulSet',
      serviceAccountName,
      podNameEnv: true,
    });
    this.workload = workload;
    this.url = pulumi.output(workloadUrl(workload, args.placement));
    this.configFiles = pulumi.output(configFilesOf(workload));
    this.registerOutputs({ url: this.url, configFiles: this.configFiles });
  }
}
