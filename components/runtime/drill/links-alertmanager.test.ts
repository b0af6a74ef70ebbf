import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { services } from '../../../infra/services';
import type { ReceiverInput } from '../../model/alertmanager';
import { isAlertingRule } from '../../model/rules';
import { OUTPUT_PATHS } from '../../stack/paths';
import { synthStack } from '../../stack/synth';
import { layoutUnder, testStackConfig, writeFiles } from '../../stack/testing';
import { findTool } from '../../tools/binaries';
import { receiversPointingAt, startChannelSinks, type ChannelSinks, type Notification } from '../channels';
import { freePort, startProcess, waitFor, type RunningProcess } from '../processes';
import { linkProblems, ruleLinks } from './links';

/**
 * The drill's path for links, with the real Alertmanager: the stack's receivers (none with a text of
 * its own) pointed at the stand-ins as the drill points them, rendered by synth with promstack.tmpl,
 * notified with the annotations of a rendered rule, and read back by the link check.
 */
const RECEIVERS: ReceiverInput[] = [
  {
    name: 'shop-slack',
    slack_configs: [{ api_url_file: { secret: 'slack-webhook-url' }, channel: '#shop' }],
  },
  { name: 'shop-pager', webhook_configs: [{ url: 'http://alert-inbox:8080/webhook/shop-pager' }] },
  {
    name: 'shop-mail',
    email_configs: [{ to: 'shop@example.org', smarthost: 'smtp.example.org:587', from: 'am@example.org' }],
  },
  { name: 'shop-pd', pagerduty_configs: [{ routing_key_file: { secret: 'pd-key' } }] },
  {
    name: 'platform-webhook',
    webhook_configs: [{ url: 'http://alert-inbox:8080/webhook/platform-webhook' }],
  },
];
const SHOP = RECEIVERS.filter((r) => r.name.startsWith('shop-')).map((r) => r.name);

let dir: string;
let sinks: ChannelSinks;
let alertmanager: RunningProcess | undefined;
let apiUrl: string;
let links: Record<string, string>;
const identity = { alertname: 'HighErrorRate', service: 'orders' };
const labels = { ...identity, team: 'shop', severity: 'critical' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'promstack-drill-links-'));
  sinks = await startChannelSinks({ host: '127.0.0.1' });
  const config = {
    ...testStackConfig('docker'),
    runbookBaseUrl: 'https://runbooks.example.com/promstack',
    grafana: { rootUrl: 'http://127.0.0.1:3000' },
    alertmanager: { groupWait: '0s' },
    receivers: receiversPointingAt(sinks, RECEIVERS, { secretsDir: join(dir, 'channel-secrets') }),
    teams: {
      shop: { critical: SHOP, warning: ['shop-slack'] },
      platform: { critical: ['platform-webhook'], warning: ['platform-webhook'] },
    },
  };
  const result = synthStack(config, services, { environment: 'dev', layout: layoutUnder(dir) });
  writeFiles(result.files, dir);
  const rule = Object.values(result.rendered.ruleFiles)
    .flatMap((f) => f.groups.flatMap((g) => g.rules))
    .filter(isAlertingRule)
    .find((r) => r.alert === 'HighErrorRate' && r.labels?.service === 'orders')!;
  links = ruleLinks(rule.annotations);

  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  alertmanager = startProcess('alertmanager', findTool('alertmanager'), [
    `--config.file=${join(dir, OUTPUT_PATHS.alertmanagerConfig)}`,
    `--storage.path=${join(dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
  await waitFor(async () => ((await fetch(`${apiUrl}/-/ready`)).ok ? true : undefined), {
    timeoutMs: 15_000,
    intervalMs: 100,
    describe: () => `alertmanager not ready:\n${alertmanager?.output()}`,
  });
}, 60_000);

afterAll(async () => {
  await alertmanager?.stop();
  await sinks?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function notify(alertLabels: Record<string, string>, annotations: Record<string, string>) {
  const response = await fetch(`${apiUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ labels: alertLabels, annotations, startsAt: new Date().toISOString() }]),
  });
  expect(response.ok).toBe(true);
  const of = (n: Notification, receiver: string) =>
    n.receiver === receiver && n.alerts.some((a) => a.alertname === alertLabels.alertname);
  return Promise.all(SHOP.map((receiver) => sinks.waitForNotification((n) => of(n, receiver), 20_000)));
}

describe('the drill’s link check on what a real Alertmanager sends through every channel', () => {
  it('finds the rule’s runbook and dashboard links in every notification, as its reader sees them', async () => {
    expect(links).toEqual({
      runbook_url: 'https://runbooks.example.com/promstack/HighErrorRate',
      dashboard_url: 'http://127.0.0.1:3000/d/svc-orders',
    });
    const received = await notify(labels, { summary: 'orders fail', ...links });
    expect(received.map((n) => n.channel).sort()).toEqual(['email', 'pagerduty', 'slack', 'webhook']);
    expect(received.flatMap((n) => linkProblems(n, identity, links))).toEqual([]);
  }, 60_000);

  it('reports every channel whose notification lacks a link', async () => {
    const other = { ...labels, alertname: 'HighLatency' };
    const received = await notify(other, { summary: 'orders slow', runbook_url: links.runbook_url });
    const problems = received.flatMap((n) => linkProblems(n, { alertname: 'HighLatency' }, links));
    expect(problems.sort()).toEqual(
      ['email', 'pagerduty', 'slack', 'webhook']
        .map((channel) => {
          const receiver = received.find((n) => n.channel === channel)!.receiver;
          return `${channel} notification to ${receiver} has no dashboard link (dashboard_url)`;
        })
        .sort(),
    );
  }, 60_000);
});
