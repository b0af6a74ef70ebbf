// Prints the stack secrets a stack reads, one per line (every secret its workloads mount); after a tab,
// the value that makes it deliver to the alert inbox when the stack runs one (docker.alertInbox). Used by
// scripts/up.sh; run with tsx.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { stackSecretNames } from '../components/platforms/stack-secrets';
import { synthStack } from '../components/stack';
import { alertInboxSecretValues } from '../components/stack/alert-inbox';
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
const inbox = alertInboxSecretValues(synth.config);
process.stdout.write(
  stackSecretNames(synth)
    .map((name) => (inbox[name] === undefined ? `${name}\n` : `${name}\t${inbox[name]}\n`))
    .join(''),
);
