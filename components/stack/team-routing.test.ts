import { orders } from '../../infra/services/orders';
import { ValidationError } from '../model/errors';
import { defineService, type ServiceSpec } from '../service';
import { synthStack } from './synth';
import { testStackConfig } from './testing';

type Teams = Record<string, { critical?: string[]; warning?: string[]; info?: string[] }>;

/** The problems synth finds with the Docker test stack's teams changed, and orders changed by `change`. */
function problems(teams: Teams, change: Partial<ServiceSpec> = {}): string[] {
  const config = testStackConfig('docker') as { teams: Teams };
  const input = { ...config, teams: { ...config.teams, ...teams } };
  try {
    synthStack(input, [defineService({ ...orders, ...change } as ServiceSpec)], { environment: 'dev' });
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('every alert reaches its own team', () => {
  it('passes the test stack as it is', () => expect(problems({})).toEqual([]));

  it("refuses a team that routes none of its service's warnings, at the service's team", () => {
    const found = problems({ shop: { critical: ['shop-pager'] } });
    expect(found.length).toBeGreaterThan(0);
    for (const line of found)
      expect(line).toMatch(
        /^services\.orders\.team: \w+ \(warning\) would reach no one of team shop: stack\.teams\.shop\.warning lists no receiver, so Alertmanager would send it to the default receiver platform-webhook; add a receiver to stack\.teams\.shop\.warning or give the alert a severity the team routes \(critical\)$/,
      );
  });

  it('refuses an override that moves an alert to a severity the team does not route, at that override', () => {
    expect(problems({}, { alerts: { overrides: { HighLatency: { severity: 'info' } } } })).toEqual([
      expect.stringMatching(
        /^services\.orders\.alerts\.overrides\.HighLatency\.severity: HighLatency \(info\) would reach no one of team shop: .* severity the team routes \(critical, warning\)$/,
      ),
    ]);
  });

  it('refuses a custom alert of such a severity, at the custom alert', () => {
    const custom = {
      QueueStuck: { expr: 'up{job="orders"} == 0', severity: 'info' as const, summary: 'stuck' },
    };
    expect(problems({}, { alerts: { custom } })).toEqual([
      expect.stringMatching(
        /^services\.orders\.alerts\.custom\.QueueStuck\.severity: QueueStuck \(info\) would reach no one/,
      ),
    ]);
  });

  it("refuses a platform team that routes none of the stack's own critical alerts", () => {
    const found = problems({ platform: { warning: ['platform-webhook'] } });
    expect(found.length).toBeGreaterThan(0);
    for (const line of found)
      expect(line).toMatch(
        /^stack\.teams\.platform\.critical: \w+ \(critical\) would reach no one of team platform/,
      );
  });
});
