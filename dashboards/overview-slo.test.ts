import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineService, type ServiceDefinition } from '../components/service';
import { ruleNumber, sloWindows } from '../components/service/slo-conventions';
import { runTool } from '../components/tools/binaries';
import { orders } from '../infra/services/orders';
import { checkDashboard } from './check';
import { stackOverviewDashboard } from './overview';
import { renderDashboardJson } from './plain';
import { dashboardQueriesAsRuleFile, panelQueries } from './queries';
import type { PlainPanel } from './types';

const service = (name: string, slos: NonNullable<ServiceDefinition['slos']>): ServiceDefinition =>
  defineService({
    name,
    team: 'web',
    scrape: { targets: { docker: [`${name}:8080`] } },
    metrics: { [`${name}_requests_total`]: { type: 'counter', labels: ['code'] } },
    red: { requests: `${name}_requests_total`, errors: { label: 'code', regex: '5..' } },
    slos,
  } as never);

const payments = service('payments', [
  { name: 'availability', objective: 99.95 },
  { name: 'checkout', objective: 99, period: '7d' },
]);
const search = service('search', [{ name: 'availability', objective: 99.5, period: '28d' }]);
const batch = defineService({
  name: 'batch',
  team: 'data',
  scrape: { targets: { docker: ['batch:9100'] } },
  metrics: { batch_runs_total: { type: 'counter', labels: [] } },
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'promstack-overview-slo-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (panels: PlainPanel[] | undefined) =>
  (panels ?? []).map((p) => (p.type === 'row' ? `row: ${p.title}` : `${p.type}: ${p.title}`));

interface Override {
  matcher: { id: string; options: string };
  properties: { id: string; value: unknown }[];
}
const overrides = (p: PlainPanel) => (p.fieldConfig as { overrides: Override[] }).overrides;
const property = (p: PlainPanel, column: string, id: string) =>
  overrides(p)
    .find((o) => o.matcher.options === column)
    ?.properties.find((prop) => prop.id === id)?.value;

describe('the SLO row of the overview', () => {
  const overview = stackOverviewDashboard({ services: [orders, payments, search, batch] });
  const table = (title: string) => {
    const found = (overview.panels ?? []).find((p) => p.title === title);
    if (!found) throw new Error(`no panel ${title}`);
    return found;
  };

  it('is left out when no service has an SLO, leaving the overview as it was', () => {
    const without = stackOverviewDashboard({ services: [batch] });
    expect(rows(without.panels)).not.toContain('row: SLOs');
    expect(renderDashboardJson(without)).toBe(renderDashboardJson(stackOverviewDashboard()));
  });

  it('holds one table per SLO period, shortest first, after the summary', () => {
    expect(rows(overview.panels).slice(0, 9)).toEqual([
      'row: Summary',
      'stat: Targets up',
      'stat: Targets down',
      'stat: Firing alerts',
      'stat: TSDB head series',
      'row: SLOs',
      'table: SLOs over 7d',
      'table: SLOs over 28d',
      'table: SLOs over 30d',
    ]);
    expect(checkDashboard(overview)).toEqual([]);
  });

  it('renders the same bytes whatever the order of the services', () => {
    const reversed = stackOverviewDashboard({ services: [batch, search, payments, orders] });
    expect(renderDashboardJson(reversed)).toBe(renderDashboardJson(overview));
  });

  it.each([
    ['7d', 7],
    ['28d', 28],
    ['30d', 30],
  ] as const)(
    'SLOs over %s: keeps its SLOs by the recorded period and reads the metadata records',
    (period, days) => {
      const queries = table(`SLOs over ${period}`).targets ?? [];
      const inPeriod = `and on (sloth_id) (slo:time_period:days == ${days})`;
      expect(queries.map((t) => [t.refId, t.expr, t.format, t.instant])).toEqual([
        ['objective', `max by (sloth_service, sloth_slo) (slo:objective:ratio ${inPeriod})`, 'table', true],
        [
          'remaining',
          `min by (sloth_service, sloth_slo) (slo:period_error_budget_remaining:ratio ${inPeriod})`,
          'table',
          true,
        ],
        [
          'current',
          `max by (sloth_service, sloth_slo) (slo:current_burn_rate:ratio ${inPeriod})`,
          'table',
          true,
        ],
        [
          'period',
          `max by (sloth_service, sloth_slo) (slo:period_burn_rate:ratio ${inPeriod})`,
          'table',
          true,
        ],
      ]);
    },
  );

  it.each(['7d', '28d', '30d'] as const)(
    'SLOs over %s: colours the current burn rate at the factors of its own period',
    (period) => {
      const windows = sloWindows(period);
      const slowest = (kind: 'page' | 'ticket') =>
        Math.min(...windows[kind].map((c) => ruleNumber(c.factor)));
      const p = table(`SLOs over ${period}`);
      expect(property(p, 'Current burn rate', 'thresholds')).toEqual({
        mode: 'absolute',
        steps: [
          { value: null, color: 'green' },
          { value: slowest('ticket'), color: 'orange' },
          { value: slowest('page'), color: 'red' },
        ],
      });
      expect(property(p, 'Current burn rate', 'unit')).toBe('suffix:x');
      expect(property(p, 'Period burn rate', 'thresholds')).toMatchObject({
        steps: [
          { value: null, color: 'green' },
          { value: 1, color: 'red' },
        ],
      });
      expect(property(p, 'Error budget remaining', 'unit')).toBe('percentunit');
    },
  );

  it("at 28d the lines are Sloth's catalogue's, not 30d's", () => {
    expect(property(table('SLOs over 28d'), 'Current burn rate', 'thresholds')).toMatchObject({
      steps: [{}, { value: 0.933333333333 }, { value: 5.6 }],
    });
  });

  it('shows objectives with the decimals the strictest of its SLOs needs', () => {
    expect(property(table('SLOs over 30d'), 'Objective', 'decimals')).toBe(2);
    expect(property(table('SLOs over 7d'), 'Objective', 'decimals')).toBe(0);
  });

  it('names a column for every query and formats the columns it names', () => {
    const p = table('SLOs over 30d');
    const organize = (
      p.transformations as { id: string; options: Record<string, Record<string, unknown>> }[]
    )[1];
    expect((p.transformations as { id: string }[]).map((t) => t.id)).toEqual(['merge', 'organize']);
    const renamed = organize.options.renameByName;
    expect(Object.keys(renamed)).toEqual([
      'sloth_service',
      'sloth_slo',
      ...(p.targets ?? []).map((t) => `Value #${t.refId}`),
    ]);
    expect(overrides(p).map((o) => o.matcher.options)).toEqual(Object.values(renamed).slice(2));
    expect(Object.keys(organize.options.indexByName)).toEqual(Object.keys(renamed));
  });

  it('has queries the real promtool accepts', async () => {
    const file = join(dir, 'overview-slo.yml');
    writeFileSync(file, dashboardQueriesAsRuleFile([overview]));
    const result = await runTool('promtool', ['check', 'rules', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${panelQueries(overview).length} rules found`);
  });
});
