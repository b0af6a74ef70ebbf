import * as pulumi from '@pulumi/pulumi';
import { webConfigYaml } from './web-auth';
import { sourceSecretOf, type SecretFile, type Workload } from './workload';

/** Stack secret values by name, as the platforms are given them. */
export type SecretInputs = Record<string, pulumi.Input<string>>;

/**
 * The content of a secret file: the stack secret's value, or the web config derived from the password
 * (inside the secret's Output, so that the hash is a Pulumi secret as the password is).
 */
export function secretFileValue(file: SecretFile, secrets: SecretInputs): pulumi.Input<string> {
  const auth = file.webConfigOf;
  if (!auth) return secrets[file.secretName];
  return pulumi.output(secrets[auth.passwordSecret]).apply((password) => webConfigYaml(auth, password));
}

/** The stack secrets a workload reads that `secrets` has no value for. */
export function missingSecrets(workload: Pick<Workload, 'secretFiles'>, secrets: SecretInputs): string[] {
  return [...new Set(workload.secretFiles.map(sourceSecretOf))].filter((name) => secrets[name] === undefined);
}
