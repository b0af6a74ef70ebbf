import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the value of a local secret file came from (never the value itself). */
export type SecretSource = 'env' | 'file' | 'generated' | 'placeholder';

export interface LocalSecret {
  name: string;
  path: string;
  source: SecretSource;
  /** The environment variable that sets it. */
  envVar: string;
}

/** Written where no value is given: the tools load their configs, and a notification fails visibly. */
export const PLACEHOLDER_SECRET = 'placeholder-written-by-promstack-local';

/** `PROMSTACK_SECRET_<NAME>`: the secret name upper-cased, every other character an underscore. */
export function secretEnvVar(name: string): string {
  return `PROMSTACK_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Writes one file per secret into `dir` (mode 0600): the value of PROMSTACK_SECRET_<NAME> when set;
 * else a file a person (or an earlier run) wrote is kept; else a random value for the names in
 * `generate` (passwords that only need to be unguessable), a placeholder for the others.
 */
export function writeLocalSecrets(
  dir: string,
  names: readonly string[],
  options: { env?: NodeJS.ProcessEnv; generate?: readonly string[] } = {},
): LocalSecret[] {
  const env = options.env ?? process.env;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return [...new Set(names)].sort().map((name) => {
    const path = join(dir, name);
    const envVar = secretEnvVar(name);
    const fromEnv = env[envVar];
    let source: SecretSource;
    let value: string | undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      source = 'env';
      value = fromEnv;
    } else if (existsSync(path) && readFileSync(path, 'utf8') !== PLACEHOLDER_SECRET) {
      source = 'file';
    } else if (options.generate?.includes(name)) {
      source = 'generated';
      value = randomBytes(18).toString('base64url');
    } else {
      source = 'placeholder';
      value = PLACEHOLDER_SECRET;
    }
    if (value !== undefined) writeFileSync(path, value, { mode: 0o600 });
    chmodSync(path, 0o600);
    return { name, path, source, envVar };
  });
}
