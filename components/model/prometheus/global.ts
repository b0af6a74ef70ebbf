import { z } from 'zod';
import { positiveDuration } from '../duration';
import { labelSet } from '../names';

/** Prometheus `global`: defaults for every job and rule group. Prometheus's defaults: 1m, 10s, 1m. */
export const globalConfig = z.strictObject({
  scrape_interval: positiveDuration.optional(),
  scrape_timeout: positiveDuration.optional(),
  evaluation_interval: positiveDuration.optional(),
  /** Added to every series and alert that leaves this Prometheus (federation, remote write, Alertmanager). */
  external_labels: labelSet.optional(),
  query_log_file: z.string().optional(),
});
export type GlobalConfig = z.input<typeof globalConfig>;
