import type { PrometheusConfigInput } from './config';

/**
 * A config that uses every part of the model; tests prove it with promtool and the docs show it.
 * `root` is where its plain (non-secret) files live; promtool checks that they exist.
 */
export const richPrometheusConfig = (root = '/etc/prometheus'): PrometheusConfigInput => ({
  global: {
    scrape_interval: '15s',
    scrape_timeout: '10s',
    evaluation_interval: '15s',
    external_labels: { environment: 'dev', cluster: 'local' },
  },
  rule_files: ['rules/*.yml'],
  alerting: {
    alertmanagers: [
      {
        api_version: 'v2',
        timeout: '10s',
        static_configs: [{ targets: ['alertmanager-0:9093', 'alertmanager-1:9093'] }],
      },
    ],
  },
  scrape_configs: [
    { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
    {
      job_name: 'checkout',
      scrape_interval: '10s',
      scrape_timeout: '5s',
      metrics_path: '/metrics',
      scheme: 'https',
      sample_limit: 50000,
      label_limit: 64,
      label_name_length_limit: 128,
      label_value_length_limit: 1024,
      body_size_limit: '10MB',
      basic_auth: { username: 'prometheus', password_file: { secret: 'checkout-scrape-password' } },
      tls_config: { ca_file: `${root}/ca.pem`, server_name: 'checkout.internal', min_version: 'TLS12' },
      static_configs: [{ targets: ['checkout:8443'], labels: { team: 'payments' } }],
      relabel_configs: [
        { source_labels: ['__address__'], regex: '([^:]+):\\d+', target_label: 'host', replacement: '$1' },
      ],
      metric_relabel_configs: [{ source_labels: ['__name__'], regex: 'go_gc_.*', action: 'drop' }],
    },
    {
      job_name: 'files',
      authorization: { credentials_file: `${root}/token` },
      file_sd_configs: [{ files: [`${root}/targets/*.json`], refresh_interval: '1m' }],
    },
    {
      job_name: 'dns',
      dns_sd_configs: [{ names: ['api.service.consul'], type: 'A', port: 9100, refresh_interval: '30s' }],
    },
    {
      job_name: 'kubernetes-pods',
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['shop'] } }],
      relabel_configs: [
        {
          source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'],
          regex: 'true',
          action: 'keep',
        },
        { regex: '__meta_kubernetes_pod_label_(.+)', action: 'labelmap' },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
        { source_labels: ['__address__'], target_label: '__tmp_hash', modulus: 4, action: 'hashmod' },
      ],
    },
  ],
  remote_write: [
    {
      name: 'mimir',
      url: 'https://mimir.example.com/api/v1/push',
      headers: { 'X-Scope-OrgID': 'shop' },
      authorization: { credentials_file: { secret: 'mimir-token' } },
      queue_config: { max_samples_per_send: 2000, capacity: 10000, max_shards: 50 },
      write_relabel_configs: [{ source_labels: ['__name__'], regex: 'debug_.*', action: 'drop' }],
    },
  ],
});
