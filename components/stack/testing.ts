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

/**
 * A repository stack config whose receivers deliver to hooks.example.org instead of dev's alert inbox:
 * for tests that move it to a platform without the inbox (Kubernetes).
 */
export function repoStackConfigWithoutInbox(environment: string): StackConfigInput {
  const text = JSON.stringify(repoStackConfig(environment)).replaceAll(
    'http://alert-inbox:8080/',
    'https://hooks.example.org/',
  );
  return JSON.parse(text) as StackConfigInput;
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
