import * as pulumi from '@pulumi/pulumi';
import type { ValidationIssue } from '../model/errors';
import { planConfigVolumes } from '../platforms/configmaps';
import {
  deployDockerWorkload,
  type DockerPlacement,
  type DockerWorkloadResources,
} from '../platforms/docker';
import {
  deployKubernetesWorkload,
  type KubernetesPlacement,
  type KubernetesWorkloadOptions,
  type KubernetesWorkloadResources,
} from '../platforms/kubernetes';
import type { Workload } from '../platforms/workload';

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
  const issues: ValidationIssue[] = workload.secretFiles
    .filter((file) => secrets[file.secretName] === undefined)
    .map((file) => ({
      path: `secrets.${file.secretName}`,
      message: `${workload.name} reads this secret (${file.path}) but the stack has no value for it: run pulumi config set --secret --path 'secrets.${file.secretName}' <value>`,
    }));
  if (platform === 'kubernetes') issues.push(...planConfigVolumes(workload).issues);
  return issues;
}

/** Deploys a workload where the placement says; Kubernetes options are ignored on Docker. */
export function deployWorkload(
  name: string,
  workload: Workload,
  placement: Placement,
  secrets: SecretValues,
  parent: pulumi.Resource,
  kubernetes: Omit<KubernetesWorkloadOptions, 'parent' | 'secrets'>,
): DockerWorkloadResources | KubernetesWorkloadResources {
  return placement.platform === 'docker'
    ? deployDockerWorkload(name, workload, placement, { parent, secrets })
    : deployKubernetesWorkload(name, workload, placement, { ...kubernetes, parent, secrets });
}

/**
 * Where a person or tool reaches a workload's `http` port: the published host address on Docker
 * (127.0.0.1 when published on all addresses), the Service's cluster DNS name on Kubernetes.
 */
export function workloadUrl(workload: Workload, placement: Placement, servicePort?: number): string {
  const http = workload.ports.find((p) => p.name === 'http') ?? workload.ports[0];
  if (placement.platform === 'docker') {
    if (!http.publish) return `http://${workload.name}:${http.container}`;
    const host = http.publish.hostAddress === '0.0.0.0' ? '127.0.0.1' : http.publish.hostAddress;
    return `http://${host}:${http.publish.hostPort}`;
  }
  return `http://${workload.name}.${placement.namespaceName}.svc:${servicePort ?? http.container}`;
}

/** The workload's config files by path: plain text, never secret (secrets are separate files). */
export function configFilesOf(workload: Workload): Record<string, string> {
  return Object.fromEntries(workload.configFiles.map((file) => [file.path, file.content]));
}
