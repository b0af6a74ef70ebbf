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
