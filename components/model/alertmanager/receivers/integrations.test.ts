import { INTEGRATION_KINDS, integrationsOf, sendsResolved, SEND_RESOLVED_DEFAULT } from './integrations';
import { receiver } from './receiver';

describe('Alertmanager integrations', () => {
  it('names every integration list of the receiver schema, in its order', () => {
    expect(INTEGRATION_KINDS).toEqual(Object.keys(receiver.shape).filter((key) => key !== 'name'));
    expect(Object.keys(SEND_RESOLVED_DEFAULT).sort()).toEqual([...INTEGRATION_KINDS].sort());
  });

  it('lists a receiver’s integrations and tells whether it notifies on resolution', () => {
    const chat = receiver.parse({
      name: 'chat',
      slack_configs: [{ api_url_file: '/s', channel: '#a' }],
      webhook_configs: [{ url: 'https://hooks.example.org/x', send_resolved: false }],
    });
    expect(integrationsOf(chat).map((i) => i.kind)).toEqual(['slack_configs', 'webhook_configs']);
    expect(sendsResolved(chat)).toBe(false);
    expect(
      sendsResolved(receiver.parse({ name: 'hook', webhook_configs: [{ url: 'https://h.example.org' }] })),
    ).toBe(true);
    expect(sendsResolved(receiver.parse({ name: 'null' }))).toBe(false);
  });
});
