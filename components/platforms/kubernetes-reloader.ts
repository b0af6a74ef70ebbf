import type * as k8s from '@pulumi/kubernetes';
import {
  CONFIG_RELOADER_NAME,
  CONFIG_RELOADER_RESOURCES,
  configReloaderCommand,
  type ConfigReload,
} from './config-reloader';
import type { ConfigVolumePlan } from './configmaps';
import type { Workload } from './workload';
import { restrictedSecurityContext } from './hardening';
import { kubernetesResources } from './container-limits';

/**
 * The folders the reloader watches on Kubernetes: those that hold ConfigMaps (the kubelet refreshes
 * them in place); a folder of secret files only is left out, its changes roll the pods anyway.
 */
export function reloadedDirs(plan: ConfigVolumePlan): string[] {
  return plan.dirs.filter((dir) => plan.configMaps.some((chunk) => chunk.dir === dir));
}

/**
 * The config reloader beside a workload that reloads its files: the workload's own image running the
 * reloader script, the watched folders mounted read-only at the same paths as in the workload's
 * container, the restricted security context, small resources, no ports. The pod shares its process
 * namespace (podReloadSettings) so that the signal reaches the tool, which runs as the same user.
 */
export function configReloaderContainer(
  workload: Workload,
  reload: ConfigReload,
  plan: ConfigVolumePlan,
  volumeName: (dirIndex: number) => string,
): k8s.types.input.core.v1.Container {
  const dirs = reloadedDirs(plan);
  return {
    name: CONFIG_RELOADER_NAME,
    image: workload.image,
    command: configReloaderCommand(reload, dirs),
    volumeMounts: dirs.map((dir) => ({
      name: volumeName(plan.dirs.indexOf(dir)),
      mountPath: dir,
      readOnly: true,
    })),
    resources: kubernetesResources(CONFIG_RELOADER_RESOURCES),
    securityContext: restrictedSecurityContext(true),
  };
}
