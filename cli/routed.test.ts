import type { AlertRoute } from '../components/stack/alert-routes';
import { placeAlerts, type RouteNode } from './routed';

const node = (matchers: string[], receiver: string, routes: RouteNode[] = [], cont = false): RouteNode => ({
  matchers,
  receiver,
  continue: cont,
  alerts: [],
  routes,
});

const alert = (labels: Record<string, string>, receivers: string[]): AlertRoute => ({
  service: labels.service ?? 'x',
  key: labels.alertname,
  alertname: labels.alertname,
  severity: labels.severity ?? '',
  labels,
  receivers,
  ok: true,
});

/** The tree the stack renders, in small: Watchdog, then a team with one route per severity and receiver. */
function tree(): RouteNode {
  return node([], 'default', [
    node(['alertname="Watchdog"'], 'null'),
    node(['team="shop"'], 'default', [
      node(['severity="critical"'], 'pager', [], true),
      node(['severity=~"critical|warning"'], 'slack'),
    ]),
  ]);
}

describe('placeAlerts', () => {
  it('places an alert at every route that delivers it, following continue as Alertmanager does', () => {
    const root = tree();
    const unplaced = placeAlerts(root, [
      alert({ alertname: 'HighErrorRate', team: 'shop', severity: 'critical' }, ['pager', 'slack']),
      alert({ alertname: 'HighLatency', team: 'shop', severity: 'warning' }, ['slack']),
      alert({ alertname: 'Watchdog', team: 'shop', severity: 'none' }, ['null']),
      alert({ alertname: 'Other', team: 'web', severity: 'critical' }, ['default']),
      // A team route that no severity child takes delivers to its own receiver.
      alert({ alertname: 'Info', team: 'shop', severity: 'info' }, ['default']),
    ]);
    expect(unplaced).toEqual([]);
    const [watchdog, team] = root.routes;
    expect(root.alerts.map((a) => a.key)).toEqual(['Other']);
    expect(watchdog.alerts.map((a) => a.key)).toEqual(['Watchdog']);
    expect(team.alerts.map((a) => a.key)).toEqual(['Info']);
    expect(team.routes[0].alerts.map((a) => a.key)).toEqual(['HighErrorRate']);
    expect(team.routes[1].alerts.map((a) => a.key)).toEqual(['HighErrorRate', 'HighLatency']);
  });

  it('leaves an alert amtool routes otherwise unplaced rather than guess its route', () => {
    const root = tree();
    const odd = alert({ alertname: 'HighLatency', team: 'shop', severity: 'warning' }, ['pager']);
    expect(placeAlerts(root, [odd])).toEqual([odd]);
    expect(root.routes[1].routes[1].alerts).toEqual([]);
  });
});
