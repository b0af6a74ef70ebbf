import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  renderAlertmanagerConfig,
  type AlertmanagerConfigInput,
  type ReceiverInput,
} from '../../model/alertmanager';
import { synthStack } from '../../stack/synth';
import { testStackConfig } from '../../stack/testing';
import { findTool, runTool } from '../../tools/binaries';
import { freePort, startProcess, waitFor, type RunningProcess } from '../processes';
import {
  localReceiverSettings,
  PROMSTACK_TEXT,
  PROMSTACK_TITLE,
  receiversPointingAt,
  startChannelSinks,
  type Channel,
  type ChannelSinks,
  type Notification,
} from './index';

/** Receivers as a stack's config writes them: real endpoints and secret references. */
const STACK_RECEIVERS: ReceiverInput[] = [
  {
    name: 'shop-mail',
    email_configs: [
      {
        send_resolved: true,
        to: 'shop-oncall@example.org',
        from: 'alerts@example.org',
        smarthost: 'smtp.example.org:587',
        auth_username: 'alertmanager',
        auth_password_file: { secret: 'smtp-password' },
        headers: { Subject: PROMSTACK_TITLE },
        text: PROMSTACK_TEXT,
      },
    ],
  },
  {
    name: 'shop-pager',
    pagerduty_configs: [
      {
        send_resolved: true,
        routing_key_file: { secret: 'pagerduty-routing-key' },
        severity: '{{ .CommonLabels.severity }}',
        http_config: { proxy_url: 'http://proxy.example.org:3128' },
      },
    ],
  },
  {
    name: 'shop-slack',
    slack_configs: [
      {
        send_resolved: true,
        api_url_file: { secret: 'slack-webhook-url' },
        channel: '#shop-alerts',
        title: PROMSTACK_TITLE,
        text: PROMSTACK_TEXT,
      },
    ],
  },
  {
    name: 'platform-webhook',
    webhook_configs: [{ send_resolved: true, url: 'http://alert-sink:8080/platform' }],
  },
];

/** Which channel each stack receiver above delivers through. */
const CHANNEL_OF: Record<string, Channel> = {
  'shop-mail': 'email',
  'shop-pager': 'pagerduty',
  'shop-slack': 'slack',
  'platform-webhook': 'webhook',
};
const ALL_CHANNELS = 'drill-all';

let sinks: ChannelSinks;
let alertmanager: RunningProcess | undefined;
let apiUrl: string;
let dir: string;

function promstackTemplate(): string {
  const result = synthStack(testStackConfig('docker'), [], { environment: 'dev' });
  return result.files['alertmanager/templates/promstack.tmpl'];
}

function drillConfig(receivers: ReceiverInput[]): AlertmanagerConfigInput {
  return {
    templates: [join(dir, 'templates', '*.tmpl')],
    route: {
      receiver: 'platform-webhook',
      group_by: ['alertname'],
      group_wait: '1s',
      group_interval: '1s',
      repeat_interval: '1h',
      routes: receivers.map((r) => ({ receiver: r.name, matchers: [`drill_target="${r.name}"`] })),
    },
    receivers,
  };
}

interface PostedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
}

async function postAlerts(alerts: PostedAlert[]): Promise<void> {
  const response = await fetch(`${apiUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  if (!response.ok) throw new Error(`POST alerts: HTTP ${response.status} ${await response.text()}`);
}

function alertFor(receiver: string, severity: string, startsAt: string): PostedAlert {
  return {
    labels: {
      alertname: `Drill_${receiver.replace(/-/g, '_')}`,
      drill_target: receiver,
      service: 'shop',
      severity,
      // Quotes, a line break, `=` and non-ASCII must survive every channel's text.
      detail: 'say "hi"\nsecond line a=b ünï',
    },
    annotations: {
      summary: `drill for ${receiver}`,
      description: 'fired by the channel stand-in test',
      runbook_url: `https://runbooks.example.com/Drill_${receiver.replace(/-/g, '_')}`,
      dashboard_url: 'https://grafana.example.com/d/svc-shop',
    },
    startsAt,
  };
}

const matching =
  (channel: Channel, receiver: string, status: 'firing' | 'resolved', alertname: string) =>
  (n: Notification) =>
    n.channel === channel &&
    n.receiver === receiver &&
    n.status === status &&
    n.alerts.some((a) => a.alertname === alertname);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'promstack-channels-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'templates', 'promstack.tmpl'), promstackTemplate());
  sinks = await startChannelSinks({ host: '127.0.0.1' });
  const secretsDir = join(dir, 'sink-secrets');
  const receivers = [
    ...receiversPointingAt(sinks, STACK_RECEIVERS, { secretsDir }),
    localReceiverSettings(sinks, ALL_CHANNELS, { secretsDir }),
  ];
  const rendered = renderAlertmanagerConfig(drillConfig(receivers), { secretsDir: join(dir, 'secrets') });
  // Every credential now is a file of the drill: nothing refers to the stack's secrets any more.
  expect(rendered.secrets).toEqual([]);
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, rendered.yaml);
  const check = await runTool('amtool', ['check-config', configFile]);
  if (check.code !== 0) throw new Error(`amtool check-config:\n${check.stdout}${check.stderr}`);

  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  alertmanager = startProcess('alertmanager', findTool('alertmanager'), [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=debug',
  ]);
  await waitFor(async () => ((await fetch(`${apiUrl}/-/ready`)).ok ? true : undefined), {
    timeoutMs: 10_000,
    intervalMs: 100,
    describe: () => `alertmanager not ready:\n${alertmanager?.output()}`,
  });
});

afterAll(async () => {
  await alertmanager?.stop();
  await sinks?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Fails with Alertmanager's log, which says why a notification did not go out. */
async function expectNotification(predicate: (n: Notification) => boolean): Promise<Notification> {
  try {
    return await sinks.waitForNotification(predicate, 10_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nalertmanager log:\n${alertmanager?.output().slice(-4000)}`);
  }
}

const severities: Record<string, string> = {
  'shop-mail': 'warning',
  'shop-pager': 'critical',
  'shop-slack': 'info',
  'platform-webhook': 'warning',
  [ALL_CHANNELS]: 'critical',
};
const startsAt = new Date(Date.now() - 60_000).toISOString();
const posted = Object.fromEntries(
  Object.entries(severities).map(([receiver, severity]) => [
    receiver,
    alertFor(receiver, severity, startsAt),
  ]),
);
const deliveries: [Channel, string][] = [
  ...Object.entries(CHANNEL_OF).map(([receiver, channel]): [Channel, string] => [channel, receiver]),
  ...(['email', 'pagerduty', 'slack', 'webhook'] as const).map((channel): [Channel, string] => [
    channel,
    ALL_CHANNELS,
  ]),
];

describe('a real Alertmanager notifying the stand-ins', () => {
  describe('firing', () => {
    beforeAll(() => postAlerts(Object.values(posted)));

    it.each(deliveries)(
      '%s receives the alert of %s with its labels and annotations',
      async (channel, receiver) => {
        const alert = posted[receiver];
        const n = await expectNotification(matching(channel, receiver, 'firing', alert.labels.alertname));
        expect(n.alertSource).toBe(channel === 'webhook' ? 'payload' : 'drill-text');
        expect(n.alerts).toEqual([
          {
            alertname: alert.labels.alertname,
            labels: alert.labels,
            annotations: alert.annotations,
            status: 'firing',
          },
        ]);
      },
    );

    it('renders promstack.title into the Slack title and the mail Subject', async () => {
      const title = '[FIRING:1] Drill_drill_all on shop';
      const slack = await expectNotification(matching('slack', ALL_CHANNELS, 'firing', 'Drill_drill_all'));
      const mail = await expectNotification(matching('email', ALL_CHANNELS, 'firing', 'Drill_drill_all'));
      expect(slack.record.channel === 'slack' && slack.record.body.attachments?.[0].title).toBe(title);
      expect(mail.record.channel === 'email' && mail.record.subject).toBe(title);
      // promstack.text comes first, readable by itself.
      expect(mail.record.channel === 'email' && mail.record.text).toContain(
        'drill for drill-all\nfired by the channel stand-in test\n' +
          'Runbook: https://runbooks.example.com/Drill_drill_all\n' +
          'Dashboard: https://grafana.example.com/d/svc-shop\n  alertname=Drill_drill_all\n',
      );
    });

    it('hands PagerDuty the severity label, the routing key from its file and a dedup key', async () => {
      const n = await expectNotification(matching('pagerduty', 'shop-pager', 'firing', 'Drill_shop_pager'));
      if (n.record.channel !== 'pagerduty') throw new Error('not a PagerDuty record');
      expect(n.record.body).toMatchObject({
        routing_key: 'shop-pager',
        event_action: 'trigger',
        payload: { severity: 'critical' },
      });
      expect(n.record.body.dedup_key).toMatch(/^[0-9a-f]{64}$/);
    });

    it('delivers every alert to exactly the receivers its route names, once', async () => {
      await Promise.all(
        deliveries.map(([channel, receiver]) =>
          expectNotification(matching(channel, receiver, 'firing', posted[receiver].labels.alertname)),
        ),
      );
      const seen = sinks
        .notifications()
        .filter((n) => n.status === 'firing')
        .map((n) => `${n.channel}/${n.receiver}/${n.alerts.map((a) => a.labels.drill_target).join(',')}`)
        .sort();
      expect(seen).toEqual(
        deliveries.map(([channel, receiver]) => `${channel}/${receiver}/${receiver}`).sort(),
      );
      expect(sinks.rejections()).toEqual([]);
    });
  });

  describe('resolved', () => {
    beforeAll(() =>
      postAlerts(
        Object.values(posted).map((alert) => ({
          ...alert,
          endsAt: new Date(Date.now() - 1000).toISOString(),
        })),
      ),
    );

    it.each(deliveries)('%s receives the resolved notification of %s', async (channel, receiver) => {
      const alert = posted[receiver];
      const n = await expectNotification(matching(channel, receiver, 'resolved', alert.labels.alertname));
      expect(n.alerts).toEqual([expect.objectContaining({ labels: alert.labels, status: 'resolved' })]);
      if (n.record.channel === 'pagerduty') expect(n.record.body.event_action).toBe('resolve');
    });
  });

  describe('a channel that is down', () => {
    it.each([
      ['webhook', 'platform-webhook'],
      ['email', 'shop-mail'],
    ] as const)('%s: Alertmanager retries and delivers after recovery', async (channel, receiver) => {
      const alert = { ...alertFor(receiver, 'warning', new Date().toISOString()) };
      alert.labels = { ...alert.labels, alertname: `DrillDown_${channel}` };
      sinks.setDown(channel, true);
      try {
        await postAlerts([alert]);
        await waitFor(
          async () =>
            sinks.rejections().filter((r) => r.channel === channel).length >= 2 ? true : undefined,
          {
            timeoutMs: 10_000,
            intervalMs: 100,
            describe: () =>
              `no retry on ${channel}; alertmanager log:\n${alertmanager?.output().slice(-3000)}`,
          },
        );
        expect(
          sinks.notifications().filter((n) => n.alerts.some((a) => a.alertname === alert.labels.alertname)),
        ).toEqual([]);
      } finally {
        sinks.setDown(channel, false);
      }
      const n = await expectNotification(matching(channel, receiver, 'firing', alert.labels.alertname));
      expect(n.alerts[0].labels).toEqual(alert.labels);
      expect(sinks.rejections().every((r) => r.reason === 'down')).toBe(true);
    });
  });
});
