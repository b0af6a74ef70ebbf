import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { compareText } from '../model/errors';
import { containerLimits } from './container-limits';
import type { DockerPlacement } from './docker';
import type { SilencesApplier } from './silences-applier';
import { dockerHardening } from './hardening';

/**
 * Why a finished run failed the deploy, from its exit code (the provider records it without failing),
 * with where to look and how to run it again; undefined when it succeeded or has not ended.
 */
export function dockerRunProblem(code: number | undefined | null, containerName: string): string | undefined {
  if (code === undefined || code === null || code === 0) return undefined;
  return (
    `the silences were not applied: ${containerName} exited with ${code} (docker logs ${containerName} ` +
    `says why); once Alertmanager answers, docker start -a ${containerName} runs it again`
  );
}

export interface DockerSilencesResources {
  image: docker.RemoteImage;
  container: docker.Container;
}

/**
 * Runs the silences applier once as a container on the stack's network: its files uploaded (the
 * password as a Pulumi secret, readable by its user only), no capabilities, no privilege escalation.
 * Pulumi waits for the run (attach) and records its exit code (`exitCode`, which dockerRunProblem
 * reads; the output is in `docker logs`); the run itself waits for Alertmanager to be ready. Changed
 * silences change the uploads, which replaces the container: a new run.
 */
export function deployDockerSilences(
  name: string,
  applier: SilencesApplier,
  placement: DockerPlacement,
  secrets: Record<string, pulumi.Input<string>>,
  opts: pulumi.CustomResourceOptions,
): DockerSilencesResources {
  const missing = applier.secretFiles.filter((s) => secrets[s.secretName] === undefined);
  if (missing.length > 0)
    throw new Error(`${name}: no value for secret(s) ${missing.map((s) => s.secretName).join(', ')}`);
  const image = new docker.RemoteImage(`${name}-image`, { name: applier.image, keepLocally: true }, opts);
  const owner = String(applier.user.uid);
  const group = String(applier.user.gid);
  const labels: Record<string, string> = { ...placement.labels, 'promstack.workload': applier.name };
  const limits = containerLimits(applier.resources);
  const container = new docker.Container(
    `${name}-container`,
    {
      name: `${placement.prefix}-${applier.name}`,
      // imageId, never the tag: a tag makes every update recreate the container.
      image: image.imageId,
      command: applier.command,
      envs: Object.keys(applier.env)
        .sort(compareText)
        .map((key) => `${key}=${applier.env[key]}`),
      user: `${owner}:${group}`,
      uploads: [
        ...applier.configFiles.map((file) => ({
          file: file.path,
          content: file.content,
          permissions: '0444',
        })),
        ...applier.secretFiles.map((file) => ({
          file: file.path,
          content: pulumi.secret(secrets[file.secretName]),
          owner,
          group,
          permissions: '0400',
        })),
      ],
      networksAdvanced: [{ name: placement.network.name }],
      // One run, not a service: Pulumi waits for it to end and leaves the stopped container alone.
      attach: true,
      logs: true,
      mustRun: false,
      restart: 'no',
      cpus: limits.cpus,
      memory: limits.memoryMiB,
      memorySwap: limits.memoryMiB,
      ...dockerHardening(),
      labels: Object.keys(labels)
        .sort(compareText)
        .map((label) => ({ label, value: labels[label] })),
      logDriver: 'json-file',
      logOpts: { 'max-size': '1m', 'max-file': '1' },
    },
    // A fixed container name cannot exist twice, so the old run goes first.
    { ...opts, deleteBeforeReplace: true },
  );
  return { image, container };
}
