import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { basicAuthorization, webConfigYaml, webPasswordProblem } from '../../platforms/web-auth';
import type { Workload } from '../../platforms/workload';
import type { StackConfig } from '../../stack/config';

/** The login of a local stack's Prometheus and Alertmanager, as every client of theirs sends it. */
export interface WebCredentials {
  username: string;
  password: string;
}

/** `init` with the login's Authorization header added to its headers. */
export function withLogin(credentials: WebCredentials, init: RequestInit = {}): RequestInit {
  return {
    ...init,
    headers: {
      ...(init.headers as Record<string, string> | undefined),
      authorization: basicAuthorization(credentials.username, credentials.password),
    },
  };
}

/** The login whose password file the stack's secrets folder holds; throws on an unusable password. */
export function readWebCredentials(config: StackConfig, secretsDir: string): WebCredentials {
  const { username, passwordSecret } = config.webAuth;
  const password = readFileSync(join(secretsDir, passwordSecret), 'utf8');
  const problem = webPasswordProblem(password, passwordSecret);
  if (problem) throw new Error(`${problem} (${join(secretsDir, passwordSecret)})`);
  return { username, password };
}

/**
 * Writes each web config the workloads read (mode 0600, like the secrets it is derived from), from
 * the password already in the secrets folder. The same password gives the same file.
 */
export function writeWebConfigs(workloads: readonly Workload[], credentials: WebCredentials): number {
  const files = new Map<string, string>();
  for (const workload of workloads)
    for (const file of workload.secretFiles)
      if (file.webConfigOf) files.set(file.path, webConfigYaml(file.webConfigOf, credentials.password));
  for (const [path, content] of files) {
    writeFileSync(path, content, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return files.size;
}
