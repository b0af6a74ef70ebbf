import { z } from 'zod';
import { duration, parseDuration } from '../duration';
import { httpClientFields } from '../http';
import { credentialBearingFields, isSecretName } from '../inline-credentials';
import { objectName } from '../names';
import { discoveryFields } from './discovery';
import { relabelConfig } from './relabel';

const sizeLimit = z.string().regex(/^\d+(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/, {
  error: (i) => `invalid size ${JSON.stringify(i.input)}: write a size like 10MB or 512KiB`,
});
const count = z
  .number()
  .int({ error: 'must be a whole number' })
  .nonnegative({ error: 'must not be negative' });

/** Query parameters of the scrape request: rendered in clear, so none may carry a credential. */
const queryParams = z.record(z.string(), z.array(z.string())).superRefine((params, ctx) => {
  for (const name of Object.keys(params))
    if (isSecretName(name))
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `query parameter ${JSON.stringify(name)} carries a credential: use authorization.credentials_file or basic_auth.password_file`,
      });
});
credentialBearingFields.add(queryParams, { kind: 'params' });

/** One scrape job (Prometheus `scrape_config`). Unset fields take the global or Prometheus defaults. */
export const scrapeConfig = z
  .strictObject({
    job_name: objectName,
    scrape_interval: duration.optional(),
    scrape_timeout: duration.optional(),
    metrics_path: z.string().startsWith('/', { error: 'metrics_path must start with /' }).optional(),
    scheme: z.enum(['http', 'https']).optional(),
    params: queryParams.optional(),
    honor_labels: z.boolean().optional(),
    honor_timestamps: z.boolean().optional(),
    /** Per-scrape limit on samples; exceeding it fails the scrape. 0 means no limit. */
    sample_limit: count.optional(),
    target_limit: count.optional(),
    label_limit: count.optional(),
    label_name_length_limit: count.optional(),
    label_value_length_limit: count.optional(),
    body_size_limit: sizeLimit.optional(),
    ...httpClientFields,
    ...discoveryFields,
    relabel_configs: z.array(relabelConfig).optional(),
    metric_relabel_configs: z.array(relabelConfig).optional(),
  })
  .superRefine((job, ctx) => {
    if (job.scrape_interval !== undefined && job.scrape_timeout !== undefined) {
      if (parseDuration(job.scrape_timeout)! > parseDuration(job.scrape_interval)!) {
        ctx.addIssue({
          code: 'custom',
          path: ['scrape_timeout'],
          message: `scrape_timeout ${job.scrape_timeout} is longer than scrape_interval ${job.scrape_interval}: lower it`,
        });
      }
    }
    const discovered =
      (job.static_configs?.length ?? 0) +
      (job.file_sd_configs?.length ?? 0) +
      (job.dns_sd_configs?.length ?? 0) +
      (job.kubernetes_sd_configs?.length ?? 0);
    if (discovered === 0) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'no targets: add static_configs, file_sd_configs, dns_sd_configs or kubernetes_sd_configs',
      });
    }
    if (job.basic_auth && job.authorization) {
      ctx.addIssue({
        code: 'custom',
        path: ['authorization'],
        message: 'basic_auth and authorization are mutually exclusive: choose one',
      });
    }
  });
export type ScrapeConfig = z.input<typeof scrapeConfig>;
