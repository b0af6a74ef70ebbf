import { withLogin, type LocalStack, type WebCredentials } from '../../components/runtime/local';
import { getJson, waitFor } from '../../components/runtime/processes';
import { cleanUpFaults, faultStackConfig, metricValue, startFaultStack, WebhookSink } from './testing';

/*
 * Prometheus does not queue alerts for an Alertmanager that is away: a send that fails is dropped, and
 * the alert goes out again with the next resend (`--rules.alert.resend-delay`, 1m) while it still
 * fires. So an alert that starts firing while Alertmanager is down is notified at most one resend
 * interval after Alertmanager is back (plus its group wait).
 */

const ALERT = 'FaultDrillAlertmanagerAway';

/**
 * Fires once Alertmanager has missed every scrape for 5s (so not for a scrape that came before it was
 * ready), and keeps firing for 10m after it answers again, like an alert whose cause its return does
 * not fix.
 */
const RULES = `groups:
  - name: fault-drill
    rules:
      - alert: ${ALERT}
        expr: up{job="alertmanager"} == 0
        for: 5s
        keep_firing_for: 10m
        labels:
          severity: critical
          team: platform
          service: fault-drill
        annotations:
          summary: Alertmanager did not answer
`;

interface PrometheusAlerts {
  data: { alerts: { labels: Record<string, string>; state: string }[] };
}

async function firingInPrometheus(stack: LocalStack): Promise<boolean> {
  const body = await getJson<PrometheusAlerts>(
    `${stack.urls.prometheus}/api/v1/alerts`,
    withLogin(stack.webAuth),
  );
  return body.data.alerts.some((a) => a.labels.alertname === ALERT && a.state === 'firing');
}

/** Whether Prometheus's last scrape of Alertmanager succeeded. */
async function alertmanagerUp(prometheus: string, login: WebCredentials): Promise<boolean> {
  const query = encodeURIComponent('up{job="alertmanager"}');
  const body = await getJson<{ data: { result: { value: [number, string] }[] } }>(
    `${prometheus}/api/v1/query?query=${query}`,
    withLogin(login),
  );
  return body.data.result.length === 1 && body.data.result[0].value[1] === '1';
}

/** Alerts Prometheus failed to send: errors per Alertmanager, and alerts dropped when all failed. */
async function failedSends(prometheus: string, login: WebCredentials): Promise<number> {
  const errors = await metricValue(prometheus, 'prometheus_notifications_errors_total', login);
  const dropped = await metricValue(prometheus, 'prometheus_notifications_dropped_total', login);
  return (errors ?? 0) + (dropped ?? 0);
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
    // Before the outage Prometheus scrapes Alertmanager and has it as where alerts go.
    await waitFor(
      async () =>
        ((await metricValue(
          prometheus,
          'prometheus_notifications_alertmanagers_discovered',
          stack!.webAuth,
        )) ?? 0) >= 1 && (await alertmanagerUp(prometheus, stack!.webAuth))
          ? true
          : undefined,
      { timeoutMs: 30_000, describe: () => 'Prometheus never found Alertmanager' },
    );
    expect(await firingInPrometheus(stack)).toBe(false);

    await alertmanager.stop();
    const failedBefore = await failedSends(prometheus, stack!.webAuth);
    await waitFor(async () => ((await firingInPrometheus(stack!)) ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => `${ALERT} never fired in Prometheus`,
    });
    // Prometheus tried to send it and failed: the alert waits in no queue.
    await waitFor(
      async () => ((await failedSends(prometheus, stack!.webAuth)) > failedBefore ? true : undefined),
      {
        timeoutMs: 30_000,
        describe: () => 'Prometheus never tried to send to the stopped Alertmanager',
      },
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
