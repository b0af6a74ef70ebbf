import { defineService, type ServiceDefinition } from '../components/service';
import { ruleNumber, sloWindows, type SloPeriod } from '../components/service/slo-conventions';
import { buildServiceRules } from '../rules/build';
import { serviceDashboard } from './service';
import { sloRowTitle } from './service-slo';
import type { PlainDashboard, PlainPanel } from './types';

/** One SLO per period promstack knows, so each period's windows and factors are on show. */
const shop: ServiceDefinition = defineService({
  name: 'shop',
  team: 'web',
  scrape: { targets: { docker: ['shop:8080'] } },
  metrics: { shop_requests_total: { type: 'counter', labels: ['code', 'route'] } },
  red: { requests: 'shop_requests_total', errors: { label: 'code', regex: '5..' } },
  slos: [
    { name: 'monthly', objective: 99.9, groupBy: ['route'] },
    { name: 'four-weeks', objective: 99.5, period: '28d' },
    { name: 'weekly', objective: 99, period: '7d' },
  ],
});

function panel(dashboard: PlainDashboard, title: string): PlainPanel {
  const found = (dashboard.panels ?? []).find((p) => p.title === title);
  if (!found) throw new Error(`no panel ${title}`);
  return found;
}

interface Defaults {
  unit?: string;
  thresholds?: { mode: string; steps: { value: number | null; color: string }[] };
  custom?: { thresholdsStyle?: { mode: string } };
}
const defaults = (p: PlainPanel) => (p.fieldConfig as { defaults: Defaults }).defaults;
const lines = (p: PlainPanel) =>
  defaults(p)
    .thresholds?.steps.slice(1)
    .map((s) => [s.value, s.color]);

const dashboard = serviceDashboard(shop);
const SLOS = [
  ['monthly', '30d'],
  ['four-weeks', '28d'],
  ['weekly', '7d'],
] as const;

describe('the SLO rows of the service dashboard', () => {
  it('has one row per SLO, titled with its objective and period', () => {
    const rows = (dashboard.panels ?? []).filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual([
      'RED',
      'Saturation',
      'SLO monthly: 99.9% over 30d',
      'SLO four-weeks: 99.5% over 28d',
      'SLO weekly: 99% over 7d',
      'Alerts',
    ]);
    expect(rows.slice(2, 5)).toEqual(shop.slos!.map(sloRowTitle));
  });

  it.each(SLOS)(
    '%s: the burn-down covers the SLO period (%s) whatever the dashboard range',
    (slo, period) => {
      const burnDown = panel(dashboard, `${slo} error budget remaining over ${period}`);
      expect(burnDown.timeFrom).toBe(period);
      expect(burnDown.gridPos).toMatchObject({ x: 0, w: 24 });
      expect(burnDown.targets?.map((t) => t.expr)).toEqual([
        `slo:period_error_budget_remaining:ratio{sloth_id="shop-${slo}"}`,
      ]);
      expect(defaults(burnDown).unit).toBe('percentunit');
      // One dashed line at 0: the budget is spent below it.
      expect(defaults(burnDown).thresholds?.steps).toEqual([
        { value: null, color: 'red' },
        { value: 0, color: 'green' },
      ]);
      expect(defaults(burnDown).custom?.thresholdsStyle?.mode).toBe('dashed');
    },
  );

  it.each(SLOS)('%s: burn rate by window reads every window of its alert conditions', (slo, period) => {
    const windows = sloWindows(period as SloPeriod);
    for (const kind of ['page', 'ticket'] as const) {
      const p = panel(dashboard, `${slo} ${kind} burn rate by window`);
      const expected = windows[kind]
        .flatMap((c) => [
          [c.shortMs, c.short],
          [c.longMs, c.long],
        ])
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, name]) => String(name));
      expect(p.targets).toHaveLength(expected.length);
      for (const [i, target] of (p.targets ?? []).entries()) {
        expect(target.expr).toBe(
          `slo:sli_error:ratio_rate${expected[i]}{sloth_id="shop-${slo}"} / on (sloth_id) group_left () slo:error_budget:ratio{sloth_id="shop-${slo}"}`,
        );
      }
      expect(defaults(p).unit).toBe('suffix:x');
      expect(defaults(p).custom?.thresholdsStyle?.mode).toBe('dashed');
      // A line at each factor the alert rule compares, in the rule's own rounding.
      const colour = kind === 'page' ? 'red' : 'orange';
      expect(lines(p)).toEqual(
        windows[kind]
          .map((c) => ruleNumber(c.factor))
          .sort((a, b) => a - b)
          .map((factor) => [factor, colour]),
      );
    }
  });

  it('draws the factors of Sloth catalogue and the scaled workbook at the right period', () => {
    // Sloth's 30d and 28d catalogue, and the workbook's factors kept for 7d.
    const at = (slo: string, kind: string) => lines(panel(dashboard, `${slo} ${kind} burn rate by window`));
    expect([at('monthly', 'page'), at('monthly', 'ticket')]).toEqual([
      [
        [6, 'red'],
        [14.4, 'red'],
      ],
      [
        [1, 'orange'],
        [3, 'orange'],
      ],
    ]);
    expect([at('four-weeks', 'page'), at('four-weeks', 'ticket')]).toEqual([
      [
        [5.6, 'red'],
        [13.44, 'red'],
      ],
      [
        [0.933333333333, 'orange'],
        [2.8, 'orange'],
      ],
    ]);
    expect(panel(dashboard, 'weekly page burn rate by window').targets?.map((t) => t.legendFormat)).toEqual([
      '1m10s',
      '7m',
      '14m',
      '1h24m',
    ]);
  });

  it('colours the current burn rate from the slowest ticket and page factor of its own period', () => {
    const steps = (slo: string) => defaults(panel(dashboard, `${slo} current burn rate`)).thresholds?.steps;
    expect(steps('four-weeks')).toEqual([
      { value: null, color: 'green' },
      { value: 0.933333333333, color: 'orange' },
      { value: 5.6, color: 'red' },
    ]);
    expect(defaults(panel(dashboard, 'weekly period burn rate')).thresholds?.steps).toEqual([
      { value: null, color: 'green' },
      { value: 1, color: 'red' },
    ]);
  });

  it("tells a grouped SLO's series apart by its group labels, and an ungrouped one's by window", () => {
    const legends = (title: string) => panel(dashboard, title).targets?.map((t) => t.legendFormat);
    expect(legends('monthly page burn rate by window')).toEqual(
      ['5m', '30m', '1h', '6h'].map((w) => `${w} {{route}}`),
    );
    expect(legends('monthly error budget remaining over 30d')).toEqual(['remaining {{route}}']);
    expect(legends('weekly error budget remaining over 7d')).toEqual(['remaining']);
  });

  it('reads only records the SLO rules produce', () => {
    const records = new Set(buildServiceRules(shop).recording.map((rule) => rule.record));
    const sloQueries = (dashboard.panels ?? [])
      .filter((p) => SLOS.some(([slo]) => p.title?.startsWith(`${slo} `)))
      .flatMap((p) => p.targets ?? []);
    expect(sloQueries.length).toBe(3 * (4 + 1 + 8));
    for (const target of sloQueries) {
      for (const metric of String(target.expr).match(/[a-z_]+:[a-z_:0-9]+/g) ?? []) {
        expect({ metric, known: records.has(metric) }).toEqual({ metric, known: true });
      }
    }
  });
});
