import * as pulumi from '@pulumi/pulumi';
import { IssueCollector } from '../components/model/errors';
import { SECRET_NAME } from '../components/model/secrets';

/** What the program reads from `Pulumi.<stack>.yaml`. */
export interface ProgramSettings {
  /** The `promstack:stack` object, unvalidated: MonitoringStack validates it (paths under `stack`). */
  stack: unknown;
  /** `promstack:secrets` by name, each value a Pulumi secret. */
  secrets: Record<string, pulumi.Output<string>>;
}

/**
 * Reads the stack config and the stack secrets. Secrets are one object (`pulumi config set --secret
 * --path 'secrets.<name>' <value>`); their names are needed before anything deploys (to report a
 * missing one at once), their values only as Pulumi secrets.
 */
export function readSettings(config = new pulumi.Config('promstack')): ProgramSettings {
  const stack = config.requireObject<unknown>('stack');
  const all = config.getSecretObject<Record<string, unknown>>('secrets');
  if (all === undefined) return { stack, secrets: {} };
  // The names are keys of Pulumi.<stack>.yaml, in clear there; only the names are taken from this read.
  const names = secretNames(config.getObject<unknown>('secrets'));
  const secrets: Record<string, pulumi.Output<string>> = {};
  for (const name of names) secrets[name] = all.apply((values) => String(values[name]));
  return { stack, secrets };
}

/** Names of the stack secrets; throws a ValidationError when the object is not a map of names to text. */
export function secretNames(raw: unknown): string[] {
  const issues = new IssueCollector();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.add(
      'secrets',
      "must be an object of secret values: pulumi config set --secret --path 'secrets.<name>' <value>",
    );
    issues.throwIfAny();
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  for (const [name, value] of entries) {
    if (!SECRET_NAME.test(name))
      issues.add(`secrets.${name}`, "invalid secret name: use lower-case letters, digits, '-', '_' and '.'");
    if (typeof value !== 'string')
      issues.add(`secrets.${name}`, `must be text, got ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  issues.throwIfAny();
  return entries.map(([name]) => name).sort();
}
