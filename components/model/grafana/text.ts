import { z } from 'zod';
import { credentialFreeUrl } from '../http';
import { credentialBearingFields } from '../inline-credentials';

/**
 * Grafana expands `$NAME`, `${NAME}` and `$__file{...}` in every value of a provisioning file, so a `$` in
 * user text would silently become something else.
 */
export const literalText = z.string().refine((text) => !text.includes('$'), {
  error: 'must not contain "$": Grafana expands $NAME and $__file{...} in provisioning files',
});

export const provisioningName = literalText
  .min(1, { error: 'must not be empty' })
  .refine((name) => name.trim() === name, { error: 'must not start or end with white space' });

/** An absolute path inside the Grafana container. */
export const containerPath = literalText.refine((path) => path.startsWith('/') && !/[\0{}]/.test(path), {
  error: (issue) =>
    `must be an absolute path inside the Grafana container, got ${JSON.stringify(issue.input)}`,
});

/** A datasource URL: Grafana adds the API path itself and credentials belong in files, not in the URL. */
export function datasourceUrl(apiPath: string) {
  const schema = credentialFreeUrl('use basicAuthUser and basicAuthPassword_file')
    .refine((text) => !text.includes('$'), {
      error: 'must not contain "$": Grafana expands $NAME in provisioning files',
    })
    .refine((text) => !endsWithApiPath(text), {
      error: `must be the server's base URL: Grafana appends ${apiPath} itself`,
    });
  credentialBearingFields.add(schema, { kind: 'url' });
  return schema;
}

function endsWithApiPath(text: string): boolean {
  try {
    return /\/api\/v[12]\/?$/.test(new URL(text).pathname);
  } catch {
    return false;
  }
}

export const orgId = z
  .number()
  .int({ error: 'orgId must be a whole number' })
  .min(1, { error: 'orgId must be 1 or more (1 is the main org)' });
