import type { ValidationError } from '../model/errors';
import { alertInboxSecretValues } from './alert-inbox';
import { synthStack } from './synth';
import { testStackConfig } from './testing';

const receivers = [
  { name: 'team-slack', slack_configs: [{ api_url_file: { secret: 'slack-url' }, channel: '#team' }] },
  { name: 'team-hook', webhook_configs: [{ url_file: { secret: 'hook-url' } }] },
  {
    name: 'team-pd',
    pagerduty_configs: [
      { routing_key_file: { secret: 'pd-key' }, url: 'http://alert-inbox:8080/pagerduty/v2/enqueue' },
    ],
  },
  // PagerDuty itself: its key must never be made up.
  { name: 'real-pd', pagerduty_configs: [{ routing_key_file: { secret: 'real-pd-key' } }] },
  // A second reader of a secret keeps the first one's value.
  { name: 'other-slack', slack_configs: [{ api_url_file: { secret: 'slack-url' }, channel: '#other' }] },
  { name: 'file-hook', webhook_configs: [{ url_file: '/etc/hooks/url' }] },
];

const configOf = (docker: Record<string, unknown>, platform = 'docker', list = receivers) =>
  synthStack(
    {
      platform,
      docker,
      receivers: list,
      // Every severity routed: the stack's own warnings must reach someone.
      teams: { platform: { critical: list.map((r) => r.name), warning: [list[0].name] } },
      defaultReceiver: list[0].name,
    },
    [],
    { environment: 'test' },
  ).config;
/** The receivers above but the one that names the inbox by URL: valid on stacks without the inbox. */
const withoutInboxUrl = receivers.filter((r) => r.name !== 'team-pd');

describe('alertInboxSecretValues', () => {
  it('points every integration secret at the inbox, per channel, for the receiver that reads it', () => {
    expect(alertInboxSecretValues(configOf({ alertInbox: true }))).toEqual({
      'slack-url': 'http://alert-inbox:8080/slack/team-slack',
      'hook-url': 'http://alert-inbox:8080/webhook/team-hook',
      'pd-key': 'team-pd',
    });
  });

  it.each([
    ['without the inbox', { alertInbox: false }, 'docker'],
    ['on Kubernetes', { alertInbox: true }, 'kubernetes'],
  ])('gives nothing %s', (_name, docker, platform) => {
    expect(alertInboxSecretValues(configOf(docker, platform, withoutInboxUrl))).toEqual({});
  });

  it("gives the Docker test stack's Slack webhook the inbox's Slack stand-in", () => {
    const config = synthStack(testStackConfig('docker'), [], { environment: 'dev' }).config;
    expect(alertInboxSecretValues(config)).toEqual({
      'slack-webhook-url': 'http://alert-inbox:8080/slack/shop-slack',
    });
  });
});

describe('a receiver that delivers to the alert inbox', () => {
  const mail = (name: string, fields: Record<string, unknown>) => ({
    name,
    email_configs: [{ from: 'alerts@example.org', smarthost: 'alert-inbox:2525', ...fields }],
  });
  const stack = (platform: string, docker: Record<string, unknown>, extra: object[] = []) => {
    const list = [
      { name: 'team-hook', webhook_configs: [{ url: 'https://hooks.example.org/a' }] },
      { name: 'inbox-hook', webhook_configs: [{ url: 'http://alert-inbox:8080/webhook/inbox-hook' }] },
      mail('inbox-mail', { to: 'inbox-mail@promstack.local', require_tls: false }),
      ...extra,
    ] as { name: string }[];
    return {
      platform,
      docker,
      receivers: list,
      teams: { platform: { critical: list.map((r) => r.name), warning: ['team-hook'] } },
      defaultReceiver: 'team-hook',
    };
  };
  const issues = (input: unknown) => {
    try {
      synthStack(input, [], { environment: 'test' });
    } catch (error) {
      return (error as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    return [];
  };

  it('is refused on a stack that does not run it, naming the field and the fix', () => {
    expect(issues(stack('docker', {}))).toEqual([
      'stack.receivers[inbox-hook].webhook_configs[0].url: inbox-hook delivers to the alert inbox (http://alert-inbox:8080/webhook/inbox-hook), which this stack does not run: set docker.alertInbox: true, or point it at a real endpoint',
      'stack.receivers[inbox-mail].email_configs[0].smarthost: inbox-mail delivers to the alert inbox (alert-inbox:2525), which this stack does not run: set docker.alertInbox: true, or point it at a real endpoint',
    ]);
    expect(issues(stack('kubernetes', { alertInbox: true }))[0]).toMatch(
      /^stack\.receivers\[inbox-hook\]\.webhook_configs\[0\]\.url: .*: the alert inbox runs on Docker only: point it at a real endpoint$/,
    );
  });

  it('is accepted where the inbox runs', () => {
    expect(issues(stack('docker', { alertInbox: true }))).toEqual([]);
  });

  it('must send mail the inbox takes: to <receiver>@promstack.local, plain SMTP, no AUTH', () => {
    const bad = mail('bad-mail', {
      to: 'oncall@example.org, Team <bad-mail@promstack.local>',
      auth_username: 'alertmanager',
      auth_password_file: '/etc/alertmanager/smtp-password',
    });
    expect(issues(stack('docker', { alertInbox: true }, [bad]))).toEqual([
      // Sorted by path, as every validation error list is.
      'stack.receivers[bad-mail].email_configs[0].auth_password_file: the alert inbox asks for no SMTP authentication: remove it',
      'stack.receivers[bad-mail].email_configs[0].auth_username: the alert inbox asks for no SMTP authentication: remove it',
      'stack.receivers[bad-mail].email_configs[0].require_tls: the alert inbox speaks plain SMTP, without STARTTLS: set require_tls: false',
      'stack.receivers[bad-mail].email_configs[0].to: the alert inbox takes mail for <receiver>@promstack.local only, not oncall@example.org: write bad-mail@promstack.local',
    ]);
  });
});
