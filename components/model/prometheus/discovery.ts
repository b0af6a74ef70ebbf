import { z } from 'zod';
import { duration } from '../duration';
import { hostPort, httpClientFields, port } from '../http';
import { labelName, sortKeys } from '../names';

/** Targets written out by hand. Labels may use the internal `__` names (e.g. `__metrics_path__`). */
export const staticConfig = z.strictObject({
  targets: z.array(hostPort).min(1, { error: 'list at least one host:port target' }),
  labels: z.record(labelName, z.string()).transform(sortKeys).optional(),
});

export const fileSdConfig = z.strictObject({
  files: z
    .array(
      z.string().refine((f) => /\.(json|ya?ml)$/.test(f), {
        error: (i) => `file_sd file ${JSON.stringify(i.input)} must end in .json, .yml or .yaml`,
      }),
    )
    .min(1, { error: 'list at least one file' }),
  refresh_interval: duration.optional(),
});

export const dnsSdConfig = z
  .strictObject({
    names: z.array(z.string().min(1)).min(1, { error: 'list at least one DNS name' }),
    type: z.enum(['A', 'AAAA', 'SRV', 'MX', 'NS']).optional(),
    port: port.optional(),
    refresh_interval: duration.optional(),
  })
  .refine((dns) => (dns.type ?? 'SRV') === 'SRV' || dns.type === 'NS' || dns.port !== undefined, {
    path: ['port'],
    error: 'A, AAAA and MX lookups need a port',
  });

const selector = z.strictObject({
  role: z.enum(['node', 'service', 'pod', 'endpoints', 'endpointslice', 'ingress']),
  label: z.string().optional(),
  field: z.string().optional(),
});

export const kubernetesSdConfig = z.strictObject({
  role: z.enum(['node', 'service', 'pod', 'endpoints', 'endpointslice', 'ingress']),
  api_server: z.string().optional(),
  kubeconfig_file: z.string().optional(),
  namespaces: z
    .strictObject({ own_namespace: z.boolean().optional(), names: z.array(z.string().min(1)).optional() })
    .optional(),
  selectors: z.array(selector).optional(),
  attach_metadata: z.strictObject({ node: z.boolean().optional() }).optional(),
  ...httpClientFields,
});

/** Service discovery mechanisms shared by scrape jobs and Alertmanager targets. */
export const discoveryFields = {
  static_configs: z.array(staticConfig).optional(),
  file_sd_configs: z.array(fileSdConfig).optional(),
  dns_sd_configs: z.array(dnsSdConfig).optional(),
  kubernetes_sd_configs: z.array(kubernetesSdConfig).optional(),
};
