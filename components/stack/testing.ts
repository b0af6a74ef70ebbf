import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { StackConfigInput } from './config';
export { layoutUnder } from './layout';

const ROOT = resolve(__dirname, '..', '..');

/** The `promstack:stack` object of the repository's Pulumi.<env>.yaml. */
export function repoStackConfig(environment: string): StackConfigInput {
  const doc = parse(readFileSync(join(ROOT, `Pulumi.${environment}.yaml`), 'utf8')) as {
    config: Record<string, unknown>;
  };
  return doc.config['promstack:stack'] as StackConfigInput;
}

/** Writes synth output below `root` (keys are paths relative to it) and returns `root`. */
export function writeFiles(
  files: Record<string, string>,
  root = mkdtempSync(join(tmpdir(), 'promstack-synth-')),
): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
