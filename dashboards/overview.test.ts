import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { runTool, type ToolResult } from '../components/tools/binaries';
import { checkDashboard } from './check';
import { stackOverviewDashboard } from './overview';
import { datasourceVariable, labelValuesVariable, rangeQuery, timeseriesPanel } from './panels';
import { renderDashboardJson, toPlainDashboard } from './plain';
import { dashboardQueriesAsRuleFile, panelQueries } from './queries';
import type { PlainDashboard } from './types';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'promstack-dashboards-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real `promtool check rules` on the dashboards' queries wrapped as one rule file. */
async function promtoolCheck(dashboards: PlainDashboard[], name: string): Promise<ToolResult> {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, dashboardQueriesAsRuleFile(dashboards));
  return runTool('promtool', ['check', 'rules', file]);
}

describe('stackOverviewDashboard', () => {
  const overview = stackOverviewDashboard();

  it('renders the same bytes twice', () => {
    expect(renderDashboardJson(stackOverviewDashboard())).toBe(renderDashboardJson(overview));
  });

  it('passes checkDashboard', () => {
    expect(checkDashboard(overview)).toEqual([]);
  });

  it('takes a uid and title', () => {
    const custom = stackOverviewDashboard({ uid: 'ops-overview', title: 'Ops' });
    expect([custom.uid, custom.title]).toEqual(['ops-overview', 'Ops']);
  });

  it('shows what the stack does, with the metric names Prometheus 3.5 and Alertmanager 0.33 expose', () => {
    const exprs = panelQueries(overview)
      .map((q) => q.expr)
      .join('\n');
    for (const metric of [
      'up{',
      'scrape_duration_seconds',
      'scrape_samples_scraped',
      'prometheus_tsdb_head_samples_appended_total',
      'prometheus_rule_evaluation_failures_total',
      'alertmanager_notifications_total',
      'alertmanager_notifications_failed_total',
      'ALERTS{alertstate="firing"}',
      'prometheus_tsdb_head_series',
    ]) {
      expect(exprs).toContain(metric);
    }
    expect(overview.templating?.list?.map((v) => [v.type, v.name])).toEqual([
      ['datasource', 'datasource'],
      ['query', 'job'],
    ]);
    const types = new Set((overview.panels ?? []).map((p) => p.type));
    expect([...types].sort()).toEqual(['row', 'stat', 'timeseries']);
  });

  it('shows legends on every time series (the SDK hides them)', () => {
    const series = (overview.panels ?? []).filter((p) => p.type === 'timeseries');
    expect(series.length).toBeGreaterThan(5);
    for (const panel of series) {
      expect(panel.options).toMatchObject({ legend: { showLegend: true }, tooltip: { mode: 'multi' } });
    }
  });

  it('lists each query with its panel and refId', () => {
    expect(panelQueries(overview)).toContainEqual({
      dashboard: 'promstack-overview',
      panel: 'Targets up by job',
      refId: 'B',
      expr: 'count by (job) (up{job=~"$job"})',
    });
  });

  it('has queries the real promtool accepts, checked in one call', async () => {
    const result = await promtoolCheck([overview], 'overview');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${panelQueries(overview).length} rules found`);
  });
});

describe('dashboardQueriesAsRuleFile', () => {
  it('catches a type error in process, as promtool does, naming the panel query', async () => {
    const wrong = toPlainDashboard(
      new DashboardBuilder('Wrong')
        .uid('wrong')
        .withVariable(datasourceVariable())
        .withVariable(labelValuesVariable('job', 'job', 'up'))
        .withPanel(timeseriesPanel('Fine', 'short').withTarget(rangeQuery('sum(up{job=~"$job"})')))
        .withPanel(timeseriesPanel('Rate of a gauge', 'short').withTarget(rangeQuery('rate(up)')))
        .build(),
    );
    // The grammar is fine; the type check knows rate() needs a range vector, and so does promtool.
    expect(checkDashboard(wrong)).toEqual([
      {
        path: 'dashboards.wrong.panels[Rate of a gauge].targets[A].expr',
        message: expect.stringContaining('rate() needs a range vector as argument 1, got instant vector'),
      },
    ]);
    const file = dashboardQueriesAsRuleFile([stackOverviewDashboard(), wrong]);
    expect(file).toMatch(
      /- record: dashboard_query_16\n {8}expr: rate\(up\)\n {8}labels:\n {10}dashboard: wrong\n {10}panel: Rate of a gauge\n {10}ref_id: A\n/,
    );

    const result = await promtoolCheck([stackOverviewDashboard(), wrong], 'wrong');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /dashboard_query_16.*expected type range vector in call to function "rate", got instant vector/,
    );
  });

  it('substitutes caller values, e.g. a real job name', () => {
    const file = dashboardQueriesAsRuleFile([stackOverviewDashboard()], { job: 'prometheus' });
    expect(file).toContain('expr: sum(up{job=~"prometheus"})');
    expect(file).not.toContain('$');
  });

  it('leaves out dashboards without queries', () => {
    const empty = toPlainDashboard(new DashboardBuilder('Empty').uid('empty').build());
    expect(dashboardQueriesAsRuleFile([empty])).toMatch(/\ngroups: \[\]\n$/);
  });
});
