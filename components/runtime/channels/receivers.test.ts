import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderAlertmanagerConfig, type ReceiverInput } from '../../model/alertmanager';
import { ValidationError } from '../../model/errors';
import { DRILL_TEXT } from './message-text';
import {
  LOCAL_MAIL_FROM,
  localReceiverSettings,
  PROMSTACK_TEXT,
  PROMSTACK_TITLE,
  receiversPointingAt,
  type SinkAddresses,
} from './receivers';

const SINKS: SinkAddresses = {
  smarthost: '127.0.0.1:2525',
  pagerdutyUrl: 'http://127.0.0.1:8080/pagerduty/v2/enqueue',
  slackUrl: (r) => `http://127.0.0.1:8080/slack/${encodeURIComponent(r)}`,
  webhookUrl: (r) => `http://127.0.0.1:8080/webhook/${encodeURIComponent(r)}`,
  emailAddress: (r) => `${r}@promstack.local`,
};

const tempDir = () => mkdtempSync(join(tmpdir(), 'promstack-sink-secrets-'));
const read = (path: unknown) => readFileSync(path as string, 'utf8');

describe('receiversPointingAt', () => {
  it('keeps names and texts, replaces endpoints, credentials and transport settings', () => {
    const secretsDir = tempDir();
    const [mail, pager, slack, hook, silent] = receiversPointingAt(
      SINKS,
      [
        {
          name: 'mail',
          email_configs: [
            {
              to: 'oncall@example.org',
              smarthost: 'smtp.example.org:587',
              auth_username: 'am',
              auth_password_file: { secret: 'smtp-password' },
              tls_config: { server_name: 'smtp.example.org' },
              headers: { Subject: 'custom' },
              html: '<b>x</b>',
            },
          ],
        },
        {
          name: 'pager',
          pagerduty_configs: [
            { service_key_file: { secret: 'pd-v1' }, details: { team: 'shop' }, severity: 'critical' },
          ],
        },
        {
          name: 'slack',
          slack_configs: [
            {
              api_url_file: { secret: 'slack-url' },
              channel: '#shop',
              text: 'hello',
              http_config: { proxy_url: 'http://proxy:3128' },
            },
          ],
        },
        {
          name: 'hook',
          webhook_configs: [
            { url: 'http://sink:8080/a', max_alerts: 5 },
            { url_file: { secret: 'hook-url' } },
          ],
        },
        { name: 'null' },
      ],
      { secretsDir },
    );

    expect(mail.email_configs).toEqual([
      {
        to: 'mail@promstack.local',
        from: LOCAL_MAIL_FROM,
        smarthost: SINKS.smarthost,
        require_tls: false,
        headers: { Subject: 'custom' },
        html: '<b>x</b>',
        text: `${PROMSTACK_TEXT}\n${DRILL_TEXT}`,
      },
    ]);
    expect(pager.pagerduty_configs).toEqual([
      {
        routing_key_file: join(secretsDir, 'pagerduty-pager-0'),
        url: SINKS.pagerdutyUrl,
        severity: 'critical',
        details: { team: 'shop', promstack_drill: DRILL_TEXT },
      },
    ]);
    expect(read(pager.pagerduty_configs?.[0].routing_key_file)).toBe('pager');
    expect(slack.slack_configs).toEqual([
      { api_url_file: join(secretsDir, 'slack-slack-0'), channel: '#shop', text: `hello\n${DRILL_TEXT}` },
    ]);
    expect(read(slack.slack_configs?.[0].api_url_file)).toBe(SINKS.slackUrl('slack'));
    expect(statSync(join(secretsDir, 'slack-slack-0')).mode & 0o777).toBe(0o600);
    expect(hook.webhook_configs).toEqual([
      { url: SINKS.webhookUrl('hook'), max_alerts: 5 },
      { url_file: join(secretsDir, 'webhook-hook-1') },
    ]);
    expect(read(hook.webhook_configs?.[1].url_file)).toBe(SINKS.webhookUrl('hook'));
    expect(silent).toEqual({ name: 'null' });
  });

  it('gives Slack and e-mail without a text of their own promstack.text, as synth does, or Alertmanager’s', () => {
    const receivers: ReceiverInput[] = [
      { name: 's', slack_configs: [{ channel: '#s' }], email_configs: [{ to: 'a@example.org' }] },
    ];
    const [stack] = receiversPointingAt(SINKS, receivers, { secretsDir: tempDir() });
    expect(stack.slack_configs?.[0].text).toBe(`${PROMSTACK_TEXT}\n${DRILL_TEXT}`);
    expect(stack.email_configs?.[0].text).toBe(`${PROMSTACK_TEXT}\n${DRILL_TEXT}`);
    const [builtIn] = receiversPointingAt(SINKS, receivers, {
      secretsDir: tempDir(),
      defaultTexts: 'alertmanager',
    });
    expect(builtIn.slack_configs?.[0].text).toBe(`{{ template "slack.default.text" . }}\n${DRILL_TEXT}`);
    expect(builtIn.email_configs?.[0].text).toBe(DRILL_TEXT);
  });

  it('names every integration without a stand-in, all at once', () => {
    const receivers: ReceiverInput[] = [
      { name: 'ops', opsgenie_configs: [{ api_key_file: '/s/k' }] },
      { name: 'chat', telegram_configs: [{ bot_token_file: '/s/t', chat_id: 1 }], msteams_configs: [] },
    ];
    let error: unknown;
    try {
      receiversPointingAt(SINKS, receivers, { secretsDir: 'relative' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      'receivers[chat].telegram_configs',
      'receivers[ops].opsgenie_configs',
      'secretsDir',
    ]);
    expect((error as Error).message).toContain('no local stand-in for opsgenie');
  });
});

describe('localReceiverSettings', () => {
  it('uses promstack.tmpl for titles and texts and renders as a valid receiver', () => {
    const secretsDir = tempDir();
    const receiver = localReceiverSettings(SINKS, 'team-a', { secretsDir });
    expect(receiver.slack_configs?.[0]).toMatchObject({
      send_resolved: true,
      title: PROMSTACK_TITLE,
      text: `${PROMSTACK_TEXT}\n${DRILL_TEXT}`,
    });
    expect(receiver.email_configs?.[0]).toMatchObject({
      to: 'team-a@promstack.local',
      headers: { Subject: PROMSTACK_TITLE },
      text: `${PROMSTACK_TEXT}\n${DRILL_TEXT}`,
    });
    expect(receiver.pagerduty_configs?.[0]).toMatchObject({
      description: PROMSTACK_TITLE,
      severity: '{{ or .CommonLabels.severity "error" }}',
    });
    expect(receiver.webhook_configs).toEqual([{ send_resolved: true, url: SINKS.webhookUrl('team-a') }]);
    const { yaml, secrets } = renderAlertmanagerConfig(
      { route: { receiver: 'team-a' }, receivers: [receiver] },
      { secretsDir: '/secrets' },
    );
    expect(secrets).toEqual([]);
    expect(yaml).toContain(`routing_key_file: ${secretsDir}/pagerduty-team-a-0\n`);
  });

  it.each([
    [['webhook'], ['webhook_configs']],
    [
      ['email', 'slack'],
      ['email_configs', 'slack_configs'],
    ],
  ] as const)('only the channels asked for: %j', (channels, fields) => {
    const receiver = localReceiverSettings(SINKS, 'r', { secretsDir: tempDir(), channels });
    expect(Object.keys(receiver)).toEqual(['name', ...fields]);
  });

  it("leaves Alertmanager's default texts with templates: default", () => {
    const receiver = localReceiverSettings(SINKS, 'r', { secretsDir: tempDir(), templates: 'default' });
    expect(receiver.slack_configs?.[0].title).toBeUndefined();
    expect(receiver.email_configs?.[0].headers).toBeUndefined();
    expect(receiver.email_configs?.[0].text).toBe(DRILL_TEXT);
    expect(receiver.pagerduty_configs?.[0].description).toBeUndefined();
  });
});
