import { isAbsolute, resolve } from 'node:path';
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { compareText } from '../model/errors';
import { containerLimits, mebibytes } from './container-limits';
import {
  dockerConfigReloader,
  dockerConfigVolume,
  dockerRestartChecksum,
  type DockerConfigVolume,
} from './docker-config';
import { healthCommand } from './health';
import { missingSecrets } from './secret-values';
import type { Workload } from './workload';
import { dockerHardening } from './hardening';

/** Where workloads run on Docker: one private network of the stack, names prefixed per environment. */
export interface DockerPlacement {
  platform: 'docker';
  /** The stack's private network; workloads reach each other by their aliases on it. */
  network: docker.Network;
  /** Container and volume names are global on a daemon: each starts with this, e.g. `promstack-dev`. */
  prefix: string;
  /** Keep named volumes (TSDB, Alertmanager state, Grafana data) when the stack is destroyed. */
  retainVolumes: boolean;
  /** Labels on every container, volume and the network. */
  labels: Record<string, string>;
}

/** What deployDockerWorkload created, for callers that wire or export it. */
export interface DockerWorkloadResources {
  image: docker.RemoteImage | docker.Image;
  volumes: docker.Volume[];
  containers: docker.Container[];
  /** A workload with files: their volume and holder (docker-config.ts). */
  config?: DockerConfigVolume;
  /** A reloader per container of a workload that reloads its files. */
  reloaders: docker.Container[];
}

export interface DockerWorkloadOptions {
  parent: pulumi.Resource;
  /** Stack secret values by name; must hold every secret file of the workload. */
  secrets: Record<string, pulumi.Input<string>>;
  /** Folder that build contexts are relative to. Default: this repository's root. */
  repositoryRoot?: string;
}

const REPOSITORY_ROOT = resolve(__dirname, '..', '..');

/** Label of what a workload that does not reload reads only at start (dockerRestartChecksum). */
export const RESTART_CHECKSUM_LABEL = 'promstack.restart-checksum';

function labelList(labels: Record<string, string>): docker.types.input.ContainerLabel[] {
  return Object.keys(labels)
    .sort(compareText)
    .map((label) => ({ label, value: labels[label] }));
}

/** The stack's network: bridge, not internal (Alertmanager and remote write reach the internet). */
export function dockerNetwork(
  name: string,
  placement: Omit<DockerPlacement, 'network' | 'platform'>,
  opts: pulumi.CustomResourceOptions,
): docker.Network {
  return new docker.Network(
    `${name}-network`,
    { name: placement.prefix, driver: 'bridge', labels: labelList(placement.labels) },
    opts,
  );
}

/** Name of replica `i` of a workload: the workload's name alone when it has one replica. */
export function instanceName(workload: Workload, i: number): string {
  return workload.replicas === 1 ? workload.name : `${workload.name}-${i}`;
}

/**
 * Runs a workload as containers: its image pulled (pinned) or built, a named volume per data folder
 * and replica, its config and secret files from a read-only config volume that a config holder fills
 * (docker-config.ts), non-root, no capabilities, no privilege escalation, ports published only where the
 * workload says. A changed file replaces the config holder; the volumes stay. A workload that reloads
 * its files gets a reloader beside each container, which then never changes on a config change; one
 * that does not is replaced when a file it reads only at start (or a secret value) changes.
 */
export function deployDockerWorkload(
  name: string,
  workload: Workload,
  placement: DockerPlacement,
  options: DockerWorkloadOptions,
): DockerWorkloadResources {
  const parent = options.parent;
  const missing = missingSecrets(workload, options.secrets);
  if (missing.length > 0) throw new Error(`${name}: no value for secret(s) ${missing.join(', ')}`);

  let imageRef: pulumi.Output<string>;
  let image: docker.RemoteImage | docker.Image;
  if (workload.build) {
    const root = options.repositoryRoot ?? REPOSITORY_ROOT;
    const at = (path: string) => (isAbsolute(path) ? path : resolve(root, path));
    const built = new docker.Image(
      `${name}-image`,
      {
        imageName: workload.image,
        build: { context: at(workload.build.context), dockerfile: at(workload.build.dockerfile) },
        skipPush: true,
      },
      { parent },
    );
    // The digest changes with every build, so a rebuilt image replaces the container; the tag would not.
    imageRef = built.repoDigest;
    image = built;
  } else {
    const remote = new docker.RemoteImage(
      `${name}-image`,
      { name: workload.image, keepLocally: true },
      { parent },
    );
    // imageId, never the tag: a tag or repoDigest makes every update recreate the container.
    imageRef = remote.imageId;
    image = remote;
  }

  const labels = { ...placement.labels, 'promstack.workload': workload.name };
  const owner = String(workload.user.uid);
  const group = String(workload.user.gid);
  const common = { parent, imageRef, prefix: placement.prefix, labels: labelList(labels) };
  const hasFiles = workload.configFiles.length + workload.secretFiles.length > 0;
  const config = hasFiles
    ? dockerConfigVolume(name, workload, {
        ...common,
        secrets: options.secrets,
        retainVolumes: placement.retainVolumes,
      })
    : undefined;
  const restart = hasFiles ? dockerRestartChecksum(workload, options.secrets) : undefined;
  const containerLabels = restart
    ? [...labelList(labels), { label: RESTART_CHECKSUM_LABEL, value: restart }]
    : labelList(labels);
  const envs = Object.keys(workload.env)
    .sort(compareText)
    .map((key) => `${key}=${workload.env[key]}`);
  const health = workload.healthCheck;
  const limits = containerLimits(workload.resources);
  const tmpfs = Object.fromEntries(
    workload.scratchDirs.map((dir) => [dir.path, `rw,noexec,nosuid,size=${mebibytes(dir.sizeHint)}m`]),
  );

  const volumes: docker.Volume[] = [];
  const containers: docker.Container[] = [];
  const reloaders: docker.Container[] = [];
  for (let i = 0; i < workload.replicas; i++) {
    const instance = instanceName(workload, i);
    const suffix = workload.replicas === 1 ? '' : `-${i}`;
    const mounts = workload.volumes.map((vol) => {
      const volume = new docker.Volume(
        `${name}-${vol.name}${suffix}`,
        { name: `${placement.prefix}-${instance}-${vol.name}`, labels: labelList(labels) },
        { parent, retainOnDelete: placement.retainVolumes },
      );
      volumes.push(volume);
      return { volumeName: volume.name, containerPath: vol.path };
    });
    const aliases =
      workload.replicas === 1 ? [workload.name, ...workload.aliases] : [instance, workload.name];
    containers.push(
      new docker.Container(
        `${name}-container${suffix}`,
        {
          name: `${placement.prefix}-${instance}`,
          image: imageRef,
          command: workload.args,
          envs,
          user: `${owner}:${group}`,
          volumes: config ? [...mounts, config.mount] : mounts,
          networksAdvanced: [{ name: placement.network.name, aliases }],
          // Only the first replica is published: the others share its state through gossip.
          ports:
            i === 0
              ? workload.ports.flatMap((port) =>
                  port.publish
                    ? [
                        {
                          internal: port.container,
                          external: port.publish.hostPort,
                          ip: port.publish.hostAddress,
                        },
                      ]
                    : [],
                )
              : [],
          healthcheck: {
            tests: ['CMD', ...healthCommand(health, health.httpPath)],
            interval: '15s',
            timeout: '5s',
            retries: 3,
            startPeriod: `${health.startPeriodSeconds}s`,
          },
          cpus: limits.cpus,
          memory: limits.memoryMiB,
          // No swap beyond the memory limit: a Prometheus that swaps answers too late to be any use.
          memorySwap: limits.memoryMiB,
          restart: 'unless-stopped',
          ...dockerHardening(),
          tmpfs: workload.scratchDirs.length > 0 ? tmpfs : undefined,
          // Nothing is uploaded into the tool's containers (Docker would refuse that into a read-only
          // root: moby's extractToDir, "container rootfs is marked read-only"): the holder carries it.
          readOnly: workload.readOnlyRootFilesystem,
          labels: containerLabels,
          logDriver: 'json-file',
          logOpts: { 'max-size': '10m', 'max-file': '3' },
          // Time for Prometheus to close its TSDB cleanly before the container is removed.
          destroyGraceSeconds: 60,
        },
        {
          parent,
          // A fixed container name and host port cannot exist twice, so the old one goes first.
          deleteBeforeReplace: true,
          // A healthcheck edit is neither applied in place nor a replacement by default.
          replaceOnChanges: ['healthcheck'],
          // The first start needs the files in the volume; the holder's replacements leave it be.
          dependsOn: config ? [config.holder] : undefined,
        },
      ),
    );
    if (config && workload.reload) {
      const target = { container: containers[i], instance, suffix };
      reloaders.push(dockerConfigReloader(name, workload, workload.reload, target, config, common));
    }
  }
  return { image, volumes, containers, config, reloaders };
}
