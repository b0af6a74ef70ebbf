import { z } from 'zod';
import { credentialFile } from './secrets';
import { duration } from './duration';
import { credentialBearingFields, isSecretName, urlCredentialProblem } from './inline-credentials';

/** Checks that a string is an absolute http(s) URL, naming what is wrong. */
export const absoluteHttpUrl = z.string().refine(
  (text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  {
    error: (issue) => `invalid URL ${JSON.stringify(issue.input)}: write an absolute http:// or https:// URL`,
  },
);

/** An absolute http(s) URL without user info or credential query parameters; `fix` says where they go instead. */
export function credentialFreeUrl(fix: string) {
  const schema = absoluteHttpUrl.superRefine((text, ctx) => {
    const problem = urlCredentialProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem}: ${fix}` });
  });
  credentialBearingFields.add(schema, { kind: 'url' });
  return schema;
}

/** A URL in a tool's config, which is rendered to a file: credentials go in the field's file form. */
export const httpUrl = credentialFreeUrl(
  "give the credential through the field's *_file form (a file or { secret }) or http_config's basic_auth/authorization",
);

/** HTTP headers sent with requests: only non-secret ones (tenant ids); credentials go in files. */
export const plainHeaders = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const name of Object.keys(headers))
    if (isSecretName(name))
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `header ${JSON.stringify(name)} carries a credential: put it in authorization.credentials_file (or basic_auth.password_file)`,
      });
});
credentialBearingFields.add(plainHeaders, { kind: 'headers' });

/** A TCP port number. */
export const port = z
  .number()
  .int({ error: 'port must be a whole number' })
  .min(1, { error: 'port must be between 1 and 65535' })
  .max(65535, { error: 'port must be between 1 and 65535' });

/** `host:port` as Prometheus static targets and Alertmanager targets write them. */
export const hostPort = z.string().refine(
  (text) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9]([-a-zA-Z0-9._]*[a-zA-Z0-9])?):(\d{1,5})$/.exec(text);
    return match !== null && Number(match[3]) >= 1 && Number(match[3]) <= 65535;
  },
  {
    error: (issue) =>
      `invalid target ${JSON.stringify(issue.input)}: write host:port with a port from 1 to 65535`,
  },
);

/** TLS settings shared by scrape jobs, Alertmanager targets, remote write and receivers. */
export const tlsConfig = z
  .object({
    // A CA is no credential, but a stack secret is how the user's own PEM reaches the container.
    ca_file: credentialFile.optional(),
    cert_file: z.string().optional(),
    key_file: credentialFile.optional(),
    server_name: z.string().optional(),
    insecure_skip_verify: z.boolean().optional(),
    min_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
  })
  .strict()
  .refine((tls) => (tls.cert_file === undefined) === (tls.key_file === undefined), {
    error: 'cert_file and key_file go together: set both or neither',
  });

export const basicAuth = z
  .object({
    username: z.string().min(1, { error: 'must not be empty' }),
    password_file: credentialFile,
  })
  .strict();

export const authorization = z
  .object({
    /** Defaults to Bearer. */
    type: z.string().optional(),
    credentials_file: credentialFile,
  })
  .strict();

/** Client settings of Prometheus's common HTTP config, credentials as files only. */
export const httpClientFields = {
  basic_auth: basicAuth.optional(),
  authorization: authorization.optional(),
  tls_config: tlsConfig.optional(),
  proxy_url: httpUrl.optional(),
  follow_redirects: z.boolean().optional(),
  enable_http2: z.boolean().optional(),
};

export const httpConfig = z
  .object(httpClientFields)
  .strict()
  .refine((http) => !(http.basic_auth && http.authorization), {
    error: 'basic_auth and authorization are mutually exclusive: choose one',
  });

export const timeout = duration;
