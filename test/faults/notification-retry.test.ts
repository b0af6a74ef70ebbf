import type { LocalStack } from '../../components/runtime/local';
import { waitFor } from '../../components/runtime/processes';
import {
  drillAlert,
  faultStackConfig,
  metricValue,
  postAlerts,
  cleanUpFaults,
  startFaultStack,
  WebhookSink,
} from './testing';

describe('a notification endpoint that is down for a while', () => {
  let sink: WebhookSink;
  let stack: LocalStack | undefined;

  afterAll(cleanUpFaults);

  it('gets the notification once it answers again', async () => {
    sink = await WebhookSink.start();
    sink.answer = 500;
    stack = await startFaultStack(faultStackConfig(sink.url));
    const alert = drillAlert('FaultDrillEndpointDown');
    expect(await postAlerts(stack.urls.alertmanagers, [alert], stack!.webAuth)).toEqual([200]);

    // Alertmanager keeps trying while the endpoint fails.
    await waitFor(
      async () => (sink.carrying(alert.labels.alertname, 'refused').length >= 3 ? true : undefined),
      { timeoutMs: 20_000, describe: () => `fewer than 3 attempts: ${JSON.stringify(sink.requests)}` },
    );
    expect(sink.carrying(alert.labels.alertname, 'accepted')).toEqual([]);
    const recoveredAt = Date.now();
    sink.answer = 200;

    const delivered = await waitFor(
      async () => {
        const got = sink.carrying(alert.labels.alertname, 'accepted');
        return got.length > 0 ? got : undefined;
      },
      { timeoutMs: 20_000, describe: () => `not delivered after recovery: ${JSON.stringify(sink.requests)}` },
    );
    expect(delivered).toHaveLength(1);
    expect(delivered[0].at).toBeGreaterThanOrEqual(recoveredAt);
    expect(delivered[0].receiver).toBe('fault-hook');
    expect(delivered[0].alerts.map((a) => [a.status, a.labels])).toEqual([['firing', alert.labels]]);

    // Alertmanager counted each refused request (the final delivery succeeded, so no failed notification).
    const failed = await metricValue(
      stack.urls.alertmanagers[0],
      'alertmanager_notification_requests_failed_total',
      stack!.webAuth,
      'integration="webhook"',
    );
    expect(failed).toBeGreaterThanOrEqual(3);
  });
});
