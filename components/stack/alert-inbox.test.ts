import type { ValidationError } from '../model/errors';
import { alertInboxSecretValues } from './alert-inbox';
import { synthStack } from './synth';
import { repoStackConfig } from './testing';

const receivers = [
  { name: 'team-slack', slack_configs: [{ api_url_file: { secret: 'slack-url' }, channel: '#team' }] },
  { name: 'team-hook', webhook_configs: [{ url_file: { secret: 'hook-url' } }] },
  { name: 'team-pd', pagerduty_configs: [{ routing_key_file: { secret: 'pd-key' } }] },
  // A second reader of a secret keeps the first one's value.
  { name: 'other-slack', slack_configs: [{ api_url_file: { secret: 'slack-url' }, channel: '#other' }] },
  { name: 'file-hook', webhook_configs: [{ url_file: '/etc/hooks/url' }] },
];

const configOf = (docker: Record<string, unknown>, platform = 'docker') =>
  synthStack(
    {
      platform,
      docker,
      receivers,
      teams: {
        platform: { critical: ['team-pd', 'team-hook'], warning: ['team-slack', 'other-slack', 'file-hook'] },
      },
      defaultReceiver: 'team-slack',
    },
    [],
    { environment: 'test' },
  ).config;

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
    expect(alertInboxSecretValues(configOf(docker, platform))).toEqual({});
  });

  it("gives the dev stack's Slack webhook the inbox's Slack stand-in", () => {
    const config = synthStack(repoStackConfig('dev'), [], { environment: 'dev' }).config;
    expect(alertInboxSecretValues(config)).toEqual({
      'slack-webhook-url': 'http://alert-inbox:8080/slack/shop-slack',
    });
  });
});

describe('a receiver that delivers to the alert inbox', () => {
  const stack = (platform: string, docker: Record<string, unknown>) => ({
    platform,
    docker,
    receivers: [
      { name: 'team-hook', webhook_configs: [{ url: 'https://hooks.example.org/a' }] },
      { name: 'inbox-hook', webhook_configs: [{ url: 'http://alert-inbox:8080/webhook/inbox-hook' }] },
      {
        name: 'inbox-mail',
        email_configs: [{ to: 'a@example.org', from: 'b@example.org', smarthost: 'alert-inbox:2525' }],
      },
    ],
    teams: { platform: { critical: ['team-hook'], warning: ['inbox-hook', 'inbox-mail'] } },
    defaultReceiver: 'team-hook',
  });
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
});
