import { services } from '../../../infra/services';
import { synthStack } from '../../stack/synth';
import { testStackConfig } from '../../stack/testing';
import { validateAlertmanagerConfig } from '../../model/alertmanager';
import { findAlert, renderedAlerts, resolvedReceivers } from './expectations';

const scaled = synthStack(testStackConfig('docker'), services, { environment: 'dev', timeScale: 15 });
const alerts = renderedAlerts(scaled.rendered.ruleFiles);
const orders = { service: 'orders' };

describe('what the running rules expect', () => {
  it.each<[string, Record<string, string>, Record<string, unknown>]>([
    ['TargetDown', {}, { forSeconds: 8, recorded: false, windowSeconds: 0, threshold: undefined }],
    // The page by share: the drill hangs the one instance, all of them.
    [
      'TargetDown',
      { severity: 'critical' },
      { forSeconds: 8, recorded: false, windowSeconds: 0, threshold: 0.5 },
    ],
    ['TargetsMissing', {}, { forSeconds: 40, recorded: false, windowSeconds: 0, threshold: undefined }],
    ['HighErrorRate', {}, { forSeconds: 20, recorded: true, windowSeconds: 20, threshold: 0.05 }],
    [
      'HighLatency',
      {},
      { forSeconds: 40, recorded: true, windowSeconds: 20, threshold: 0.5, quantile: 0.99 },
    ],
    ['HighCpuUsage', {}, { forSeconds: 60, recorded: true, windowSeconds: 20, threshold: 0.8 }],
    // The page reads the 5m, 30m, 1h and 6h SLI records: 20s to 24m on a 15x clock.
    [
      'AvailabilityErrorBudgetBurn',
      { sloth_severity: 'page' },
      { forSeconds: 0, recorded: true, windowSeconds: 1440 },
    ],
    [
      'AvailabilityErrorBudgetBurn',
      { sloth_severity: 'ticket' },
      { forSeconds: 0, recorded: true, windowSeconds: 17280 },
    ],
    // The latency SLO's page reads its 7d windows, 1m10s to 1h24m: 4.67s to 5.6m on a 15x clock. The
    // drill's slow answers (1s, beyond its 0.5s bucket) set it off.
    [
      'LatencyErrorBudgetBurn',
      { sloth_severity: 'page' },
      { forSeconds: 0, recorded: true, windowSeconds: 336 },
    ],
  ])('%s %j on a 15x clock: %j', (alertname, match, expected) => {
    const alert = findAlert(alerts, alertname, { ...match, ...orders });
    const { threshold, ...rest } = expected;
    expect(alert).toMatchObject(rest);
    expect(alert?.threshold).toBe(threshold);
    expect(alert?.labels).toMatchObject({ service: 'orders', team: 'shop' });
  });

  it('tells the alerts of different services and severities apart', () => {
    expect(findAlert(alerts, 'TargetDown', { service: 'payments' })).toBeUndefined();
    expect(findAlert(alerts, 'MonitoringComponentDown', {})).toMatchObject({
      forSeconds: 20,
      recorded: false,
    });
  });

  it('knows which receivers tell about resolution, with the integrations’ defaults', () => {
    expect([...resolvedReceivers(scaled.rendered.alertmanager)].sort()).toEqual([
      'platform-webhook',
      'shop-pager',
      'shop-slack',
    ]);
    const config = validateAlertmanagerConfig({
      global: { smtp_from: 'am@example.org', smtp_smarthost: 'smtp.example.org:587' },
      route: { receiver: 'null' },
      receivers: [
        { name: 'mail', email_configs: [{ to: 'a@example.org' }] },
        { name: 'mail-resolved', email_configs: [{ to: 'a@example.org', send_resolved: true }] },
        { name: 'hook-quiet', webhook_configs: [{ url: 'http://x.example', send_resolved: false }] },
        { name: 'pager', pagerduty_configs: [{ routing_key_file: '/k' }] },
        { name: 'null' },
      ],
    });
    expect([...resolvedReceivers(config)].sort()).toEqual(['mail-resolved', 'pager']);
  });
});
