import { createHash } from 'node:crypto';
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { CONFIG_RELOADER_NAME, configReloaderCommand, type ConfigReload } from './config-reloader';
import { secretFileValue } from './secret-values';
import { configChecksum, type Workload } from './workload';
import { dockerHardening } from './hardening';

/**
 * How a workload gets its files on Docker, where the provider can only upload files into a container
 * it then replaces, and Docker refuses uploads into a read-only root: a named config volume, filled by
 * a small config holder container that carries the files as uploads (Pulumi replaces it when one
 * changes: it then copies the new set in) and mounted read-only into the tool's containers, which
 * therefore keep read-only roots and never change on a config change by themselves. A workload that
 * reloads its files gets a config reloader per tool container, in its process namespace (`pidMode`),
 * which signals it when the files change (config-reloader.ts); one that does not is replaced when what
 * only a restart applies changes (dockerRestartChecksum). Secret files travel the same way (uploads of
 * Pulumi secrets, 0400).
 */

/** Where the holder's uploads land, below its own (writable) root. */
const STAGING = '/promstack/staging';
/** The holder marks a finished copy here; its health check (and so Pulumi) waits for it. */
const COPIED = '/tmp/promstack-config-copied';

/**
 * POSIX shell in the tool's image (busybox). Arguments: the staging folder, the volume, the marker file.
 * Empties the volume (a file dropped from the stack must go), copies the staged files in, marks the
 * copy done and waits to be stopped. The copy is not atomic: the reloader signals only a state that
 * held a whole interval.
 */
export const CONFIG_HOLDER_SCRIPT = `set -eu
rm -rf "$2"/* "$2"/.[!.]* "$2"/..?*
cp -R "$1"/. "$2"/
touch "$3"
trap 'kill $! 2>/dev/null; exit 0' TERM INT
while :; do sleep 3600 & wait $!; done
`;

/** What the holder, the reloaders and the tool's containers share. */
export interface DockerConfigVolume {
  volume: docker.Volume;
  holder: docker.Container;
  /** The volume, read-only, at the workload's config folder: the tool's containers and reloaders mount it. */
  mount: docker.types.input.ContainerVolume;
}

export interface DockerConfigOptions {
  parent: pulumi.Resource;
  /** The image the tool's containers run (the holder and reloaders use its shell). */
  imageRef: pulumi.Input<string>;
  secrets: Record<string, pulumi.Input<string>>;
  prefix: string;
  labels: docker.types.input.ContainerLabel[];
  retainVolumes: boolean;
}

/**
 * The folder the volume takes the place of: the workload's one config folder, or the folder that holds
 * all of them (Grafana's provisioning, dashboards and secrets lie below one folder of their own). The
 * volume is first mounted in the holder at the workload's data folder, which the image gives to the
 * tool's user, so that Docker hands the new volume to that user too (as it does the data volume) and
 * the holder writes it without root.
 */
export function dockerConfigFolder(name: string, workload: Workload): { dir: string; ownedByUser: string } {
  const [first = [], ...others] = workload.configDirs.map((dir) => dir.split('/'));
  let depth = 0;
  while (depth < first.length && others.every((parts) => parts[depth] === first[depth])) depth++;
  const dir = first.slice(0, depth).join('/');
  if (dir === '' || dir === '/' || workload.volumes.length === 0) {
    throw new Error(
      `${name}: a workload with files on Docker needs its config folders below one folder other than / and a data volume, has ${workload.configDirs.join(', ') || 'no config folder'}`,
    );
  }
  return { dir, ownedByUser: workload.volumes[0].path };
}

/** The config volume and its holder. */
export function dockerConfigVolume(
  name: string,
  workload: Workload,
  options: DockerConfigOptions,
): DockerConfigVolume {
  const { parent } = options;
  const { dir, ownedByUser } = dockerConfigFolder(name, workload);
  const staged = (path: string) => `${STAGING}${path.slice(dir.length)}`;
  const owner = String(workload.user.uid);
  const group = String(workload.user.gid);
  const volume = new docker.Volume(
    `${name}-config`,
    { name: `${options.prefix}-${workload.name}-config`, labels: options.labels },
    { parent, retainOnDelete: options.retainVolumes },
  );
  const holder = new docker.Container(
    `${name}-config-holder`,
    {
      name: `${options.prefix}-${workload.name}-config`,
      image: options.imageRef,
      entrypoints: ['/bin/sh', '-c', CONFIG_HOLDER_SCRIPT, 'config-holder', STAGING, ownedByUser, COPIED],
      user: `${owner}:${group}`,
      uploads: [
        ...workload.configFiles.map((file) => ({
          file: staged(file.path),
          content: file.content,
          permissions: '0444',
        })),
        ...workload.secretFiles.map((file) => ({
          file: staged(file.path),
          content: pulumi.secret(secretFileValue(file, options.secrets)),
          owner,
          group,
          permissions: '0400',
        })),
      ],
      volumes: [{ volumeName: volume.name, containerPath: ownedByUser }],
      networkMode: 'none',
      healthcheck: { tests: ['CMD', 'test', '-f', COPIED], interval: '1s', timeout: '1s', retries: 30 },
      // Pulumi goes on (to the tool's first start) only once the files are in.
      wait: true,
      memory: 16,
      memorySwap: 16,
      restart: 'unless-stopped',
      ...dockerHardening(),
      labels: options.labels,
    },
    { parent, deleteBeforeReplace: true },
  );
  return { volume, holder, mount: { volumeName: volume.name, containerPath: dir, readOnly: true } };
}

/**
 * A digest of what a workload that does not reload its files applies only when it starts: its config
 * files outside its polled folders, and its secret files with their values (which before the config
 * volume replaced the container through its uploads). As a label it replaces the tool's container when
 * that changes, and leaves it as it is on a change in a polled folder (a dashboard). Undefined for a
 * workload that reloads. A Pulumi secret, as it is derived from the secret values; on the host it is
 * seen only by who may inspect the container, and so may read the files themselves (`docker exec`).
 */
export function dockerRestartChecksum(
  workload: Workload,
  secrets: Record<string, pulumi.Input<string>>,
): pulumi.Output<string> | undefined {
  if (workload.reload) return undefined;
  const polled = workload.polledDirs ?? [];
  const restartOnly = workload.configFiles.filter((f) => !polled.some((dir) => f.path.startsWith(`${dir}/`)));
  const files = configChecksum({ configFiles: restartOnly, secretFiles: workload.secretFiles });
  const values = workload.secretFiles.map((file) => secretFileValue(file, secrets));
  return pulumi.secret(
    pulumi.all(values).apply((texts) => {
      const hash = createHash('sha256').update(`${files}\0`);
      for (const text of texts) hash.update(`${text.length}\0${text}`);
      return hash.digest('hex');
    }),
  );
}

/** The folders the reloader watches on Docker: every folder of the volume that holds a file. */
export function dockerReloadedDirs(workload: Workload): string[] {
  const paths = [...workload.configFiles, ...workload.secretFiles].map((f) => f.path);
  return [...new Set(paths.map((path) => path.slice(0, path.lastIndexOf('/'))))].sort();
}

/** The reloader of one tool container: in its process namespace, as its user, the volume read-only. */
export function dockerConfigReloader(
  name: string,
  workload: Workload,
  reload: ConfigReload,
  target: { container: docker.Container; instance: string; suffix: string },
  config: DockerConfigVolume,
  options: Omit<DockerConfigOptions, 'secrets' | 'retainVolumes'>,
): docker.Container {
  return new docker.Container(
    `${name}-config-reloader${target.suffix}`,
    {
      name: `${options.prefix}-${target.instance}-${CONFIG_RELOADER_NAME}`,
      image: options.imageRef,
      entrypoints: configReloaderCommand(reload, dockerReloadedDirs(workload)),
      user: `${workload.user.uid}:${workload.user.gid}`,
      // By id: a new tool container gets a new reloader.
      pidMode: pulumi.interpolate`container:${target.container.id}`,
      volumes: [config.mount],
      networkMode: 'none',
      memory: 32,
      memorySwap: 32,
      readOnly: true,
      restart: 'unless-stopped',
      ...dockerHardening(),
      labels: options.labels,
    },
    { parent: options.parent, deleteBeforeReplace: true },
  );
}
