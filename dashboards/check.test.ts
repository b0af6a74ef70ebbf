import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { ValidationError } from '../components/model/errors';
import { assertDashboards, checkDashboard, checkDashboards } from './check';
import { datasourceVariable, labelValuesVariable, rangeQuery, timeseriesPanel } from './panels';
import { toPlainDashboard } from './plain';
import type { PlainDashboard, PlainPanel } from './types';

/** A small valid dashboard written out by hand, as plain JSON. */
function checkout(): PlainDashboard {
  return {
    uid: 'checkout-overview',
    title: 'Checkout / Overview',
    templating: {
      list: [
        { type: 'datasource', name: 'datasource', query: 'prometheus' },
        {
          type: 'query',
          name: 'job',
          datasource: { type: 'prometheus', uid: '${datasource}' },
          query: 'label_values(up{job=~"checkout.*"}, job)',
        },
      ],
    },
    panels: [
      {
        type: 'row',
        id: 1,
        title: 'Traffic',
        collapsed: false,
        panels: [],
        gridPos: { x: 0, y: 0, w: 24, h: 1 },
      },
      {
        type: 'timeseries',
        id: 2,
        title: 'Request rate',
        datasource: { type: 'prometheus', uid: '${datasource}' },
        gridPos: { x: 0, y: 1, w: 12, h: 8 },
        targets: [
          { refId: 'A', expr: 'sum by (job) (rate(http_requests_total{job=~"$job"}[$__rate_interval]))' },
        ],
      },
      {
        type: 'timeseries',
        id: 3,
        title: 'Error ratio',
        datasource: { type: 'prometheus', uid: '${datasource}' },
        gridPos: { x: 12, y: 1, w: 12, h: 8 },
        targets: [
          {
            refId: 'A',
            expr: 'sum(rate(http_requests_total{job=~"${job:regex}", code=~"5.."}[$__rate_interval])) / sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))',
          },
          { refId: 'B', expr: 'vector($__range_s) * 0' },
        ],
      },
      {
        type: 'row',
        id: 4,
        title: 'Details',
        collapsed: true,
        gridPos: { x: 0, y: 9, w: 24, h: 1 },
        panels: [
          {
            type: 'timeseries',
            id: 5,
            title: 'Latency p99',
            gridPos: { x: 0, y: 10, w: 24, h: 8 },
            targets: [
              {
                refId: 'A',
                expr: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))',
              },
            ],
          },
        ],
      },
    ],
  };
}

const ROOT = 'dashboards.checkout-overview';

function panel(dashboard: PlainDashboard, title: string): PlainPanel {
  const all = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
  const found = all.find((p) => p.title === title);
  if (!found) throw new Error(`no panel ${title}`);
  return found;
}

describe('checkDashboard', () => {
  it('passes a valid dashboard', () => {
    expect(checkDashboard(checkout())).toEqual([]);
  });

  const broken: [string, (d: PlainDashboard) => void, string, RegExp][] = [
    [
      'unknown variable in a query',
      (d) => void (panel(d, 'Error ratio').targets![0].expr = 'sum(rate(x{job=~"$jobb"}[$__rate_interval]))'),
      `${ROOT}.panels[Error ratio].targets[A].expr`,
      /^unknown variable \$jobb: define it in templating.list \(defined: datasource, job\)/,
    ],
    [
      'unknown builtin-looking variable',
      (d) => void (panel(d, 'Request rate').targets![0].expr = 'rate(x[$__rate_intreval])'),
      `${ROOT}.panels[Request rate].targets[A].expr`,
      /^unknown variable \$__rate_intreval/,
    ],
    [
      'overlapping panels',
      (d) => void (panel(d, 'Error ratio').gridPos = { x: 6, y: 4, w: 12, h: 8 }),
      `${ROOT}.panels[Error ratio].gridPos`,
      /^x=6 y=4 w=12 h=8 overlaps dashboards\.checkout-overview\.panels\[Request rate\] \(x=0 y=1 w=12 h=8\)/,
    ],
    [
      'a panel beyond the 24 columns',
      (d) => void (panel(d, 'Error ratio').gridPos = { x: 16, y: 1, w: 12, h: 8 }),
      `${ROOT}.panels[Error ratio].gridPos`,
      /ends at column 28: the grid has 24 columns/,
    ],
    [
      'a panel without a position',
      (d) => void delete panel(d, 'Error ratio').gridPos,
      `${ROOT}.panels[Error ratio].gridPos`,
      /^missing/,
    ],
    [
      'a PromQL syntax error',
      (d) => void (panel(d, 'Error ratio').targets![0].expr = 'sum(rate(x{job=~"$job"}[$__rate_interval])'),
      `${ROOT}.panels[Error ratio].targets[A].expr`,
      /^invalid PromQL: unexpected end of expression at col 29 in "sum\(rate\(x\{job=~\\"\$job\\"\}\[5m\]\)" \(after substituting Grafana variables\)/,
    ],
    [
      'a syntax error in a collapsed row',
      (d) =>
        void (panel(d, 'Latency p99').targets![0].expr =
          'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5 m])))'),
      `${ROOT}.panels[Details].panels[Latency p99].targets[A].expr`,
      /^invalid PromQL: unexpected/,
    ],
    [
      'a target without refId',
      (d) => void delete panel(d, 'Error ratio').targets![1].refId,
      `${ROOT}.panels[Error ratio].targets[1].refId`,
      /^missing: name each query/,
    ],
    [
      'two targets with one refId',
      (d) => void (panel(d, 'Error ratio').targets![1].refId = 'A'),
      `${ROOT}.panels[Error ratio].targets[A].refId`,
      /^duplicate refId A/,
    ],
    [
      'a target without expr',
      (d) => void delete panel(d, 'Request rate').targets![0].expr,
      `${ROOT}.panels[Request rate].targets[A].expr`,
      /^missing: every Prometheus query needs a PromQL expression/,
    ],
    [
      'a uid longer than 40 characters',
      (d) => void (d.uid = 'checkout-overview-for-the-payments-team-eu'),
      'dashboards.checkout-overview-for-the-payments-team-eu.uid',
      /has 42 characters: Grafana allows at most 40/,
    ],
    [
      'a uid with a slash',
      (d) => void (d.uid = 'checkout/overview'),
      'dashboards.checkout/overview.uid',
      /^invalid uid "checkout\/overview": use only letters, digits, '-' and '_'/,
    ],
    ['no uid', (d) => void delete d.uid, 'dashboards.Checkout / Overview.uid', /^missing: set a stable uid/],
    [
      'duplicate panel ids',
      (d) => void (panel(d, 'Latency p99').id = 2),
      `${ROOT}.panels[Details].panels[Latency p99].id`,
      /^id 2 is also used by dashboards\.checkout-overview\.panels\[Request rate\]/,
    ],
    [
      'rows with id 0 as the SDK builds them',
      (d) => void (panel(d, 'Traffic').id = 0),
      `${ROOT}.panels[Traffic].id`,
      /^missing or invalid id 0/,
    ],
    [
      'a datasource variable that does not exist',
      (d) => void (panel(d, 'Request rate').datasource = { type: 'prometheus', uid: '${ds}' }),
      `${ROOT}.panels[Request rate].datasource.uid`,
      /^unknown variable \$ds/,
    ],
    [
      'an unknown variable in a variable query',
      (d) => void (d.templating!.list![1].query = 'label_values(up{env="$env"}, job)'),
      `${ROOT}.templating.list[job].query`,
      /^unknown variable \$env/,
    ],
    [
      'a duplicate variable',
      (d) => void d.templating!.list!.push({ type: 'custom', name: 'job', query: 'a,b' }),
      `${ROOT}.templating.list[job].name`,
      /^duplicate variable job/,
    ],
    ['a fixed dashboard id', (d) => void (d.id = 17), `${ROOT}.id`, /^must be unset: Grafana assigns ids/],
    [
      'an expanded row holding panels',
      (d) => void (panel(d, 'Details').collapsed = false),
      `${ROOT}.panels[Details].panels`,
      /^an expanded row must not hold panels/,
    ],
  ];

  it.each(broken)('catches %s', (_name, breakIt, path, message) => {
    const dashboard = checkout();
    breakIt(dashboard);
    const issues = checkDashboard(dashboard);
    expect(issues).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('finds the raw SDK output wanting and the plain dashboard fine', () => {
    const built = new DashboardBuilder('Raw')
      .uid('raw')
      .withVariable(datasourceVariable())
      .withVariable(labelValuesVariable('job', 'job', 'up'))
      .withRow(new RowBuilder('One'))
      .withPanel(timeseriesPanel('Up', 'short').withTarget(rangeQuery('up{job=~"$job"}')))
      .withRow(new RowBuilder('Two'))
      .build();
    const raw = JSON.parse(JSON.stringify(built)) as PlainDashboard;
    expect(checkDashboard(raw).map((issue) => issue.path)).toEqual([
      'dashboards.raw.panels[One].id',
      'dashboards.raw.panels[Up].id',
      'dashboards.raw.panels[Two].id',
      'dashboards.raw.panels[Up].targets[0].refId',
    ]);
    expect(checkDashboard(toPlainDashboard(built))).toEqual([]);
  });
});

describe('checkDashboards', () => {
  it('also catches two dashboards with one uid, and assertDashboards throws them all', () => {
    const other = checkout();
    other.title = 'Checkout / Copy';
    other.panels![1].targets![0].expr = 'rate(x[$window])';
    expect(checkDashboards([checkout(), other])).toEqual([
      {
        path: `${ROOT}.panels[Request rate].targets[A].expr`,
        message: expect.stringMatching(/^unknown variable \$window/),
      },
      {
        path: `${ROOT}.uid`,
        message: expect.stringMatching(/^another dashboard has the uid "checkout-overview"/),
      },
    ]);
    expect(() => assertDashboards([checkout(), other])).toThrow(ValidationError);
    expect(() => assertDashboards([checkout()])).not.toThrow();
  });
});
