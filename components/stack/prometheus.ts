import { compareText } from '../model/errors';
import type { PrometheusConfigInput, ScrapeConfig } from '../model/prometheus';
import type { ServiceDefinition } from '../service';
import type { StackConfig } from './config';
import type { Endpoints, Platform, StackLayout } from './layout';

/** Scrape job of one service on a platform; undefined when the service has no targets there. */
export function serviceScrapeJob(service: ServiceDefinition, platform: Platform): ScrapeConfig | undefined {
  const { scrape } = service;
  const common: ScrapeConfig = {
    job_name: service.name,
    scrape_interval: scrape.interval,
    scrape_timeout: scrape.timeout,
    metrics_path: scrape.path,
    scheme: scrape.scheme,
    sample_limit: scrape.sampleLimit ?? 50_000,
    authorization: scrape.bearerTokenFile ? { credentials_file: scrape.bearerTokenFile } : undefined,
  };
  const labels = { service: service.name, team: service.team };
  if (platform === 'kubernetes') {
    const k8s = scrape.targets.kubernetes;
    if (!k8s) return undefined;
    const podLabels = Object.entries(k8s.podLabels).sort(([a], [b]) => compareText(a, b));
    return {
      ...common,
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [k8s.namespace] } }],
      relabel_configs: [
        ...podLabels.map(([label, value]) => ({
          source_labels: [`__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`],
          regex: escapeRegex(value),
          action: 'keep' as const,
        })),
        {
          source_labels: ['__meta_kubernetes_pod_container_port_number'],
          regex: String(k8s.port),
          action: 'keep',
        },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
        { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
        ...Object.entries(labels).map(([label, value]) => ({ target_label: label, replacement: value })),
      ],
    };
  }
  const targets = platform === 'docker' ? scrape.targets.docker : scrape.targets.local;
  if (!targets) return undefined;
  return { ...common, static_configs: [{ targets, labels }] };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The whole prometheus.yml of a stack: its own components first, then one job per service. */
export function prometheusConfigOf(
  config: StackConfig,
  services: readonly ServiceDefinition[],
  options: { platform: Platform; environment: string; endpoints: Endpoints; layout: StackLayout },
): PrometheusConfigInput {
  const p = config.prometheus;
  const externalLabels: Record<string, string> = { ...p.externalLabels, environment: options.environment };
  // Each replica must tell its series apart for deduplication; Prometheus 3 expands ${VAR} here.
  const replicated = options.platform === 'kubernetes' && p.replicas > 1;
  if (replicated) externalLabels.replica = '${POD_NAME}';
  // Prometheus and Alertmanager ask for the webAuth login on every path, /metrics included.
  const login = {
    username: config.webAuth.username,
    password_file: { secret: config.webAuth.passwordSecret },
  };
  // With webAuth.tls they serve only HTTPS: every client verifies them with the stack's CA.
  const tls = config.webAuth.tls;
  const secure = tls && {
    scheme: 'https' as const,
    tls_config: { ca_file: { secret: tls.caSecret } },
  };
  const self = (job: string, targets: string[], basicAuth?: typeof login): ScrapeConfig => ({
    job_name: job,
    basic_auth: basicAuth,
    ...(basicAuth && secure),
    static_configs: [{ targets, labels: { service: job, team: config.platformTeam } }],
  });
  return {
    global: {
      scrape_interval: p.scrapeInterval,
      scrape_timeout: p.scrapeTimeout,
      evaluation_interval: p.evaluationInterval,
      external_labels: externalLabels,
    },
    rule_files: [`${options.layout.prometheusConfigDir}/rules/*.yml`],
    alerting: {
      // Both replicas send the same alert; without their replica label Alertmanager sees one alert, not two.
      alert_relabel_configs: replicated ? [{ regex: 'replica', action: 'labeldrop' }] : undefined,
      alertmanagers: [
        {
          api_version: 'v2',
          basic_auth: login,
          ...secure,
          static_configs: [{ targets: options.endpoints.alertmanagers }],
        },
      ],
    },
    scrape_configs: [
      self('prometheus', options.endpoints.prometheus, login),
      self('alertmanager', options.endpoints.alertmanagers, login),
      ...(options.endpoints.grafana ? [self('grafana', [options.endpoints.grafana])] : []),
      ...services.flatMap((service) => serviceScrapeJob(service, options.platform) ?? []),
    ],
    remote_write: p.remoteWrite.length > 0 ? p.remoteWrite : undefined,
  };
}
