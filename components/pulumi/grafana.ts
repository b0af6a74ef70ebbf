import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../model/errors';
import { grafanaWorkload, type Workload } from '../platforms/workload';
import type { SynthResult } from '../stack/synth';
import {
  configFilesOf,
  deployWorkload,
  workloadIssues,
  workloadUrl,
  type Placement,
  type SecretValues,
} from './workload-component';

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
export class Grafana extends pulumi.ComponentResource {
  /** URL of Grafana: `grafana.rootUrl` when set, else where it is published or served. */
  readonly url: pulumi.Output<string>;
  /** Provisioning files and dashboards as mounted, by path: plain text, for review. */
  readonly configFiles: pulumi.Output<Record<string, string>>;
  /** What runs, as plain data. */
  readonly workload: Workload;

  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    const secrets = args.secrets ?? {};
    const workload = grafanaWorkload(args.synth, { platform: args.placement.platform });
    const issues = workloadIssues(workload, args.placement.platform, secrets);
    if (issues.length > 0) throw new ValidationError(issues);
    super('promstack:index:Grafana', name, {}, opts);

    const port = args.synth.config.grafana.port;
    deployWorkload(name, workload, args.placement, secrets, this, {
      controller: 'Deployment',
      extraServicePort: port,
    });
    this.workload = workload;
    this.url = pulumi.output(
      args.synth.config.grafana.rootUrl ?? workloadUrl(workload, args.placement, port),
    );
    this.configFiles = pulumi.output(configFilesOf(workload));
    this.registerOutputs({ url: this.url, configFiles: this.configFiles });
  }
}
