import { compareText, type ValidationIssue } from '../model/errors';
import type { Workload } from './workload';

/**
 * Kubernetes refuses objects above 1 MiB (etcd's limit); the data of one ConfigMap stays below this,
 * leaving room for metadata and the last-applied annotation.
 */
export const CONFIGMAP_DATA_LIMIT = 900 * 1024;

const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** One ConfigMap: files of one folder, under their file names. */
export interface ConfigMapChunk {
  /** Stable id, unique in the workload: the folder's slug and a chunk number, e.g. `rules-0`. */
  id: string;
  data: Record<string, string>;
  /** Where each key goes: the config folder (mount point) and the path below it. */
  items: { key: string; dir: string; path: string }[];
}

/** How a workload's config and secret files reach its pods: ConfigMaps, one Secret, projected volumes. */
export interface ConfigVolumePlan {
  configMaps: ConfigMapChunk[];
  /** Secret keys are the stack secret names. */
  secretItems: { key: string; dir: string; path: string }[];
  /** The mount points (Workload.configDirs). */
  dirs: string[];
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function slug(text: string): string {
  return (
    text
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase() || 'root'
  );
}

function mountOf(path: string, dirs: readonly string[]): string | undefined {
  return dirs.find((dir) => path.startsWith(`${dir}/`));
}

/**
 * Plans the ConfigMaps of a workload: one group per folder (prometheus.yml apart from the rules, so a
 * rule change touches only the rules), each group cut into ConfigMaps of at most `limit` bytes in path
 * order. Returns issues instead of a plan when a file cannot be placed.
 */
export function planConfigVolumes(
  workload: Workload,
  limit = CONFIGMAP_DATA_LIMIT,
): { plan: ConfigVolumePlan; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const dirs = workload.configDirs;
  const groups = new Map<string, { key: string; dir: string; path: string; content: string }[]>();
  const files = [...workload.configFiles].sort((a, b) => compareText(a.path, b.path));
  for (const file of files) {
    const dir = mountOf(file.path, dirs);
    const key = baseOf(file.path);
    const where = `files.${file.source}`;
    if (!dir) {
      issues.push({ path: where, message: `${file.path} is outside the config folders ${dirs.join(', ')}` });
      continue;
    }
    if (!CONFIGMAP_KEY.test(key)) {
      issues.push({
        path: where,
        message: `file name ${key} is not a valid ConfigMap key: use letters, digits, "-", "_" and "."`,
      });
      continue;
    }
    const size = Buffer.byteLength(file.content, 'utf8') + key.length;
    if (size > limit) {
      issues.push({
        path: where,
        message: `${file.path} is ${size} bytes, more than a ConfigMap holds (${limit}): split it, e.g. move some services' rules to their own file`,
      });
      continue;
    }
    const group = slug(dirOf(file.path).slice(dirOf(dir).length));
    const list = groups.get(group) ?? [];
    if (list.some((other) => other.key === key)) {
      issues.push({
        path: where,
        message: `${key} is already taken in ConfigMap group ${group}: rename one`,
      });
      continue;
    }
    list.push({ key, dir, path: file.path.slice(dir.length + 1), content: file.content });
    groups.set(group, list);
  }
  const configMaps: ConfigMapChunk[] = [];
  for (const group of [...groups.keys()].sort(compareText)) {
    let chunk: ConfigMapChunk | undefined;
    let used = 0;
    let count = 0;
    for (const file of groups.get(group)!) {
      const size = Buffer.byteLength(file.content, 'utf8') + file.key.length;
      if (!chunk || used + size > limit) {
        chunk = { id: `${group}-${count++}`, data: {}, items: [] };
        configMaps.push(chunk);
        used = 0;
      }
      chunk.data[file.key] = file.content;
      chunk.items.push({ key: file.key, dir: file.dir, path: file.path });
      used += size;
    }
  }
  const secretItems = workload.secretFiles.flatMap((secret) => {
    const dir = mountOf(secret.path, dirs);
    if (dir) return [{ key: secret.secretName, dir, path: secret.path.slice(dir.length + 1) }];
    issues.push({
      path: `secrets.${secret.secretName}`,
      message: `${secret.path} is outside the config folders ${dirs.join(', ')}`,
    });
    return [];
  });
  return { plan: { configMaps, secretItems, dirs: [...dirs] }, issues };
}
