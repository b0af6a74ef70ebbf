import { parse } from 'yaml';
import { services } from '../../infra/services';
import { synthStack } from './index';
import { testStackConfig } from './testing';

interface Route {
  matchers?: string[];
  receiver?: string;
  mute_time_intervals?: string[];
  routes?: Route[];
}

describe("a team's maintenance windows", () => {
  const dev = testStackConfig('docker');
  const muted = {
    ...dev,
    timeIntervals: [{ name: 'weekend', time_intervals: [{ weekdays: ['saturday', 'sunday'] }] }],
    teams: { ...dev.teams, shop: { ...dev.teams.shop, muteTimeIntervals: ['weekend'] } },
  };
  const routes = (input: unknown) =>
    (
      parse(synthStack(input, services, { environment: 'dev' }).files['alertmanager/alertmanager.yml']) as {
        route: Route;
      }
    ).route.routes!;
  const team = (input: unknown, name: string) =>
    routes(input).find((r) => r.matchers?.includes(`team="${name}"`))!;

  // Alertmanager does not pass mute_time_intervals down to child routes (prometheus/alertmanager#3211),
  // and the children are the routes that notify: the window must be on each of them.
  it('go on every route that notifies the team, not on the team route above them', () => {
    const shop = team(muted, 'shop');
    expect(shop.mute_time_intervals).toBeUndefined();
    expect(shop.routes!.map((r) => [r.receiver, r.mute_time_intervals])).toEqual([
      ['shop-pager', ['weekend']],
      ['shop-slack', ['weekend']],
      ['shop-slack', ['weekend']],
    ]);
    expect(team(muted, 'platform').routes!.every((r) => r.mute_time_intervals === undefined)).toBe(true);
  });

  it('leave the routes of a stack without them as they were', () => {
    expect(team(dev, 'shop').routes!.every((r) => !('mute_time_intervals' in r))).toBe(true);
  });
});

describe('receivers use the stack templates', () => {
  interface Receivers {
    receivers: {
      name: string;
      slack_configs?: { text?: string }[];
      email_configs?: { text?: string }[];
      pagerduty_configs?: { details?: Record<string, string> }[];
    }[];
  }
  const result = synthStack(testStackConfig('full'), services, { environment: 'prod' });
  const { receivers } = parse(result.files['alertmanager/alertmanager.yml']) as Receivers;
  const template = result.files['alertmanager/templates/promstack.tmpl'];

  it('show summary, description, runbook and dashboard links in Slack and e-mail text', () => {
    for (const text of receivers.flatMap((r) => [...(r.slack_configs ?? []), ...(r.email_configs ?? [])])) {
      expect(text.text).toBe('{{ template "promstack.text" . }}');
    }
    expect(receivers.some((r) => r.email_configs)).toBe(true);
    expect(template).toContain('{{ with .Annotations.runbook_url }}Runbook: {{ . }}');
    expect(template).toContain('{{ with .Annotations.dashboard_url }}Dashboard: {{ . }}');
  });

  it("give PagerDuty runbooks and dashboards details beside Alertmanager's defaults", () => {
    const pagerduty = receivers.flatMap((r) => r.pagerduty_configs ?? []);
    expect(pagerduty.length).toBeGreaterThan(0);
    for (const pd of pagerduty) {
      expect(pd.details).toMatchObject({
        dashboards: '{{ template "promstack.dashboards" . }}',
        runbooks: '{{ template "promstack.runbooks" . }}',
      });
    }
  });
});
