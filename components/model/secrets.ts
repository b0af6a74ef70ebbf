import { z } from 'zod';

import { compareText } from './errors';
/**
 * Secret names double as Kubernetes Secret keys and file names in the mounted secrets folder, so they
 * keep to the characters both allow.
 */
export const SECRET_NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;

/**
 * The web config Prometheus and Alertmanager read (derived from the webAuth password, see
 * platforms/web-auth.ts) lies in the secrets folder under this name, so no stack secret may take it.
 */
export const WEB_CONFIG_FILE = 'promstack-web-config.yml';

const notTheWebConfig = (name: string) => name !== WEB_CONFIG_FILE;
const webConfigTaken = `${WEB_CONFIG_FILE} is the web config promstack derives from the webAuth password: name the secret otherwise`;

/** A reference to a secret held by the stack (`pulumi config set --secret`), mounted as a file at run time. */
export interface SecretRef {
  secret: string;
}

export const secretRef = z
  .object({
    secret: z
      .string()
      .regex(SECRET_NAME, {
        error: (issue) =>
          `invalid secret name ${JSON.stringify(issue.input)}: use lower-case letters, digits, '-', '_' and '.'`,
      })
      .refine(notTheWebConfig, { error: webConfigTaken }),
  })
  .strict();

/** A stack secret's name in the stack config (the Grafana password, the webAuth password...). */
export const secretNameField = z
  .string()
  .regex(SECRET_NAME, { error: 'use lower-case letters, digits, "-", "_" and "."' })
  .refine(notTheWebConfig, { error: webConfigTaken });

const absolutePath = z.string().refine((path) => path.startsWith('/') && !path.includes('\0'), {
  error: (issue) => `must be an absolute file path inside the container, got ${JSON.stringify(issue.input)}`,
});

/**
 * Where a credential comes from: a file path that exists where the tool runs, or a stack secret.
 * Credentials are never inline text: the rendered configs name files, so they can be reviewed and
 * stored in state without exposing anything.
 */
export const credentialFile = z.union([absolutePath, secretRef], {
  error:
    'must be a file path (string starting with /) or a secret reference { secret: "name" }; inline credentials are not accepted',
});
export type CredentialFile = z.input<typeof credentialFile>;

/** How a renderer turns secret references into file paths, and which secrets a render needed. */
export class SecretFiles {
  private readonly used = new Set<string>();

  /** @param dir folder where the platform mounts the stack's secrets, one file per secret name. */
  constructor(readonly dir: string) {}

  path(credential: string | SecretRef): string {
    if (typeof credential === 'string') return credential;
    this.used.add(credential.secret);
    return `${this.dir}/${credential.secret}`;
  }

  /**
   * Returns a copy of validated data with every secret reference replaced by its file path. Only `*_file`
   * fields accept references (see credentialFile), so a deep walk finds them all.
   */
  resolve<T>(data: T): T {
    if (Array.isArray(data)) return data.map((item) => this.resolve(item)) as T;
    if (data === null || typeof data !== 'object') return data;
    if (isSecretRef(data)) return this.path(data) as T;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(data)) out[key] = this.resolve(value);
    return out as T;
  }

  /** Names of the secrets referenced so far, sorted. */
  names(): string[] {
    return [...this.used].sort(compareText);
  }
}

function isSecretRef(value: object): value is SecretRef {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'secret' && typeof (value as SecretRef).secret === 'string';
}
