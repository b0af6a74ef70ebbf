import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LRParser } from '@lezer/lr';
import { IssueCollector } from '../components/model/errors';
import { grafanaUidProblem } from '../components/model/grafana';
import { defineService, validateServices, type ServiceDefinition } from '../components/service';
import { runTool } from '../components/tools/binaries';
import { orders } from '../infra/services/orders';
import { buildServiceRules } from '../rules/build';
import { checkDashboard } from './check';
import { substituteGrafanaMacros } from './macros';
import { renderDashboardJson } from './plain';
import { dashboardQueriesAsRuleFile, panelQueries } from './queries';
import { serviceDashboard, serviceDashboardUid } from './service';
import type { PlainDashboard, PlainPanel } from './types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: LRParser };

/** Two SLOs, no latency histogram, no gauges, a stricter error ratio. */
const payments = defineService({
  name: 'payments',
  team: 'billing',
  scrape: { targets: { docker: ['payments:9000'] } },
  metrics: { payments_requests_total: { type: 'counter', labels: ['code', 'method'] } },
  red: { requests: 'payments_requests_total', errors: { label: 'code', regex: '5..' } },
  errorRatioThreshold: 0.02,
  slos: [
    { name: 'availability', objective: 99.9 },
    { name: 'checkout-success', objective: 99, period: '7d', description: 'Checkouts that go through' },
  ],
});

/** A batch job: no requests, so no RED and no SLO, only its process and a labelled gauge. */
const reporter = defineService({
  name: 'nightly-reporter',
  team: 'data',
  scrape: { targets: { docker: ['reporter:9100'] } },
  metrics: {
    reporter_runs_total: { type: 'counter', labels: [] },
    reporter_jobs_pending: { type: 'gauge', labels: ['queue'], help: 'Jobs waiting, by queue.' },
  },
  resources: { cpuCores: 2 },
});

const SERVICES: [string, ServiceDefinition][] = [
  ['orders', orders],
  ['payments (2 SLOs, no latency)', payments],
  ['nightly-reporter (no red)', reporter],
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'promstack-service-dashboards-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Top-level panels (rows included) as `row: title` / title, in reading order. */
function layout(dashboard: PlainDashboard): string[] {
  return (dashboard.panels ?? []).map((p) => (p.type === 'row' ? `row: ${p.title}` : `${p.title}`));
}

function panel(dashboard: PlainDashboard, title: string): PlainPanel {
  const found = (dashboard.panels ?? []).find((p) => p.type !== 'row' && p.title === title);
  if (!found) throw new Error(`no panel ${title} in ${layout(dashboard).join(', ')}`);
  return found;
}

/** The metric names a query selects, from the PromQL syntax tree; a selector without a name is an error. */
function selectedMetrics(expr: string): string[] {
  const text = substituteGrafanaMacros(expr);
  const names: string[] = [];
  parser.parse(text).iterate({
    enter: (node) => {
      if (node.name !== 'VectorSelector') return;
      const name = node.node.getChild('Identifier');
      if (!name) throw new Error(`selector without a metric name in ${expr}`);
      names.push(text.slice(name.from, name.to));
    },
  });
  return names;
}

function thresholdSteps(p: PlainPanel): unknown {
  return (p.fieldConfig as { defaults?: { thresholds?: { steps?: unknown } } }).defaults?.thresholds?.steps;
}

describe('the test services', () => {
  it('are valid service definitions', () => {
    const issues = new IssueCollector();
    validateServices([orders, payments, reporter], issues);
    expect(issues.issues).toEqual([]);
  });
});

describe('serviceDashboard', () => {
  const dashboards = SERVICES.map(([, service]) => serviceDashboard(service));

  it.each(SERVICES)('%s: passes checkDashboard', (_name, service) => {
    expect(checkDashboard(serviceDashboard(service))).toEqual([]);
  });

  it.each(SERVICES)(
    '%s: renders the same bytes twice, whatever the order of its metrics',
    (_name, service) => {
      const once = renderDashboardJson(serviceDashboard(service));
      expect(renderDashboardJson(serviceDashboard(service))).toBe(once);
      const reordered = {
        ...service,
        metrics: Object.fromEntries(Object.entries(service.metrics).reverse()),
      };
      expect(renderDashboardJson(serviceDashboard(reordered))).toBe(once);
    },
  );

  it('is plain JSON data that shares no object with another dashboard or panel (it is not copied)', () => {
    // adoptBuiltDashboard takes what the builders made as it is: a constant given to a builder would be
    // one object in every dashboard, and a change to one dashboard a change to all.
    const seen = new Map<object, string>();
    const shared: string[] = [];
    const visit = (value: unknown, path: string) => {
      if (typeof value !== 'object' || value === null) return;
      const first = seen.get(value);
      if (first !== undefined) shared.push(`${path} is ${first}`);
      else seen.set(value, path);
      for (const [key, member] of Object.entries(value)) visit(member, `${path}.${key}`);
    };
    const twice = [...dashboards, ...SERVICES.map(([, service]) => serviceDashboard(service))];
    twice.forEach((dashboard, i) => visit(dashboard, `dashboards[${i}]`));
    expect(shared).toEqual([]);
    for (const dashboard of twice) expect(structuredClone(dashboard)).toEqual(dashboard);
  });

  it('has queries the real promtool accepts, all three dashboards in one call', async () => {
    const file = join(dir, 'service-dashboards.yml');
    writeFileSync(file, dashboardQueriesAsRuleFile(dashboards));
    const result = await runTool('promtool', ['check', 'rules', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const count = dashboards.reduce((n, d) => n + panelQueries(d).length, 0);
    expect(count).toBeGreaterThan(40);
    expect(result.stdout).toContain(`SUCCESS: ${count} rules found`);
  });

  it('names and tags the dashboard after the service and its team', () => {
    const [ordersDashboard, paymentsDashboard] = dashboards;
    expect([ordersDashboard.uid, ordersDashboard.title, ordersDashboard.tags]).toEqual([
      'svc-orders',
      'orders service',
      ['promstack', 'service', 'team:shop'],
    ]);
    expect(paymentsDashboard.tags).toEqual(['promstack', 'service', 'team:billing']);
    expect(ordersDashboard.templating?.list?.map((v) => v.name)).toEqual(['datasource']);
  });

  it('orders: RED with latency, saturation with both gauges, its SLOs, its alerts', () => {
    expect(layout(serviceDashboard(orders))).toEqual([
      'row: RED',
      'Request rate',
      'Error ratio',
      'Latency p50 / p99',
      'Targets up',
      'row: Saturation',
      'CPU cores per instance',
      'Resident memory per instance',
      'app_queue_depth',
      'http_requests_in_flight',
      'row: SLO availability: 99.5% over 30d',
      'availability objective',
      'availability error budget remaining',
      'availability current burn rate',
      'availability period burn rate',
      'availability error budget remaining over 30d',
      'availability page burn rate by window',
      'availability ticket burn rate by window',
      'row: SLO latency: 99% over 7d',
      'latency objective',
      'latency error budget remaining',
      'latency current burn rate',
      'latency period burn rate',
      'latency error budget remaining over 7d',
      'latency page burn rate by window',
      'latency ticket burn rate by window',
      'row: Alerts',
      'Firing alerts',
    ]);
  });

  it('payments: no latency panel, no gauge panels, one row per SLO', () => {
    const titles = layout(serviceDashboard(payments));
    expect(titles).toEqual([
      'row: RED',
      'Request rate',
      'Error ratio',
      'Targets up',
      'row: Saturation',
      'CPU cores per instance',
      'Resident memory per instance',
      'row: SLO availability: 99.9% over 30d',
      'availability objective',
      'availability error budget remaining',
      'availability current burn rate',
      'availability period burn rate',
      'availability error budget remaining over 30d',
      'availability page burn rate by window',
      'availability ticket burn rate by window',
      'row: SLO checkout-success: 99% over 7d',
      'checkout-success objective',
      'checkout-success error budget remaining',
      'checkout-success current burn rate',
      'checkout-success period burn rate',
      'checkout-success error budget remaining over 7d',
      'checkout-success page burn rate by window',
      'checkout-success ticket burn rate by window',
      'row: Alerts',
      'Firing alerts',
    ]);
  });

  it('nightly-reporter: without red, only targets, saturation with its gauge, and alerts', () => {
    const dashboard = serviceDashboard(reporter);
    expect(layout(dashboard)).toEqual([
      'row: Targets',
      'Targets up',
      'row: Saturation',
      'CPU cores per instance',
      'Resident memory per instance',
      'reporter_jobs_pending',
      'row: Alerts',
      'Firing alerts',
    ]);
    const gauge = panel(dashboard, 'reporter_jobs_pending');
    expect(gauge.description).toBe('Jobs waiting, by queue.');
    expect(gauge.targets?.map((t) => [t.expr, t.legendFormat])).toEqual([
      ['sum by (instance, queue) (reporter_jobs_pending{job="nightly-reporter"})', '{{instance}} {{queue}}'],
    ]);
    // Three half-width panels: the odd one takes the whole line.
    expect(gauge.gridPos).toMatchObject({ x: 0, w: 24 });
  });

  it('queries the series the brief names for up and alerts', () => {
    const dashboard = serviceDashboard(orders);
    expect(panel(dashboard, 'Targets up').targets?.map((t) => t.expr)).toEqual(['up{job="orders"}']);
    expect(panel(dashboard, 'Firing alerts').targets?.map((t) => [t.expr, t.format])).toEqual([
      ['ALERTS{service="orders", alertstate="firing"}', 'table'],
    ]);
  });

  describe.each(SERVICES)('%s: every query reads what the rule factories produce', (_name, service) => {
    const records = new Set(buildServiceRules(service).recording.map((rule) => rule.record));
    // Raw series: the service's declared metrics and the two Prometheus itself writes for every job.
    const raw = new Set([...Object.keys(service.metrics), 'up', 'ALERTS']);
    const queries = panelQueries(serviceDashboard(service));

    it.each(queries.map((q) => [`${q.panel} ${q.refId}`, q.expr]))('%s', (_query, expr) => {
      const metrics = selectedMetrics(expr);
      expect(metrics.length).toBeGreaterThan(0);
      for (const metric of metrics) {
        expect({ metric, known: records.has(metric) || raw.has(metric) }).toEqual({ metric, known: true });
      }
    });

    it('reads raw series only for targets, gauges and alerts: everything else is a recording rule', () => {
      const rawPanels = queries
        .filter((q) => selectedMetrics(q.expr).some((metric) => !records.has(metric)))
        .map((q) => q.panel);
      const gauges = Object.entries(service.metrics)
        .filter(([, spec]) => spec.type === 'gauge')
        .map(([name]) => name)
        .sort();
      expect(rawPanels).toEqual(['Targets up', ...gauges, 'Firing alerts']);
    });
  });

  it('filters every SLO panel by its sloth_id', () => {
    const queries = panelQueries(serviceDashboard(payments));
    for (const slo of ['availability', 'checkout-success']) {
      const own = queries.filter((q) => q.panel.startsWith(`${slo} `));
      expect(own.length).toBeGreaterThanOrEqual(7);
      for (const q of own) {
        const ids = q.expr.match(/\{[^}]*\}/g) ?? [];
        expect(ids.length).toBeGreaterThan(0);
        for (const selector of ids) expect(selector).toBe(`{sloth_id="payments-${slo}"}`);
      }
    }
  });

  it.each([
    ['orders error ratio at the default', orders, 'Error ratio', 0.05],
    ['payments error ratio at errorRatioThreshold', payments, 'Error ratio', 0.02],
    ['orders p99 at latencyThresholdSeconds', orders, 'Latency p50 / p99', 0.5],
    ['reporter CPU at resources.cpuCores', reporter, 'CPU cores per instance', 2],
    ['orders memory at the default 512 MiB', orders, 'Resident memory per instance', 512 * 1024 * 1024],
  ] as const)('draws the alert line: %s', (_name, service, title, at) => {
    const p = panel(serviceDashboard(service), title);
    expect(thresholdSteps(p)).toEqual([
      { value: null, color: 'green' },
      { value: at, color: 'red' },
    ]);
    expect(p.fieldConfig).toMatchObject({ defaults: { custom: { thresholdsStyle: { mode: 'dashed' } } } });
  });

  it('moves the line with an override and drops it when the alert is disabled or replaced', () => {
    const changed = serviceDashboard({
      ...orders,
      alerts: {
        overrides: {
          HighErrorRate: { threshold: 0.1 },
          HighLatency: { disabled: true },
          HighCpuUsage: { expr: 'vector(1)' },
        },
      },
    });
    expect(thresholdSteps(panel(changed, 'Error ratio'))).toEqual([
      { value: null, color: 'green' },
      { value: 0.1, color: 'red' },
    ]);
    expect(thresholdSteps(panel(changed, 'Latency p50 / p99'))).toBeUndefined();
    expect(thresholdSteps(panel(changed, 'CPU cores per instance'))).toBeUndefined();
  });

  it('colours the burn rate from the slowest ticket and page factors, and shows objectives as written', () => {
    const dashboard = serviceDashboard(payments);
    expect(thresholdSteps(panel(dashboard, 'availability current burn rate'))).toEqual([
      { value: null, color: 'green' },
      { value: 1, color: 'orange' },
      { value: 6, color: 'red' },
    ]);
    const decimals = (title: string) =>
      (panel(dashboard, title).fieldConfig as { defaults: { decimals?: number } }).defaults.decimals;
    expect([decimals('availability objective'), decimals('checkout-success objective')]).toEqual([1, 0]);
    expect(panel(dashboard, 'checkout-success objective').description).toBe('Checkouts that go through');
  });
});

describe('serviceDashboardUid', () => {
  it('is svc-<name> when that fits', () => {
    expect(serviceDashboardUid('orders')).toBe('svc-orders');
    expect(serviceDashboardUid('a'.repeat(36))).toBe(`svc-${'a'.repeat(36)}`);
  });

  it('shortens the longest service names to a valid uid that still tells them apart', () => {
    const one = serviceDashboardUid(`${'x'.repeat(30)}-payments-eu`);
    const two = serviceDashboardUid(`${'x'.repeat(30)}-payments-us`);
    expect(one).not.toBe(two);
    for (const uid of [one, two]) {
      expect(uid).toHaveLength(40);
      expect(uid.startsWith(`svc-${'x'.repeat(27)}-`)).toBe(true);
      expect(grafanaUidProblem(uid)).toBeUndefined();
    }
  });
});
