import { z } from 'zod';
import { duration } from '../duration';
import { httpClientFields } from '../http';
import { discoveryFields } from './discovery';
import { relabelConfig } from './relabel';

/** Where Prometheus sends alerts: every Alertmanager of a cluster, never a load balancer in front of them. */
export const alertmanagerTarget = z.strictObject({
  scheme: z.enum(['http', 'https']).optional(),
  path_prefix: z.string().startsWith('/').optional(),
  timeout: duration.optional(),
  api_version: z.literal('v2').optional(),
  ...httpClientFields,
  ...discoveryFields,
  relabel_configs: z.array(relabelConfig).optional(),
});

export const alertingConfig = z.strictObject({
  alert_relabel_configs: z.array(relabelConfig).optional(),
  alertmanagers: z.array(alertmanagerTarget).optional(),
});
export type AlertingConfig = z.input<typeof alertingConfig>;
