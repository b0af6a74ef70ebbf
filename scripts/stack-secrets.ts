// Prints the names of the stack secrets a stack reads, one per line: every secret its rendered configs
// name, and Grafana's admin password. Used by scripts/up.sh; run with tsx.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { synthStack } from '../components/stack';
import { services } from '../infra/services';
import { vendoredRuleFiles } from '../infra/rule-files';

const stack = process.argv[2] ?? 'dev';
const doc = parse(readFileSync(join(__dirname, '..', `Pulumi.${stack}.yaml`), 'utf8')) as {
  config: Record<string, unknown>;
};
const synth = synthStack(doc.config['promstack:stack'], services, {
  environment: stack,
  ruleFiles: vendoredRuleFiles(),
});
const names = new Set([
  ...synth.secrets.prometheus,
  ...synth.secrets.alertmanager,
  ...synth.secrets.grafana,
  synth.config.grafana.adminPasswordSecret,
]);
process.stdout.write(
  [...names]
    .sort()
    .map((name) => `${name}\n`)
    .join(''),
);
