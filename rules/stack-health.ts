import type { GeneratedAlert } from './types';
import { minutes } from './types';
import { durationText } from './humanize';

/** Jobs of the stack's own components, as the stack's scrape config names them. */
export const STACK_JOBS = ['prometheus', 'alertmanager', 'grafana'] as const;

export const WATCHDOG_ALERT = 'Watchdog';

interface HealthAlertSpec {
  key: string;
  expr: string;
  forMinutes: number;
  severity: 'critical' | 'warning' | 'none';
  summary: string;
  description: string;
  /** The series that make it fire; `silentValues` keeps it quiet. */
  series: string;
  firingValues: string;
  silentValues: string;
  outputLabels: Record<string, string>;
  /** Annotations with the scenario's labels filled in. */
  rendered: { summary: string; description: string };
}

const prometheusInstance = { instance: 'prometheus:9090', job: 'prometheus' };
const alertmanagerInstance = { instance: 'alertmanager:9093', job: 'alertmanager' };
const selector = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');

const SPECS: HealthAlertSpec[] = [
  {
    key: WATCHDOG_ALERT,
    expr: 'vector(1)',
    forMinutes: 0,
    severity: 'none',
    summary: 'Alerting pipeline heartbeat',
    description:
      "Always firing. Routed to a dead man's switch receiver: if its notifications stop, Prometheus or Alertmanager is broken.",
    series: `up{${selector(prometheusInstance)}}`,
    firingValues: '1x5',
    silentValues: '',
    outputLabels: {},
    rendered: {
      summary: 'Alerting pipeline heartbeat',
      description:
        "Always firing. Routed to a dead man's switch receiver: if its notifications stop, Prometheus or Alertmanager is broken.",
    },
  },
  {
    key: 'MonitoringComponentDown',
    expr: `up{job=~"${STACK_JOBS.join('|')}"} == 0`,
    forMinutes: 5,
    severity: 'critical',
    summary: '{{ $labels.job }} {{ $labels.instance }} is down',
    description: 'A component of the monitoring stack itself has not answered scrapes for {for}.',
    series: `up{${selector(alertmanagerInstance)}}`,
    firingValues: '0x10',
    silentValues: '1x10',
    outputLabels: alertmanagerInstance,
    rendered: {
      summary: 'alertmanager alertmanager:9093 is down',
      description: 'A component of the monitoring stack itself has not answered scrapes for {for}.',
    },
  },
  {
    key: 'PrometheusConfigReloadFailed',
    expr: 'max by (job, instance) (prometheus_config_last_reload_successful) == 0',
    forMinutes: 10,
    severity: 'warning',
    summary: 'Prometheus {{ $labels.instance }} failed to reload its configuration',
    description:
      'The running configuration is the last good one; the new one was rejected. Check the Prometheus log.',
    series: `prometheus_config_last_reload_successful{${selector(prometheusInstance)}}`,
    firingValues: '0x15',
    silentValues: '1x15',
    outputLabels: prometheusInstance,
    rendered: {
      summary: 'Prometheus prometheus:9090 failed to reload its configuration',
      description:
        'The running configuration is the last good one; the new one was rejected. Check the Prometheus log.',
    },
  },
  {
    key: 'AlertmanagerConfigReloadFailed',
    expr: 'max by (job, instance) (alertmanager_config_last_reload_successful) == 0',
    forMinutes: 10,
    severity: 'warning',
    summary: 'Alertmanager {{ $labels.instance }} failed to reload its configuration',
    description:
      'The running configuration is the last good one; the new one was rejected. Check the Alertmanager log.',
    series: `alertmanager_config_last_reload_successful{${selector(alertmanagerInstance)}}`,
    firingValues: '0x15',
    silentValues: '1x15',
    outputLabels: alertmanagerInstance,
    rendered: {
      summary: 'Alertmanager alertmanager:9093 failed to reload its configuration',
      description:
        'The running configuration is the last good one; the new one was rejected. Check the Alertmanager log.',
    },
  },
  {
    key: 'AlertmanagerNotificationsFailing',
    expr: 'sum by (job, instance, integration) (rate(alertmanager_notifications_failed_total[5m])) > 0',
    forMinutes: 5,
    severity: 'critical',
    summary: 'Alertmanager {{ $labels.instance }} fails to send {{ $labels.integration }} notifications',
    description: 'Notifications through this integration are failing: alerts may not reach anyone.',
    series: `alertmanager_notifications_failed_total{${selector({ ...alertmanagerInstance, integration: 'slack' })}}`,
    firingValues: '0+1x15',
    silentValues: '0x15',
    outputLabels: { ...alertmanagerInstance, integration: 'slack' },
    rendered: {
      summary: 'Alertmanager alertmanager:9093 fails to send slack notifications',
      description: 'Notifications through this integration are failing: alerts may not reach anyone.',
    },
  },
  {
    key: 'PrometheusRuleEvaluationFailures',
    expr: 'sum by (job, instance) (increase(prometheus_rule_evaluation_failures_total[5m])) > 0',
    forMinutes: 5,
    severity: 'warning',
    summary: 'Prometheus {{ $labels.instance }} fails to evaluate rules',
    description: 'Some alerting or recording rules fail to evaluate; their alerts cannot fire.',
    series: `prometheus_rule_evaluation_failures_total{${selector({ ...prometheusInstance, rule_group: 'g' })}}`,
    firingValues: '0+1x15',
    silentValues: '0x15',
    outputLabels: prometheusInstance,
    rendered: {
      summary: 'Prometheus prometheus:9090 fails to evaluate rules',
      description: 'Some alerting or recording rules fail to evaluate; their alerts cannot fire.',
    },
  },
  {
    key: 'PrometheusNotConnectedToAlertmanagers',
    expr: 'max by (job, instance) (prometheus_notifications_alertmanagers_discovered) < 1',
    forMinutes: 10,
    severity: 'warning',
    summary: 'Prometheus {{ $labels.instance }} is not connected to any Alertmanager',
    description: 'Alerts evaluated by this Prometheus are not sent anywhere.',
    series: `prometheus_notifications_alertmanagers_discovered{${selector(prometheusInstance)}}`,
    firingValues: '0x15',
    silentValues: '1x15',
    outputLabels: prometheusInstance,
    rendered: {
      summary: 'Prometheus prometheus:9090 is not connected to any Alertmanager',
      description: 'Alerts evaluated by this Prometheus are not sent anywhere.',
    },
  },
];

/** `{for}` in a description is the effective `for` in words. */
const withFor = (text: string, forDuration: string | undefined) =>
  text.replace('{for}', durationText(forDuration ?? '0s'));

/** Alerts on the monitoring stack itself, owned by the platform team, each with its promtool cases. */
export function stackHealthAlerts(platformTeam: string): GeneratedAlert[] {
  return SPECS.map((spec) => {
    const evalTime = minutes(spec.forMinutes + 2);
    const defaultFor = spec.forMinutes > 0 ? minutes(spec.forMinutes) : undefined;
    return {
      key: spec.key,
      threshold: 0,
      rule: (_t, forDuration = defaultFor) => ({
        alert: spec.key,
        expr: spec.expr,
        for: forDuration,
        labels: { severity: spec.severity, team: platformTeam },
        annotations: { description: withFor(spec.description, forDuration), summary: spec.summary },
      }),
      tests: (_t, forDuration = defaultFor) => ({
        fires: {
          series: [{ series: spec.series, values: spec.firingValues }],
          evalTime,
          outputLabels: spec.outputLabels,
          annotations: {
            ...spec.rendered,
            description: withFor(spec.rendered.description, forDuration),
          },
        },
        // The Watchdog fires whatever the input, by design: it has no silent case.
        silent: spec.silentValues
          ? { series: [{ series: spec.series, values: spec.silentValues }], evalTime }
          : undefined,
      }),
    };
  });
}
