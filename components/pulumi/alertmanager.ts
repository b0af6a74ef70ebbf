import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../model/errors';
import { alertmanagerWorkload, type Workload } from '../platforms/workload';
import type { SynthResult } from '../stack/synth';
import {
  configFilesOf,
  deployWorkload,
  workloadIssues,
  workloadUrl,
  type Placement,
  type SecretValues,
} from './workload-component';

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
 * Kubernetes) that Prometheus sends every alert to, member by member.
 */
export class Alertmanager extends pulumi.ComponentResource {
  /** URL of the Alertmanager UI and API (the first member on Docker). */
  readonly url: pulumi.Output<string>;
  /** Config files as mounted, by path: plain text, for review (receivers' credentials are files). */
  readonly configFiles: pulumi.Output<Record<string, string>>;
  /** What runs, as plain data. */
  readonly workload: Workload;

  constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
    const secrets = args.secrets ?? {};
    const workload = alertmanagerWorkload(args.synth, { platform: args.placement.platform });
    const issues = workloadIssues(workload, args.placement.platform, secrets);
    if (issues.length > 0) throw new ValidationError(issues);
    super('promstack:index:Alertmanager', name, {}, opts);

    deployWorkload(name, workload, args.placement, secrets, this, { controller: 'StatefulSet' });
    this.workload = workload;
    this.url = pulumi.output(workloadUrl(workload, args.placement));
    this.configFiles = pulumi.output(configFilesOf(workload));
    this.registerOutputs({ url: this.url, configFiles: this.configFiles });
  }
}
