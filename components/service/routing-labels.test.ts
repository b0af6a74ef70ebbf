import { orders } from '../../infra/services/orders';
import { IssueCollector } from '../model/errors';
import { defineService } from './define';
import type { ServiceSpec } from './spec';
import { validateServices } from './validate';

/** The problems validateServices finds in orders changed by `change`, as `path: message` lines. */
function problems(change: Partial<ServiceSpec>): string[] {
  const issues = new IssueCollector();
  validateServices([defineService({ ...orders, ...change } as ServiceSpec)], issues);
  return issues.issues.map((i) => `${i.path}: ${i.message}`);
}

/** A label can send a page to another team or to nobody; routing labels come only from typed fields. */
describe('routing labels cannot be set by hand', () => {
  const custom = (labels: Record<string, string>) => ({
    alerts: {
      custom: {
        QueueStuck: { expr: 'up{job="orders"} == 0', severity: 'warning' as const, summary: 'stuck', labels },
      },
    },
  });

  it.each<[string, Partial<ServiceSpec>, RegExp]>([
    [
      'team on the service',
      { labels: { team: 'payments' } },
      /^services\.orders\.labels\.team: team is a routing label promstack sets: it is the service's team/,
    ],
    [
      'service on the service',
      { labels: { service: 'checkout' } },
      /^services\.orders\.labels\.service: service is a routing label/,
    ],
    [
      'severity on the service',
      { labels: { severity: 'critical' } },
      /^services\.orders\.labels\.severity: severity is a routing label promstack sets: set the `severity` field/,
    ],
    [
      'team in an override',
      { alerts: { overrides: { HighErrorRate: { labels: { team: 'payments' } } } } },
      /^services\.orders\.alerts\.overrides\.HighErrorRate\.labels\.team: /,
    ],
    [
      'severity in an override',
      { alerts: { overrides: { HighLatency: { labels: { severity: 'critical' } } } } },
      /^services\.orders\.alerts\.overrides\.HighLatency\.labels\.severity: /,
    ],
    [
      'team in a custom alert',
      custom({ team: 'payments' }),
      /^services\.orders\.alerts\.custom\.QueueStuck\.labels\.team: /,
    ],
    [
      'service in a custom alert',
      custom({ service: 'checkout' }),
      /^services\.orders\.alerts\.custom\.QueueStuck\.labels\.service: /,
    ],
  ])('refuses %s, naming the label and the typed field to use', (_, change, expected) => {
    const found = problems(change);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });

  it('accepts other labels everywhere', () => {
    expect(
      problems({
        labels: { tier: 'backend' },
        alerts: {
          overrides: { HighErrorRate: { labels: { component: 'api' } } },
          ...custom({ queue: 'orders' }).alerts,
        },
      }),
    ).toEqual([]);
  });
});
