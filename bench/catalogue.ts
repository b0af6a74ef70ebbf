import { defineService, type ServiceDefinition } from '../components/service';
import type { StackConfigInput } from '../components/stack/config';

/** Teams the synthetic services are spread over; each gets its own receivers and routing. */
export const BENCH_TEAMS = 20;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function teamName(index: number): string {
  return `team-${pad(index % BENCH_TEAMS, 2)}`;
}

/**
 * One synthetic service as a team would declare it: a counter with a status label, a latency histogram
 * and two gauges; RED with latency, an availability SLO, resource limits, targets on every platform.
 * Services differ in name, team, thresholds and objective, so that no two rule files are the same text.
 */
export function syntheticService(index: number): ServiceDefinition {
  const name = `svc-${pad(index, 5)}`;
  const team = teamName(index);
  return defineService({
    name,
    team,
    description: `Synthetic service ${index} of the scale benchmark`,
    scrape: {
      targets: {
        docker: [`${name}:8080`],
        kubernetes: { namespace: team, podLabels: { app: name }, port: 8080 },
        local: [`127.0.0.1:${20000 + (index % 40000)}`],
      },
    },
    metrics: {
      http_requests_total: { type: 'counter', labels: ['method', 'route', 'status'] },
      http_request_duration_seconds: { type: 'histogram', labels: ['method', 'route'] },
      http_requests_in_flight: { type: 'gauge', labels: [], help: 'Requests being served' },
      app_queue_depth: { type: 'gauge', labels: ['queue'] },
    },
    red: {
      requests: 'http_requests_total',
      errors: { label: 'status', regex: '5..' },
      latency: 'http_request_duration_seconds',
    },
    resources: { cpuCores: 1 + (index % 4) / 2, memoryBytes: (256 + (index % 8) * 128) * 1024 * 1024 },
    latencyThresholdSeconds: [0.25, 0.5, 1][index % 3],
    errorRatioThreshold: [0.01, 0.02, 0.05][index % 3],
    slos: [
      {
        name: 'availability',
        objective: [99, 99.5, 99.9, 99.95][index % 4],
        description: `Requests of ${name} answered without a 5xx`,
      },
    ],
  });
}

/** A catalogue of `count` services, in name order. */
export function syntheticCatalogue(count: number): ServiceDefinition[] {
  return Array.from({ length: count }, (_, i) => syntheticService(i));
}

/**
 * A stack config for the catalogue on one platform: webhook receivers (no secrets to provide), the
 * benchmark's teams and the platform team routed to them. Kubernetes runs HA like the prod stack.
 */
export function benchStackConfig(platform: 'docker' | 'kubernetes'): StackConfigInput {
  const teams = Array.from({ length: BENCH_TEAMS }, (_, i) => teamName(i));
  const receivers = [...teams, 'platform'].flatMap((team) => [
    { name: `${team}-pager`, webhook_configs: [{ url: `http://alert-sink:8080/${team}/pager` }] },
    { name: `${team}-chat`, webhook_configs: [{ url: `http://alert-sink:8080/${team}/chat` }] },
  ]);
  receivers.push({
    name: 'platform-heartbeat',
    webhook_configs: [{ url: 'http://alert-sink:8080/platform/heartbeat' }],
  });
  const routing = (team: string) => ({
    critical: [`${team}-pager`, `${team}-chat`],
    warning: [`${team}-chat`],
    info: [],
  });
  return {
    platform,
    ...(platform === 'kubernetes'
      ? {
          prometheus: { replicas: 2 },
          alertmanager: { replicas: 3 },
          kubernetes: { namespace: 'monitoring' },
        }
      : {}),
    receivers,
    teams: Object.fromEntries([...teams, 'platform'].map((team) => [team, routing(team)])),
    platformTeam: 'platform',
    defaultReceiver: 'platform-chat',
    // A dead man's switch, as every stack outside dev must have.
    watchdogReceiver: 'platform-heartbeat',
  };
}

/** Secret values the benchmark stacks need: only Grafana's admin password (receivers are webhooks). */
export const BENCH_SECRETS = {
  'grafana-admin-password': 'bench-only',
  'grafana-secret-key': 'bench-only-key',
  'web-password': 'bench-only-web',
};
