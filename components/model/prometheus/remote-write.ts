import { z } from 'zod';
import { duration } from '../duration';
import { httpClientFields, httpUrl, plainHeaders } from '../http';
import { objectName } from '../names';
import { relabelConfig } from './relabel';

const positiveInt = z.number().int().positive();

/** Long-term storage (Mimir, Thanos receive, Cortex...) through Prometheus remote write. */
export const remoteWriteConfig = z.strictObject({
  url: httpUrl,
  name: objectName.optional(),
  remote_timeout: duration.optional(),
  /** Non-secret headers only (tenant ids); credentials go in basic_auth or authorization files. */
  headers: plainHeaders.optional(),
  write_relabel_configs: z.array(relabelConfig).optional(),
  queue_config: z
    .strictObject({
      capacity: positiveInt.optional(),
      max_shards: positiveInt.optional(),
      min_shards: positiveInt.optional(),
      max_samples_per_send: positiveInt.optional(),
      batch_send_deadline: duration.optional(),
      min_backoff: duration.optional(),
      max_backoff: duration.optional(),
    })
    .optional(),
  metadata_config: z
    .strictObject({ send: z.boolean().optional(), send_interval: duration.optional() })
    .optional(),
  ...httpClientFields,
});
export type RemoteWriteConfig = z.input<typeof remoteWriteConfig>;
