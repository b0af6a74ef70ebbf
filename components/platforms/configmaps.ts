import { compareText, type ValidationIssue } from '../model/errors';
import type { Workload } from './workload';

/**
 * Kubernetes refuses objects above 1 MiB (etcd's limit); the data of one ConfigMap stays below this,
 * leaving room for metadata and the last-applied annotation.
 */
export const CONFIGMAP_DATA_LIMIT = 900 * 1024;

const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * ConfigMaps per folder of a workload that reloads its files, at least: the pod spec names every slot,
 * used or empty, so a catalogue that outgrows one ConfigMap fills the next slot without changing the
 * pods. Beyond 4 × 900 KiB in one folder the slots double (8, 16, …), and each doubling (or halving)
 * changes the pod spec once.
 */
export const CONFIGMAP_MIN_SLOTS = 4;

/** Slots for `chunks` ConfigMaps: the next power of two, at least CONFIGMAP_MIN_SLOTS. */
export function configMapSlots(chunks: number): number {
  let slots = CONFIGMAP_MIN_SLOTS;
  while (slots < chunks) slots *= 2;
  return slots;
}

/** One ConfigMap: files of one folder, under their file names, projected whole into that folder. */
export interface ConfigMapChunk {
  /** Stable id, unique in the workload: the folder's slug and a chunk number, e.g. `rules-0`. */
  id: string;
  /** The folder its keys appear in as files (a ConfigMap projected without `items`). */
  dir: string;
  data: Record<string, string>;
}

/**
 * How a workload's config and secret files reach its pods: ConfigMaps, one Secret, and a projected
 * volume per folder. The pod spec names each ConfigMap once and never lists its files, so that it grows
 * with the number of ConfigMaps (about one per 900 KiB of config), not with the number of files.
 */
export interface ConfigVolumePlan {
  configMaps: ConfigMapChunk[];
  /** Secret keys are the stack secret names; each is projected as `path` in its folder `dir`. */
  secretItems: { key: string; dir: string; path: string }[];
  /** Every folder that holds a config or secret file, sorted (a parent before its subfolders). */
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
 * order, padded with empty ones to its slots (configMapSlots) when the workload reloads its files. Keys are the file names, so a ConfigMap projected whole into its folder lays the files out as
 * the configs name them. Returns issues instead of a plan when a file cannot be placed.
 */
export function planConfigVolumes(
  workload: Workload,
  limit = CONFIGMAP_DATA_LIMIT,
): { plan: ConfigVolumePlan; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const mounts = workload.configDirs;
  const outside = (path: string) => `${path} is outside the config folders ${mounts.join(', ')}`;
  const groups = new Map<string, { id: string; files: { key: string; content: string }[] }>();
  const folderOfId = new Map<string, string>();
  const files = [...workload.configFiles].sort((a, b) => compareText(a.path, b.path));
  for (const file of files) {
    const mount = mountOf(file.path, mounts);
    const key = baseOf(file.path);
    const where = `files.${file.source}`;
    if (!mount) {
      issues.push({ path: where, message: outside(file.path) });
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
    const dir = dirOf(file.path);
    const id = slug(dir.slice(dirOf(mount).length));
    // Folders whose slugs meet (`a-b` and `a/b`) would share ConfigMap names.
    if ((folderOfId.get(id) ?? dir) !== dir) {
      issues.push({
        path: where,
        message: `folder ${dir} has the same ConfigMap name (${id}) as ${folderOfId.get(id)}: rename one`,
      });
      continue;
    }
    folderOfId.set(id, dir);
    const group = groups.get(dir) ?? { id, files: [] };
    group.files.push({ key, content: file.content });
    groups.set(dir, group);
  }
  const configMaps: ConfigMapChunk[] = [];
  for (const dir of [...groups.keys()].sort(compareText)) {
    const group = groups.get(dir)!;
    let chunk: ConfigMapChunk | undefined;
    let used = 0;
    let count = 0;
    for (const file of group.files) {
      const size = Buffer.byteLength(file.content, 'utf8') + file.key.length;
      if (!chunk || used + size > limit) {
        chunk = { id: `${group.id}-${count++}`, dir, data: {} };
        configMaps.push(chunk);
        used = 0;
      }
      chunk.data[file.key] = file.content;
      used += size;
    }
    if (workload.reload) {
      for (const total = configMapSlots(count); count < total;) {
        configMaps.push({ id: `${group.id}-${count++}`, dir, data: {} });
      }
    }
  }
  const configPaths = new Set(files.map((file) => file.path));
  const secretItems = workload.secretFiles.flatMap((secret) => {
    const where = `secrets.${secret.secretName}`;
    if (!mountOf(secret.path, mounts)) {
      issues.push({ path: where, message: outside(secret.path) });
      return [];
    }
    if (configPaths.has(secret.path)) {
      issues.push({ path: where, message: `${secret.path} is also a config file: move one` });
      return [];
    }
    return [{ key: secret.secretName, dir: dirOf(secret.path), path: baseOf(secret.path) }];
  });
  const dirs = [...new Set([...groups.keys(), ...secretItems.map((item) => item.dir)])].sort(compareText);
  return { plan: { configMaps, secretItems, dirs }, issues };
}
