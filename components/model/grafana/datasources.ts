import { z } from 'zod';
import { credentialFile } from '../secrets';
import { parseDuration } from '../duration';
import { grafanaUid } from './uid';
import { datasourceUrl, literalText, orgId, provisioningName } from './text';

// Grafana parses timeInterval with Go's time.ParseDuration, which has no d/w/y units.
const GO_DURATION = /^(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;

/** The Prometheus scrape interval, which Grafana uses as the lower bound of $__interval and $__rate_interval. */
const timeInterval = z
  .string({ error: 'required: the Prometheus scrape interval, e.g. 15s' })
  .refine((text) => GO_DURATION.test(text) && (parseDuration(text) ?? 0) > 0, {
    error: (issue) =>
      `invalid timeInterval ${JSON.stringify(issue.input)}: write the scrape interval in h, m, s or ms, e.g. 15s or 1m`,
  });

const inline = (field: string) =>
  z.never({
    error: `inline credentials are not accepted: drop ${field} and set basicAuthPassword_file (a file path or { secret: "name" })`,
  });

/** Fields every datasource has, named as in Grafana's datasource provisioning file. */
const common = {
  name: provisioningName,
  uid: grafanaUid,
  /** Defaults to 1, the main org. */
  orgId: orgId.optional(),
  access: z
    .literal('proxy', { error: 'only "proxy" is supported: browsers never talk to the servers directly' })
    .optional(),
  isDefault: z.boolean().optional(),
  /** Defaults to false: datasources are code, UI edits would be overwritten on the next start. */
  editable: z.boolean().optional(),
  basicAuthUser: literalText.min(1, { error: 'must not be empty' }).optional(),
  /** Rendered as secureJsonData.basicAuthPassword = $__file{path}: Grafana reads that file, the provisioning file never holds the password. */
  basicAuthPassword_file: credentialFile.optional(),
  /**
   * The CA the server's certificate is verified with (an https URL): rendered as jsonData.tlsAuthWithCACert
   * and secureJsonData.tlsCACert = $__file{path}.
   */
  tlsCACert_file: credentialFile.optional(),
  basicAuth: z
    .never({ error: 'basicAuth is set by promstack: give basicAuthUser and basicAuthPassword_file instead' })
    .optional(),
  basicAuthPassword: inline('basicAuthPassword').optional(),
  secureJsonData: inline('secureJsonData').optional(),
};

const prometheusDatasource = z
  .object({
    type: z.literal('prometheus'),
    ...common,
    url: datasourceUrl('/api/v1'),
    jsonData: z
      .object(
        {
          timeInterval,
          httpMethod: z
            .literal('POST', { error: 'only POST: long queries do not fit in a GET URL' })
            .optional(),
        },
        {
          error: (issue) =>
            issue.input === undefined
              ? 'required: set jsonData.timeInterval to the Prometheus scrape interval, e.g. { timeInterval: "15s" }'
              : 'must be an object like { timeInterval: "15s" }',
        },
      )
      .strict(),
  })
  .strict();

const alertmanagerDatasource = z
  .object({
    type: z.literal('alertmanager'),
    ...common,
    url: datasourceUrl('/api/v2'),
    jsonData: z
      .object({
        implementation: z
          .literal('prometheus', { error: 'only "prometheus": promstack runs the Prometheus Alertmanager' })
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A datasource; the checks that relate fields or objects are in provisioning.ts (crossObjectIssues). */
export const datasource = z.discriminatedUnion('type', [prometheusDatasource, alertmanagerDatasource], {
  error: 'type must be "prometheus" or "alertmanager": promstack provisions only these datasources',
});

export type DatasourceInput = z.input<typeof datasource>;
export type Datasource = z.output<typeof datasource>;

export const deleteDatasource = z
  .object({
    name: provisioningName,
    orgId: orgId.optional(),
  })
  .strict();

export type DeleteDatasourceInput = z.input<typeof deleteDatasource>;
