/**
 * Test helpers for the Kubernetes platform: the files a pod sees, worked out from the objects the
 * components send (under mocks), as the kubelet would write them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { unwrapSecrets, type MockHarness } from '../pulumi/testing';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Data of the ConfigMaps and Secrets the mocks hold, by the name the API server would know them by. */
export interface ClusterData {
  configMaps: Map<string, Record<string, string>>;
  secrets: Map<string, Record<string, string>>;
}

/**
 * The ConfigMaps' data and the Secrets' stringData, by their (auto)names as the mock engine gave them;
 * with `stack`, only those whose Pulumi name starts with it (stacks in one test share named ConfigMaps).
 */
export function clusterData(mocks: MockHarness, stack?: string): ClusterData {
  const data: ClusterData = { configMaps: new Map(), secrets: new Map() };
  for (const [resource, outputs] of mocks.outputs()) {
    if (stack !== undefined && !resource.name.startsWith(`${stack}-`)) continue;
    const state = unwrapSecrets(outputs) as Obj;
    if (resource.type === 'kubernetes:core/v1:ConfigMap')
      data.configMaps.set(state.metadata.name, state.data ?? {});
    if (resource.type === 'kubernetes:core/v1:Secret')
      data.secrets.set(state.metadata.name, state.stringData ?? {});
  }
  return data;
}

/**
 * The files of a pod's projected volumes, by path, as the kubelet writes them: a ConfigMap or Secret
 * source without `items` gives every key as a file of that name, `items` give each key at its `path`,
 * all below the volume's mount path. Throws where Kubernetes would refuse or hide a file: a source
 * that names a missing object or key, two sources writing one path, or a file where a nested volume
 * is mounted.
 */
export function projectedFiles(podSpec: Obj, cluster: ClusterData): Map<string, string> {
  const files = new Map<string, string>();
  const mounts: Obj[] = podSpec.containers[0].volumeMounts;
  for (const mount of mounts) {
    const volume = (podSpec.volumes as Obj[]).find((v) => v.name === mount.name);
    if (!volume?.projected) continue;
    for (const source of volume.projected.sources as Obj[]) {
      const [kind, ref] = source.configMap
        ? (['configMap', source.configMap] as const)
        : (['secret', source.secret] as const);
      const data = (kind === 'configMap' ? cluster.configMaps : cluster.secrets).get(ref.name);
      if (!data) throw new Error(`${mount.mountPath}: no ${kind} named ${ref.name}`);
      const items: { key: string; path: string }[] =
        ref.items ?? Object.keys(data).map((key) => ({ key, path: key }));
      for (const { key, path } of items) {
        if (!(key in data)) throw new Error(`${mount.mountPath}: ${kind} ${ref.name} has no key ${key}`);
        const file = `${mount.mountPath}/${path}`;
        if (files.has(file)) throw new Error(`${file} is projected twice`);
        files.set(file, data[key]);
      }
    }
  }
  for (const mount of mounts) {
    if (files.has(mount.mountPath)) throw new Error(`${mount.mountPath} is a file and a mount point`);
  }
  return files;
}

/** Writes the files (absolute paths) to disk, creating their folders. */
export function materialise(files: ReadonlyMap<string, string>): void {
  for (const [path, content] of files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}
