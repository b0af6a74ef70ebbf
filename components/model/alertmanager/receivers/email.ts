import { z } from 'zod';
import { compareText } from '../../errors';
import { hostPort, tlsConfig } from '../../http';
import { sortKeys } from '../../names';
import { credentialBearingFields, hasLineBreak, isSecretName } from '../../inline-credentials';
import { credentialFile } from '../../secrets';
import { mailAddress, sendResolved } from '../fields';

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Extra mail headers; names are case-insensitive, so two spellings of one header are an error. */
const headers = z
  .record(
    z.string().regex(HEADER_NAME, {
      error: (issue) => `invalid header name ${JSON.stringify(issue.input)}: use letters, digits and '-'`,
    }),
    z.string(),
  )
  .superRefine((map, ctx) => {
    for (const [name, value] of Object.entries(map)) {
      if (isSecretName(name))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `header ${JSON.stringify(name)} carries a credential, which would be rendered in clear: mail needs none beyond auth_password_file`,
        });
      if (hasLineBreak(value))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'a line break in a header value starts a new header: keep the value on one line',
        });
    }
    const names = Object.keys(map).sort(compareText);
    names.forEach((name, i) => {
      const twin = names.findIndex((other) => other.toLowerCase() === name.toLowerCase());
      if (twin < i) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `header ${JSON.stringify(name)} repeats ${JSON.stringify(names[twin])}: header names ignore case, keep one`,
        });
      }
    });
  })
  .transform(sortKeys);
credentialBearingFields.add(headers, { kind: 'headers' });

/**
 * Mail through an SMTP relay. Sender, relay and login fall back to the smtp_* fields of `global`.
 * There is no http_config: mail does not go over HTTP; tls_config covers the SMTP connection.
 */
export const emailConfig = z.strictObject({
  send_resolved: sendResolved,
  to: z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'missing: set to, the address(es) the mail goes to' : undefined,
    })
    .pipe(mailAddress),
  from: mailAddress.optional(),
  smarthost: hostPort.optional(),
  hello: z.string().optional(),
  auth_username: z.string().optional(),
  auth_password_file: credentialFile.optional(),
  auth_identity: z.string().optional(),
  headers: headers.optional(),
  html: z.string().optional(),
  text: z.string().optional(),
  require_tls: z.boolean().optional(),
  tls_config: tlsConfig.optional(),
});

export type EmailConfigInput = z.input<typeof emailConfig>;
