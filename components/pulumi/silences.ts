import * as pulumi from '@pulumi/pulumi';
import { deployDockerSilences } from '../platforms/docker-silences';
import { deployKubernetesSilences } from '../platforms/kubernetes-silences';
import type { SilencesApplier } from '../platforms/silences-applier';
import type { Placement, SecretValues } from './workload-component';

/** Arguments of {@link AlertmanagerSilences}. */
export interface AlertmanagerSilencesArgs {
  /** What to run (platforms/silences-applier.ts): the stack config's silences, rendered. */
  applier: SilencesApplier;
  placement: Placement;
  /** Must hold the web password the applier logs in with. */
  secrets: SecretValues;
}

/**
 * The stack config's silences, created in the deployed Alertmanager by a run of the applier beside it:
 * a Job on Kubernetes, a one-shot container on Docker. Give it `dependsOn` the Alertmanager component,
 * so that the run starts once Alertmanager is deployed.
 */
export class AlertmanagerSilences extends pulumi.ComponentResource {
  /** The digest of the silences and script the last run applied. */
  readonly digest: pulumi.Output<string>;

  constructor(name: string, args: AlertmanagerSilencesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('promstack:index:AlertmanagerSilences', name, {}, opts);
    const { applier, placement, secrets } = args;
    if (placement.platform === 'docker')
      deployDockerSilences(name, applier, placement, secrets, { parent: this });
    else deployKubernetesSilences(name, applier, placement, secrets, { parent: this });
    this.digest = pulumi.output(applier.digest);
    this.registerOutputs({ digest: this.digest });
  }
}
