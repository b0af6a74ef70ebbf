import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { compareText } from '../components/model/errors';
import { UsageError } from './args';

/**
 * Lists what the last synth wrote into a folder, so that the next one removes exactly that: files a
 * removed service or dashboard left behind would otherwise be deployed, while files that promstack did
 * not write are never touched.
 */
export const MANIFEST = '.promstack-output.json';

interface Manifest {
  generator: 'promstack';
  stack: string;
  files: string[];
}

/** Replaces the previous promstack output in `dir` with `files` (paths relative to `dir`). */
export function writeOutput(dir: string, stack: string, files: Record<string, string>): void {
  if (existsSync(dir) && !isDirectory(dir)) throw new UsageError(`--out ${dir} is a file, not a folder`);
  clearOutput(dir);
  const paths = Object.keys(files).sort(compareText);
  for (const path of paths) {
    const target = join(dir, safeRelative(path));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, files[path]);
  }
  const manifest: Manifest = { generator: 'promstack', stack, files: paths };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

function clearOutput(dir: string): void {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) return;
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
  } catch {
    throw new UsageError(`${file} is not a promstack manifest: remove it or choose another --out`);
  }
  if (manifest.generator !== 'promstack' || !Array.isArray(manifest.files)) {
    throw new UsageError(`${file} is not a promstack manifest: remove it or choose another --out`);
  }
  const folders = new Set<string>();
  for (const path of manifest.files) {
    const relative = safeRelative(String(path));
    rmSync(join(dir, relative), { force: true });
    for (let folder = dirname(relative); folder !== '.'; folder = dirname(folder)) folders.add(folder);
  }
  // Deepest first, and only when empty: a folder that also holds the user's own files stays.
  for (const folder of [...folders].sort((a, b) => b.length - a.length || compareText(a, b))) {
    const path = join(dir, folder);
    if (isDirectory(path) && readdirSync(path).length === 0) rmdirSync(path);
  }
  rmSync(file, { force: true });
}

/** A manifest or synth path must stay inside the output folder. */
function safeRelative(path: string): string {
  const normal = normalize(path);
  if (isAbsolute(normal) || normal === '..' || normal.startsWith(`..${sep}`) || normal === '.') {
    throw new UsageError(`refusing to touch ${JSON.stringify(path)}: outside the output folder`);
  }
  return normal;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}
