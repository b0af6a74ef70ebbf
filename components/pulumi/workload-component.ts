import * as pulumi from '@pulumi/pulumi';
import { ValidationError, type ValidationIssue } from '../model/errors';
import { planConfigVolumes } from '../platforms/configmaps';
import { deployDockerWorkload, type DockerPlacement } from '../platforms/docker';
import {
  deployKubernetesWorkload,
  type KubernetesPlacement,
  type KubernetesWorkloadOptions,
} from '../platforms/kubernetes';
import { httpPortOf, sourceSecretOf, type Workload } from '../platforms/workload';
import { balancedServiceName } from '../stack/layout';
import { fileDigests, filesSummary, type FileDigest, type FilesSummary } from './file-digests';

/** Where the stack's components run: its Docker network, or its Kubernetes namespace. */
export type Placement = DockerPlacement | KubernetesPlacement;

/** Stack secret values by name (`promstack:secrets`); each becomes a Pulumi secret where it is used. */
export type SecretValues = Record<string, pulumi.Input<string>>;

/**
 * Problems that would stop a workload from deploying, found before any resource exists: a secret its
 * config reads but the stack does not hold, and (Kubernetes) a file no ConfigMap can carry.
 */
export function workloadIssues(
  workload: Workload,
  platform: Placement['platform'],
  secrets: SecretValues,
): ValidationIssue[] {
  // The web config is derived from the password file's secret: one missing value, one issue.
  const issues: ValidationIssue[] = workload.secretFiles
    .filter((file) => secrets[sourceSecretOf(file)] === undefined && !file.webConfigOf)
    .map((file) => ({
      path: `secrets.${sourceSecretOf(file)}`,
      message: `${workload.name} reads this secret (${file.path}) but the stack has no value for it: run pulumi config set --secret --path 'secrets.${sourceSecretOf(file)}' <value>`,
    }));
  if (platform === 'kubernetes') issues.push(...planConfigVolumes(workload).issues);
  return issues;
}

/** What a {@link WorkloadComponent} deploys and how. */
export interface WorkloadComponentSpec {
  workload: Workload;
  placement: Placement;
  /** Values of the stack secrets the workload reads. Default none. */
  secrets?: SecretValues;
  /**
   * Kubernetes options of the workload, given the component (the parent of anything made for them);
   * not called on Docker.
   */
  kubernetes: (self: pulumi.Resource) => Omit<KubernetesWorkloadOptions, 'parent' | 'secrets'>;
  /** The URL to expose, when not where the workload's `http` port is reached (workloadUrl). */
  url?: string;
  /** The Kubernetes Service port the URL names, when not the container's. */
  servicePort?: number;
}

/**
 * A stack component that runs one workload: checked before any resource exists (workloadIssues), then
 * deployed where the placement says, exposing its URL and a digest of each config file.
 */
export abstract class WorkloadComponent extends pulumi.ComponentResource {
  /** URL of the component's UI and API. */
  readonly url: pulumi.Output<string>;
  /**
   * Config files as mounted, by path: digest and size, not the text, which the ConfigMaps or uploads
   * already keep in state (secrets are separate files).
   */
  readonly configFileDigests: pulumi.Output<Record<string, FileDigest>>;
  /** How many config files, how many bytes, by folder. */
  readonly configSummary: pulumi.Output<FilesSummary>;
  /** What runs, as plain data. */
  readonly workload: Workload;

  protected constructor(
    type: string,
    name: string,
    spec: WorkloadComponentSpec,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    const { workload, placement } = spec;
    const secrets = spec.secrets ?? {};
    const issues = workloadIssues(workload, placement.platform, secrets);
    if (issues.length > 0) throw new ValidationError(issues);
    super(type, name, {}, opts);

    let serviceName = workload.name;
    if (placement.platform === 'docker')
      deployDockerWorkload(name, workload, placement, { parent: this, secrets });
    else {
      const deployed = deployKubernetesWorkload(name, workload, placement, {
        ...spec.kubernetes(this),
        parent: this,
        secrets,
      });
      // A StatefulSet's own Service is headless: the URL names the one that reaches any ready replica.
      if (deployed.balancedService) serviceName = balancedServiceName(workload.name);
    }
    this.workload = workload;
    this.url = pulumi.output(spec.url ?? workloadUrl(workload, placement, spec.servicePort, serviceName));
    const files = configFilesOf(workload);
    this.configFileDigests = pulumi.output(fileDigests(files));
    this.configSummary = pulumi.output(filesSummary(files));
    this.registerOutputs({
      url: this.url,
      configFileDigests: this.configFileDigests,
      configSummary: this.configSummary,
    });
  }
}

/**
 * Where a person or tool reaches a workload's `http` port: the published host address on Docker
 * (127.0.0.1 when published on all addresses), the cluster DNS name of its Service (`serviceName`,
 * default the workload's) on Kubernetes.
 */
export function workloadUrl(
  workload: Workload,
  placement: Placement,
  servicePort?: number,
  serviceName: string = workload.name,
): string {
  const http = httpPortOf(workload);
  const scheme = http.tls ? 'https' : 'http';
  if (placement.platform === 'docker') {
    if (!http.publish) return `${scheme}://${workload.name}:${http.container}`;
    const host = http.publish.hostAddress === '0.0.0.0' ? '127.0.0.1' : http.publish.hostAddress;
    return `${scheme}://${host}:${http.publish.hostPort}`;
  }
  return `${scheme}://${serviceName}.${placement.namespaceName}.svc:${servicePort ?? http.container}`;
}

/** The workload's config files by mounted path. */
function configFilesOf(workload: Workload): Record<string, string> {
  return Object.fromEntries(workload.configFiles.map((file) => [file.path, file.content]));
}
