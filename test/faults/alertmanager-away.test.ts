import type { LocalStack } from '../../components/runtime/local';
import { getJson, waitFor } from '../../components/runtime/processes';
import { cleanUpFaults, faultStackConfig, metricValue, startFaultStack, WebhookSink } from './testing';

/*
 * Prometheus does not queue alerts for an Alertmanager that is away: a send that fails is dropped, and
 * the alert goes out again with the next resend (`--rules.alert.resend-delay`, 1m) while it still
 * fires. So an alert that starts firing while Alertmanager is down is notified at most one resend
 * interval after Alertmanager is back (plus its group wait).
 */

const ALERT = 'FaultDrillAlertmanagerAway';

/** Fires once a scrape of Alertmanager failed, and keeps firing after it is back (10m window). */
const RULES = `groups:
  - name: fault-drill
    rules:
      - alert: ${ALERT}
        expr: min_over_time(up{job="alertmanager"}[10m]) == 0
        labels:
          severity: critical
          team: platform
          service: fault-drill
        annotations:
          summary: Alertmanager was unreachable in the last 10 minutes
`;

interface PrometheusAlerts {
  data: { alerts: { labels: Record<string, string>; state: string }[] };
}

async function firingInPrometheus(stack: LocalStack): Promise<boolean> {
  const body = await getJson<PrometheusAlerts>(`${stack.urls.prometheus}/api/v1/alerts`);
  return body.data.alerts.some((a) => a.labels.alertname === ALERT && a.state === 'firing');
}

describe('Alertmanager unreachable while an alert starts firing', () => {
  let sink: WebhookSink;
  let stack: LocalStack | undefined;

  afterAll(cleanUpFaults);

  it('gets the alert from Prometheus once it is back, and notifies it', async () => {
    sink = await WebhookSink.start();
    stack = await startFaultStack(faultStackConfig(sink.url), { ruleFiles: { 'fault-drill.yml': RULES } });
    const prometheus = stack.urls.prometheus;
    const alertmanager = stack.processes.alertmanager;
    expect(await firingInPrometheus(stack)).toBe(false);

    await alertmanager.stop();
    const failedBefore = (await metricValue(prometheus, 'prometheus_notifications_errors_total')) ?? 0;
    await waitFor(async () => ((await firingInPrometheus(stack!)) ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => `${ALERT} never fired in Prometheus`,
    });
    // Prometheus tried to send it and failed: the alert is not waiting in any queue.
    await waitFor(
      async () =>
        ((await metricValue(prometheus, 'prometheus_notifications_errors_total')) ?? 0) > failedBefore ||
        undefined,
      { timeoutMs: 30_000, describe: () => 'Prometheus never tried to send to the stopped Alertmanager' },
    );
    expect(sink.carrying(ALERT, 'accepted')).toEqual([]);

    const backAt = Date.now();
    await alertmanager.start();
    const delivered = await waitFor(
      async () => {
        const got = sink.carrying(ALERT, 'accepted');
        return got.length > 0 ? got : undefined;
      },
      // One resend interval (1m) plus the group wait and a busy machine's slack.
      {
        timeoutMs: 100_000,
        describe: () => `not notified after the return: ${JSON.stringify(sink.requests)}`,
      },
    );
    expect(delivered).toHaveLength(1);
    expect(delivered[0].at).toBeGreaterThan(backAt);
    expect(delivered[0].alerts.map((a) => [a.status, a.labels.alertname, a.labels.service])).toEqual([
      ['firing', ALERT, 'fault-drill'],
    ]);
  }, 180_000);
});
