import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { StackConfigInput } from './config';
import type { StackLayout } from './layout';

const ROOT = resolve(__dirname, '..', '..');

/** The `promstack:stack` object of the repository's Pulumi.<env>.yaml. */
export function repoStackConfig(environment: string): StackConfigInput {
  const doc = parse(readFileSync(join(ROOT, `Pulumi.${environment}.yaml`), 'utf8')) as {
    config: Record<string, unknown>;
  };
  return doc.config['promstack:stack'] as StackConfigInput;
}

/** A layout whose folders are below `root`, as `promstack local` and the tool checks lay files out. */
export function layoutUnder(root: string): StackLayout {
  return {
    prometheusConfigDir: join(root, 'prometheus'),
    prometheusSecretsDir: join(root, 'prometheus', 'secrets'),
    alertmanagerConfigDir: join(root, 'alertmanager'),
    alertmanagerSecretsDir: join(root, 'alertmanager', 'secrets'),
    grafanaConfigDir: join(root, 'grafana'),
    grafanaDashboardsDir: join(root, 'grafana', 'dashboards'),
    grafanaSecretsDir: join(root, 'grafana', 'secrets'),
  };
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
