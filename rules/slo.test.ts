import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingRuleInput } from '../components/model/rules';
import { renderRuleFile } from '../components/model/rules';
import { renderYaml } from '../components/model/yaml';
import { defineService, type AlertOverride, type SloSpec } from '../components/service';
import { objectiveFloor, sloWindows, type SloPeriod } from '../components/service/slo-conventions';
import { scaleRanges } from '../components/stack/time-scale';
import { findTool, runTool } from '../components/tools/binaries';
import { applyOverrides, ruleFileOf, type BuiltRules } from './build';
import { serviceContext } from './context';
import { sloRules } from './slo';
import { burnScenarios, holdingConditions } from './slo-tests';
import { promtoolTests } from './unit-tests';

const shop = (slos: SloSpec[], overrides: Record<string, AlertOverride> = {}) =>
  defineService({
    name: 'shop',
    team: 'web',
    scrape: { targets: { docker: ['shop:8080'] } },
    metrics: { http_requests_total: { type: 'counter', labels: ['status'] } },
    red: { requests: 'http_requests_total', errors: { label: 'status', regex: '5..' } },
    slos,
    alerts: { overrides },
  });

/** The SLO rules of a service alone (the generated tests cost a minute of evaluation per rule file). */
function sloOnly(slos: SloSpec[], overrides: Record<string, AlertOverride> = {}): BuiltRules {
  const set = sloRules(serviceContext(shop(slos, overrides)));
  return { groupPrefix: 'shop', recording: set.recording, alerts: applyOverrides(set.alerts, overrides) };
}

const records = (rules: BuiltRules, slo: string): RecordingRuleInput[] =>
  rules.recording.filter((r) => r.labels?.sloth_slo === slo);
const record = (rules: BuiltRules, slo: string, name: string) =>
  records(rules, slo).find((r) => r.record === name)!;
const alertExpr = (rules: BuiltRules, key: string) => rules.alerts.find((a) => a.key === key)!.rule.expr;

/** Writes a rule file and its tests into a new folder; returns the test file's path. */
function write(rules: BuiltRules, mutate: (text: string) => string = (t) => t): string {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-slo-'));
  writeFileSync(join(dir, 'rules.yml'), mutate(renderRuleFile(ruleFileOf(rules))));
  writeFileSync(join(dir, 'tests.yml'), renderYaml(promtoolTests(rules, 'rules.yml')!));
  return join(dir, 'tests.yml');
}

const promtoolTest = async (file: string, run?: string) => {
  const result = await runTool('promtool', ['test', 'rules', ...(run ? [`--run=${run}`] : []), file], {
    timeoutMs: 120_000,
  });
  return { code: result.code, out: result.stdout + result.stderr };
};

describe('SLO rules follow the period', () => {
  const rules = sloOnly([
    { name: 'month', objective: 99.9 },
    { name: 'four-weeks', objective: 99.9, period: '28d' },
    { name: 'week', objective: 99, period: '7d' },
  ]);

  it('keeps the 30d rules: the workbook factors over 1h/5m, 6h/30m, 1d/2h, 3d/6h', () => {
    const sel = 'sloth_id="shop-month", sloth_service="shop", sloth_slo="month"';
    const over = (window: string, factor: number) =>
      `  max(slo:sli_error:ratio_rate${window}{${sel}} > (${factor} * 0.001)) without (sloth_window)`;
    const condition = (short: string, long: string, factor: number) =>
      ['(', over(short, factor), '  and', over(long, factor), ')'].join('\n');
    expect(alertExpr(rules, 'SloBurn:month:page')).toBe(
      `${condition('5m', '1h', 14.4)}\nor\n${condition('30m', '6h', 6)}`,
    );
    expect(alertExpr(rules, 'SloBurn:month:ticket')).toBe(
      `${condition('2h', '1d', 3)}\nor\n${condition('6h', '3d', 1)}`,
    );
    expect(records(rules, 'month').map((r) => r.labels?.sloth_window ?? r.record)).toEqual([
      ...['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'],
      ...['slo:objective:ratio', 'slo:error_budget:ratio', 'slo:time_period:days'],
      ...['slo:current_burn_rate:ratio', 'slo:period_burn_rate:ratio'],
      ...['slo:period_error_budget_remaining:ratio', 'sloth_slo_info'],
    ]);
  });

  it("uses Sloth's 28d factors and names the period window 4w", () => {
    const page = alertExpr(rules, 'SloBurn:four-weeks:page');
    const ticket = alertExpr(rules, 'SloBurn:four-weeks:ticket');
    expect(page.match(/\(\S+ \* 0\.001\)/g)).toEqual([
      ...Array(2).fill('(13.44 * 0.001)'),
      ...Array(2).fill('(5.6 * 0.001)'),
    ]);
    expect(ticket.match(/\(\S+ \* 0\.001\)/g)).toEqual([
      ...Array(2).fill('(2.8 * 0.001)'),
      ...Array(2).fill('(0.933333333333 * 0.001)'),
    ]);
    expect(
      records(rules, 'four-weeks')
        .filter((r) => r.labels?.sloth_window)
        .map((r) => r.record),
    ).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '4w'].map((w) => `slo:sli_error:ratio_rate${w}`));
    expect(record(rules, 'four-weeks', 'slo:sli_error:ratio_rate4w').expr).toContain('[4w])');
    expect(record(rules, 'four-weeks', 'slo:time_period:days').expr).toBe('vector(28)');
    expect(record(rules, 'four-weeks', 'slo:period_burn_rate:ratio').expr).toMatch(
      /^slo:sli_error:ratio_rate4w\{/,
    );
  });

  it('describes each burn alert: the SLO, its objective and period, factors, windows and budget spent', () => {
    const ticket = rules.alerts.find((a) => a.key === 'SloBurn:four-weeks:ticket')!;
    expect(ticket.rule.annotations.description).toBe(
      'The four-weeks SLO of shop (objective 99.9% of requests succeed over 28d) is burning its error budget ' +
        'at 2.8x the sustainable rate over the last 1d (and still over the last 2h), which spends 10% of the ' +
        '28d error budget in 1d; or at 0.9333x the sustainable rate over the last 3d (and still over the ' +
        'last 6h), which spends 10% of the 28d error budget in 3d.',
    );
    expect(ticket.tests!.fires.annotations.description).toBe(ticket.rule.annotations.description);
  });

  it('scales the windows to 7d, keeps the factors, and names the period window 1w', () => {
    const page = alertExpr(rules, 'SloBurn:week:page');
    expect(page.match(/ratio_rate\w+|\(\S+ \* 0\.01\)/g)).toEqual([
      ...['ratio_rate1m10s', '(14.4 * 0.01)', 'ratio_rate14m', '(14.4 * 0.01)'],
      ...['ratio_rate7m', '(6 * 0.01)', 'ratio_rate1h24m', '(6 * 0.01)'],
    ]);
    expect(alertExpr(rules, 'SloBurn:week:ticket').match(/ratio_rate\w+|\(\S+ \* 0\.01\)/g)).toEqual([
      ...['ratio_rate28m', '(3 * 0.01)', 'ratio_rate5h36m', '(3 * 0.01)'],
      ...['ratio_rate1h24m', '(1 * 0.01)', 'ratio_rate16h48m', '(1 * 0.01)'],
    ]);
    expect(record(rules, 'week', 'slo:sli_error:ratio_rate1w').expr).toBe(
      [
        'sum_over_time(slo:sli_error:ratio_rate1m10s{sloth_id="shop-week", sloth_service="shop", sloth_slo="week"}[1w])',
        '/ ignoring (sloth_window)',
        'count_over_time(slo:sli_error:ratio_rate1m10s{sloth_id="shop-week", sloth_service="shop", sloth_slo="week"}[1w])',
      ].join('\n'),
    );
    expect(record(rules, 'week', 'slo:current_burn_rate:ratio').expr).toMatch(
      /^slo:sli_error:ratio_rate1m10s\{/,
    );
    expect(record(rules, 'week', 'slo:time_period:days').expr).toBe('vector(7)');
  });

  it('scales compound windows for drills as it scales single-unit ones', () => {
    const expr = record(rules, 'week', 'slo:sli_error:ratio_rate1h24m').expr;
    expect(scaleRanges(expr, 60)).toContain('[1m24s]');
    expect(scaleRanges(record(rules, 'week', 'slo:sli_error:ratio_rate1m10s').expr, 10)).toContain('[7s]');
  });
});

describe('generated tests that pin each condition', () => {
  it('name a burn above and below every factor, and the short window gating it', () => {
    const rules = sloOnly([{ name: 'avail', objective: 99.9, period: '28d' }]);
    const names = promtoolTests(rules, 'rules.yml')!.tests.map((t) =>
      t.name.replace('shop SloBurn:avail:', ''),
    );
    expect(names).toEqual([
      'page fires',
      'page stays silent',
      'page quick 13.44x over 1h/5m: above it over 1h stays silent once 5m is clean',
      'page slow 5.6x over 6h/30m: 5.656x fires',
      'page slow 5.6x over 6h/30m: 5.544x stays silent',
      'page slow 5.6x over 6h/30m: above it over 6h stays silent once 30m is clean',
      'ticket fires',
      'ticket stays silent',
      'ticket quick 2.8x over 1d/2h: above it over 1d stays silent once 2h is clean',
      'ticket slow 0.9333x over 3d/6h: 0.9427x fires',
      'ticket slow 0.9333x over 3d/6h: 0.924x stays silent',
      'ticket slow 0.9333x over 3d/6h: above it over 3d stays silent once 6h is clean',
    ]);
  });

  it.each(['30d', '28d', '7d'] as SloPeriod[])(
    'isolate each condition of a %s SLO for objectives from the lowest to 99.999',
    (period) => {
      const windows = sloWindows(period);
      const all = [...windows.page, ...windows.ticket];
      const lowest = Math.ceil(objectiveFloor(period).percent * 100) / 100;
      for (const objective of [lowest, 95, 99, 99.5, 99.9, 99.99, 99.999]) {
        const budget = Number((1 - objective / 100).toPrecision(12));
        for (const kind of ['page', 'ticket'] as const) {
          const scenarios = burnScenarios(kind, windows, budget);
          // Near the lowest objective no burn keeps a long window above the page factor around a clean
          // short one: the gated scenario of the page's quick condition is left out there.
          expect(scenarios.length).toBeGreaterThanOrEqual(5);
          for (const s of scenarios) {
            const holding = holdingConditions(s.phases, s.evalMinute, all, budget);
            expect([objective, s.name, holding.length]).toEqual([objective, s.name, s.fires ? 1 : 0]);
          }
        }
      }
    },
  );

  it('drop the tests of an alert whose twin of the same name has its expression replaced', () => {
    const rules = sloOnly([{ name: 'avail', objective: 99.9 }], {
      'SloBurn:avail:ticket': { expr: 'vector(1)' },
    });
    const page = rules.alerts.find((a) => a.key === 'SloBurn:avail:page')!;
    expect(page.tests).toBeUndefined();
    expect(page.untestedReason).toBe('its tests expect SloBurn:avail:ticket silent, which is untested');
  });

  it('pass under promtool, with a `for` override and near the lowest objective', async () => {
    expect(findTool('promtool')).toBeDefined();
    const near: SloSpec[] = [{ name: 'avail', objective: 93.1, period: '7d' }];
    const delayed = sloOnly(near, {
      'SloBurn:avail:page': { for: '2m' },
      'SloBurn:avail:ticket': { for: '10m' },
    });
    // The `for` override moves every scenario on: the page's by 2 minutes, the ticket's by 10.
    const evalTimes = (rules: BuiltRules) =>
      promtoolTests(rules, 'rules.yml')!.tests.map((t) => parseInt(t.alert_rule_test[0].eval_time, 10));
    const shift = evalTimes(delayed).map((t, i) => t - evalTimes(sloOnly(near))[i]);
    expect(shift).toEqual([...Array(5).fill(2), ...Array(6).fill(10)]);
    const results = await Promise.all(
      [sloOnly([{ name: 'avail', objective: 99.9, period: '28d' }]), delayed].map((rules) =>
        promtoolTest(write(rules)),
      ),
    );
    for (const result of results) {
      expect(result.out).toContain('SUCCESS');
      expect(result.code).toBe(0);
    }
  });

  it('fail when a 28d SLO is alerted with the 30d factors: burns just above 13.44x, 5.6x, 2.8x, 0.933x go unseen', async () => {
    const rules = sloOnly([{ name: 'avail', objective: 99.9, period: '28d' }]);
    const with30d = (text: string) =>
      text
        .replaceAll('(13.44 *', '(14.4 *')
        .replaceAll('(5.6 *', '(6 *')
        .replaceAll('(2.8 *', '(3 *')
        .replaceAll('(0.933333333333 *', '(1 *');
    const result = await promtoolTest(write(rules, with30d), 'fires$');
    expect(result.code).not.toBe(0);
    for (const name of [
      'SloBurn:avail:page fires',
      'SloBurn:avail:page slow 5.6x over 6h/30m: 5.656x fires',
      'SloBurn:avail:ticket fires',
      'SloBurn:avail:ticket slow 0.9333x over 3d/6h: 0.9427x fires',
    ]) {
      expect(result.out).toContain(`name: shop ${name},`);
    }
  });

  it('fail when a condition loses its short window, or two conditions swap their windows', async () => {
    const rules = sloOnly([{ name: 'avail', objective: 99, period: '7d' }]);
    const sel = '{sloth_id="shop-avail", sloth_service="shop", sloth_slo="avail"}';
    const ungated = (text: string) =>
      text.replace(`ratio_rate1m10s${sel} > (14.4`, `ratio_rate14m${sel} > (14.4`);
    const swapped = (text: string) =>
      text
        .replace(`ratio_rate1m10s${sel} > (14.4`, `ratio_rate7m${sel} > (14.4`)
        .replace(`ratio_rate14m${sel} > (14.4`, `ratio_rate1h24m${sel} > (14.4`)
        .replace(`ratio_rate7m${sel} > (6`, `ratio_rate1m10s${sel} > (6`)
        .replace(`ratio_rate1h24m${sel} > (6`, `ratio_rate14m${sel} > (6`);
    const [gate, swap] = await Promise.all([
      promtoolTest(write(rules, ungated), 'clean$'),
      promtoolTest(write(rules, swapped), 'SloBurn:avail:page'),
    ]);
    expect(gate.code).not.toBe(0);
    expect(gate.out).toContain(
      'name: shop SloBurn:avail:page quick 14.4x over 14m/1m10s: above it over 14m stays silent once 1m10s is clean,',
    );
    expect(swap.code).not.toBe(0);
    expect(swap.out).toContain('name: shop SloBurn:avail:page stays silent,');
  });
});
