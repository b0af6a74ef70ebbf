import { withLogin, type LocalStack } from '../../components/runtime/local';
import { getJson, waitFor } from '../../components/runtime/processes';
import { cleanUpFaults, faultStackConfig, postAlerts, startFaultStack, WebhookSink } from './testing';

interface AmAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: string; inhibitedBy: string[] };
}

/** Labels as the generated rules set them, owned by the fault stack's team so that they route. */
const alert = (labels: Record<string, string>) => ({
  labels: { team: 'platform', ...labels },
  annotations: { summary: `${labels.alertname} of ${labels.service}` },
  startsAt: new Date().toISOString(),
});

const sloPage = (service: string) => ({
  alertname: 'AvailabilityErrorBudgetBurn',
  severity: 'critical',
  sloth_severity: 'page',
  slo: 'availability',
  sli: 'availability',
  service,
});
const latencyPage = (service: string) => ({
  alertname: 'LatencyErrorBudgetBurn',
  severity: 'critical',
  sloth_severity: 'page',
  slo: 'latency',
  sli: 'latency',
  service,
});
const sloTicket = (service: string) => ({
  ...sloPage(service),
  severity: 'warning',
  sloth_severity: 'ticket',
});
const errorRate = (service: string) => ({ alertname: 'HighErrorRate', severity: 'critical', service });
const targetDownPage = (service: string) => ({
  alertname: 'TargetDown',
  severity: 'critical',
  job: service,
  service,
});
const latencyWarning = (service: string) => ({ alertname: 'HighLatency', severity: 'warning', service });
const targetDownWarning = (service: string, instance: string) => ({
  alertname: 'TargetDown',
  severity: 'warning',
  job: service,
  instance,
  service,
});

/**
 * The stack's generated inhibit rules in a real Alertmanager (the fault stack's alertmanager.yml, as
 * synth renders it): what it marks suppressed, by which alert, and what reaches the receiver.
 */
describe('inhibitions of the generated alerts in Alertmanager', () => {
  let sink: WebhookSink;
  let stack: LocalStack;
  let alerts: AmAlert[];

  afterAll(cleanUpFaults);

  beforeAll(async () => {
    sink = await WebhookSink.start();
    stack = await startFaultStack(faultStackConfig(sink.url));
    const am = stack.urls.alertmanagers[0];
    const statuses = await postAlerts(
      [am],
      [
        sloPage('orders'),
        errorRate('orders'),
        sloTicket('payments'),
        errorRate('payments'),
        targetDownPage('stock'),
        targetDownWarning('stock', 'stock-1:8080'),
        targetDownWarning('cart', 'cart-7:8080'),
        latencyWarning('stock'),
        latencyPage('search'),
        errorRate('search'),
      ].map(alert),
      stack.webAuth,
    );
    expect(statuses).toEqual([200]);
    // Every alert that is not inhibited reaches the receiver; once all have, the groups of the
    // inhibited ones (same group_wait, same groups) have been flushed too, without them.
    const deliverable = [
      sloPage('orders'),
      sloTicket('payments'),
      errorRate('payments'),
      targetDownPage('stock'),
      targetDownWarning('cart', 'cart-7:8080'),
      latencyWarning('stock'),
      latencyPage('search'),
      errorRate('search'),
    ];
    await waitFor(async () => (deliverable.every(delivered) ? true : undefined), {
      timeoutMs: 60_000,
      describe: () => `not delivered: ${JSON.stringify(deliverable.filter((a) => !delivered(a)))}`,
    });
    alerts = await getJson<AmAlert[]>(`${am}/api/v2/alerts`, withLogin(stack.webAuth));
  }, 120_000);

  const find = (labels: Record<string, string>) =>
    alerts.find((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v))!;
  const delivered = (labels: Record<string, string>) =>
    sink.requests.some((d) =>
      d.alerts.some((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v)),
    );

  it("an SLO page inhibits its service's HighErrorRate, which reaches no receiver", () => {
    const page = find(sloPage('orders'));
    expect(find(errorRate('orders')).status).toEqual({
      state: 'suppressed',
      inhibitedBy: [page.fingerprint],
      silencedBy: [],
      mutedBy: [],
    });
    expect(delivered(errorRate('orders'))).toBe(false);
    expect(delivered(sloPage('orders'))).toBe(true);
  });

  it("a latency SLO's page does not: slow answers are another incident than failed ones", () => {
    expect(find(errorRate('search')).status.state).toBe('active');
    expect(delivered(errorRate('search'))).toBe(true);
  });

  it("a ticket does not, nor a page of another service: payments' HighErrorRate pages", () => {
    expect(find(errorRate('payments')).status.state).toBe('active');
    expect(delivered(errorRate('payments'))).toBe(true);
  });

  it('TargetDown by share inhibits the warnings of its instances; one instance down alone warns', () => {
    const page = find(targetDownPage('stock'));
    expect(find(targetDownWarning('stock', 'stock-1:8080')).status).toMatchObject({
      state: 'suppressed',
      inhibitedBy: [page.fingerprint],
    });
    expect(delivered(targetDownWarning('stock', 'stock-1:8080'))).toBe(false);
    expect(find(targetDownWarning('cart', 'cart-7:8080')).status.state).toBe('active');
    expect(delivered(targetDownWarning('cart', 'cart-7:8080'))).toBe(true);
  });

  it("the page by share leaves the service's other warnings alone: they have no instance to blame", () => {
    expect(find(latencyWarning('stock')).status.state).toBe('active');
    expect(delivered(latencyWarning('stock'))).toBe(true);
  });
});
