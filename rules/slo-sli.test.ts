import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IssueCollector } from '../components/model/errors';
import { renderRuleFile } from '../components/model/rules';
import { renderYaml } from '../components/model/yaml';
import { defineService, validateServices, type SloSpec } from '../components/service';
import { runTool } from '../components/tools/binaries';
import { applyOverrides, ruleFileOf, type BuiltRules } from './build';
import { serviceContext } from './context';
import { sloRules } from './slo';
import { promtoolTests } from './unit-tests';

/** A service with RED counters by route and a latency histogram by route, and only its SLO rules. */
function sloOnly(slos: SloSpec[]): BuiltRules {
  const service = defineService({
    name: 'shop',
    team: 'web',
    scrape: { targets: { docker: ['shop:8080'] } },
    metrics: {
      http_requests_total: { type: 'counter', labels: ['route', 'status'] },
      http_request_duration_seconds: { type: 'histogram', labels: ['route'], buckets: [0.1, 0.25, 0.5, 1] },
    },
    red: {
      requests: 'http_requests_total',
      errors: { label: 'status', regex: '5..' },
      latency: 'http_request_duration_seconds',
    },
    slos,
  });
  const issues = new IssueCollector();
  validateServices([service], issues);
  expect(issues.issues).toEqual([]);
  const set = sloRules(serviceContext(service));
  return { groupPrefix: 'shop', recording: set.recording, alerts: applyOverrides(set.alerts, {}) };
}

const record = (rules: BuiltRules, slo: string, name: string) =>
  rules.recording.find((r) => r.labels?.sloth_slo === slo && r.record === name)!;
const alert = (rules: BuiltRules, key: string) => rules.alerts.find((a) => a.key === key)!;

async function promtool(rules: BuiltRules, mutate: (text: string) => string = (t) => t, run?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-sli-'));
  writeFileSync(join(dir, 'rules.yml'), mutate(renderRuleFile(ruleFileOf(rules))));
  writeFileSync(join(dir, 'tests.yml'), renderYaml(promtoolTests(rules, 'rules.yml')!));
  const result = await runTool(
    'promtool',
    ['test', 'rules', ...(run ? [`--run=${run}`] : []), join(dir, 'tests.yml')],
    { timeoutMs: 300_000 },
  );
  return { code: result.code, out: result.stdout + result.stderr };
}

const LATENCY: SloSpec = { name: 'latency', objective: 99, sli: { latency: { le: 0.5 } } };
const SLOW_ROUTES: SloSpec = {
  name: 'route-latency',
  objective: 99,
  period: '7d',
  sli: { latency: { le: 1 } },
  groupBy: ['route'],
  alertName: 'RouteTooSlow',
  labels: { category: 'latency' },
  budgetExhausted: true,
};
const EVENTS: SloSpec = {
  name: 'jobs',
  objective: 99.5,
  period: '28d',
  sli: {
    events: {
      errors: 'sum by (queue) (rate(jobs_failed_total[{{.window}}]))',
      total: 'sum by (queue) (rate(jobs_total[{{.window}}]))',
    },
  },
  groupBy: ['queue'],
  budgetExhausted: true,
};
const ROUTES: SloSpec = { name: 'routes', objective: 99.9, groupBy: ['route'], budgetExhausted: true };

describe('SLI recording rules', () => {
  const rules = sloOnly([LATENCY, SLOW_ROUTES, EVENTS, ROUTES]);

  it("count a latency SLI's bad events as the histogram's count less its bucket at the threshold", () => {
    expect(record(rules, 'latency', 'slo:sli_error:ratio_rate5m').expr).toBe(
      [
        '((',
        '  sum(rate(http_request_duration_seconds_count{job="shop"}[5m]))',
        '  -',
        '  sum(rate(http_request_duration_seconds_bucket{job="shop",le="0.5"}[5m]))',
        '))',
        '/',
        '(sum(rate(http_request_duration_seconds_count{job="shop"}[5m])))',
      ].join('\n'),
    );
  });

  it('write an integer boundary as Prometheus 3 stores it, group by the groupBy labels, and add the labels', () => {
    const expr = record(rules, 'route-latency', 'slo:sli_error:ratio_rate14m').expr;
    expect(expr).toContain(
      'sum by (route) (rate(http_request_duration_seconds_bucket{job="shop",le="1.0"}[14m]))',
    );
    expect(expr).toContain('sum by (route) (rate(http_request_duration_seconds_count{job="shop"}[14m]))');
    expect(record(rules, 'route-latency', 'sloth_slo_info').labels).toMatchObject({ category: 'latency' });
    expect(alert(rules, 'SloBurn:route-latency:page').rule).toMatchObject({
      alert: 'RouteTooSlow',
      labels: { category: 'latency', sloth_severity: 'page' },
    });
    expect(record(rules, 'routes', 'slo:sli_error:ratio_rate1h').expr).toBe(
      [
        '(sum by (route) (rate(http_requests_total{job="shop",status=~"5.."}[1h])))',
        '/',
        '(sum by (route) (rate(http_requests_total{job="shop"}[1h])))',
      ].join('\n'),
    );
  });

  it("fill an events SLI's placeholder with each window, as Sloth", () => {
    expect(record(rules, 'jobs', 'slo:sli_error:ratio_rate3d').expr).toBe(
      '(sum by (queue) (rate(jobs_failed_total[3d])))\n/\n(sum by (queue) (rate(jobs_total[3d])))',
    );
  });

  it('alert when the remaining budget over the period is spent, at ticket severity', () => {
    expect(alert(rules, 'SloBudgetExhausted:routes').rule).toMatchObject({
      alert: 'RoutesErrorBudgetExhausted',
      expr: 'slo:period_error_budget_remaining:ratio{sloth_id="shop-routes", sloth_service="shop", sloth_slo="routes"} <= 0',
      labels: { severity: 'warning', slo: 'routes' },
    });
    expect(alert(rules, 'SloBudgetExhausted:routes').rule.annotations.description).toBe(
      'The routes SLO of shop (objective 99.9% of requests succeed over 30d) has no error budget left: ' +
        'over the last 30d more than 0.1% of events were bad.',
    );
    expect(rules.alerts.some((a) => a.key === 'SloBudgetExhausted:latency')).toBe(false);
  });
});

describe('generated tests of latency, events and grouped SLIs', () => {
  it('name each condition of an events SLI and the budget-exhausted cases', () => {
    const names = promtoolTests(sloOnly([EVENTS]), 'rules.yml')!.tests.map((t) =>
      t.name.replace('shop ', ''),
    );
    expect(names).toEqual([
      'SloBurn:jobs:page fires',
      'SloBurn:jobs:page stays silent',
      'SloBurn:jobs:page quick 13.44x over 1h/5m: above it over 1h stays silent once 5m is clean',
      'SloBurn:jobs:page slow 5.6x over 6h/30m: 5.656x fires',
      'SloBurn:jobs:page slow 5.6x over 6h/30m: 5.544x stays silent',
      'SloBurn:jobs:page slow 5.6x over 6h/30m: above it over 6h stays silent once 30m is clean',
      'SloBurn:jobs:ticket fires',
      'SloBurn:jobs:ticket stays silent',
      'SloBurn:jobs:ticket quick 2.8x over 1d/2h: above it over 1d stays silent once 2h is clean',
      'SloBurn:jobs:ticket slow 0.9333x over 3d/6h: 0.9427x fires',
      'SloBurn:jobs:ticket slow 0.9333x over 3d/6h: 0.924x stays silent',
      'SloBurn:jobs:ticket slow 0.9333x over 3d/6h: above it over 3d stays silent once 6h is clean',
      'SloBudgetExhausted:jobs fires',
      'SloBudgetExhausted:jobs stays silent',
    ]);
  });

  // One SLO per rule file: promtool evaluates every rule of the file each minute of each test.
  it('pass under promtool', async () => {
    const results = await Promise.all(
      [LATENCY, SLOW_ROUTES, EVENTS, ROUTES].map((slo) => promtool(sloOnly([slo]))),
    );
    for (const result of results) {
      expect(result.out).toContain('SUCCESS');
      expect(result.code).toBe(0);
    }
  }, 600_000);

  it('fail when the latency threshold, the grouping, a factor or the exhaustion bound is wrong', async () => {
    const [threshold, grouping, factor, exhausted] = await Promise.all([
      promtool(sloOnly([LATENCY]), (t) => t.replaceAll('le="0.5"', 'le="1.0"'), 'page fires$'),
      promtool(sloOnly([ROUTES]), (t) => t.replaceAll('sum by (route) (', 'sum('), 'page fires$'),
      promtool(sloOnly([EVENTS]), (t) => t.replaceAll('(5.6 *', '(6 *'), 'page slow'),
      promtool(sloOnly([ROUTES]), (t) => t.replace('<= 0', '<= -0.05'), 'Exhausted'),
    ]);
    expect(threshold.code).not.toBe(0);
    expect(threshold.out).toContain('name: shop SloBurn:latency:page fires,');
    expect(grouping.code).not.toBe(0);
    expect(grouping.out).toContain('name: shop SloBurn:routes:page fires,');
    expect(factor.code).not.toBe(0);
    expect(factor.out).toContain('name: shop SloBurn:jobs:page slow 5.6x over 6h/30m: 5.656x fires,');
    expect(exhausted.code).not.toBe(0);
    expect(exhausted.out).toContain('name: shop SloBudgetExhausted:routes fires,');
  }, 600_000);
});
