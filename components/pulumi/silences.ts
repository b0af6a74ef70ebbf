import * as pulumi from '@pulumi/pulumi';
import { deployDockerSilences, dockerRunProblem } from '../platforms/docker-silences';
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
  /** Docker: the run's exit code, once it ended; a failure (not 0) fails the deploy with what to do. */
  readonly exitCode?: pulumi.Output<number>;

  constructor(name: string, args: AlertmanagerSilencesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('promstack:index:AlertmanagerSilences', name, {}, opts);
    const { applier, placement, secrets } = args;
    this.digest = pulumi.output(applier.digest);
    if (placement.platform === 'docker') {
      const { container } = deployDockerSilences(name, applier, placement, secrets, { parent: this });
      // The provider records a failed run without failing; the deploy must not pass over it.
      const containerName = `${placement.prefix}-${applier.name}`;
      this.exitCode = container.exitCode.apply((code) => {
        const problem = dockerRunProblem(code, containerName);
        if (problem) throw new Error(problem);
        return code;
      });
      this.registerOutputs({ digest: this.digest, exitCode: this.exitCode });
    } else {
      deployKubernetesSilences(name, applier, placement, secrets, { parent: this });
      this.registerOutputs({ digest: this.digest });
    }
  }
}
