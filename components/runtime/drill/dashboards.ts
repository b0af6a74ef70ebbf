import { panelQueries, substituteGrafanaMacros, type PlainDashboard } from '../../../dashboards';
import { scaleDuration } from '../../stack/time-scale';
import type { PrometheusClient } from './clients';
import type { ScenarioResult } from './report';
import type { DrillRun } from './run';

/** One panel query run against a live Prometheus. */
export interface PanelOutcome {
  dashboard: string;
  panel: string;
  refId: string;
  /** The query as Prometheus ran it, variables substituted. */
  expr: string;
  hasData: boolean;
  /** Prometheus refused the query. */
  error?: string;
}

/**
 * Runs every panel query of a stack's dashboards (synth's `rendered.dashboards`) as an instant query,
 * with Grafana's variables replaced by `values` (what Grafana would substitute).
 */
export async function checkDashboardQueries(
  prometheus: PrometheusClient,
  dashboards: Readonly<Record<string, PlainDashboard>>,
  values: Readonly<Record<string, string>>,
): Promise<PanelOutcome[]> {
  const outcomes: PanelOutcome[] = [];
  for (const query of Object.values(dashboards).flatMap(panelQueries)) {
    const expr = substituteGrafanaMacros(query.expr, values);
    const base = { dashboard: query.dashboard, panel: query.panel, refId: query.refId, expr };
    try {
      outcomes.push({ ...base, hasData: (await prometheus.query(expr)).length > 0 });
    } catch (error) {
      outcomes.push({
        ...base,
        hasData: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return outcomes;
}

/** Every panel query of every dashboard against the drill's Prometheus, with Grafana's variables set. */
export async function dashboards(run: DrillRun): Promise<PanelOutcome[]> {
  const { stack, factor } = run.r;
  const scrape = run.clock.scrapeInterval;
  const values = {
    job: stack.synth.summary.jobs.join('|'),
    service: run.r.service.name,
    // What Grafana picks: 4 scrape intervals, the scrape interval, and an hour of dashboard range.
    __rate_interval: `${4 * scrape}s`,
    __interval: `${scrape}s`,
    __range: scaleDuration('1h', factor),
  };
  const outcomes = await checkDashboardQueries(run.prometheus, stack.synth.rendered.dashboards, values);
  run.log(
    `dashboards: ${outcomes.filter((o) => o.hasData).length} of ${outcomes.length} panel queries return data`,
  );
  return outcomes;
}

/**
 * The dashboards scenario: a panel passes when its query returned data while the faults held, or, for
 * one that needs a state the faults do not leave behind, when asked again afterwards (`again`).
 */
export function dashboardsResult(
  during: PanelOutcome[],
  again: PanelOutcome[],
  fault: Record<string, unknown>,
): ScenarioResult {
  const name = (o: PanelOutcome) => `${o.dashboard} / ${o.panel} (${o.refId})`;
  const empty = during.filter((o) => !o.hasData);
  const stillEmpty = empty.filter((o) => !again.some((a) => a.expr === o.expr && a.hasData));
  const problems = [
    ...during.filter((o) => o.error).map((o) => `${name(o)}: ${o.error}`),
    ...stillEmpty.filter((o) => !o.error).map((o) => `${name(o)} returns no data: ${o.expr}`),
  ];
  return {
    name: 'dashboards',
    kind: 'dashboards',
    ok: problems.length === 0,
    fault,
    summary:
      `${during.length - empty.length} of ${during.length} panel queries returned data while the errors, the SLO ` +
      `burn and their alerts held` +
      (empty.length > 0
        ? `; ${empty.length - stillEmpty.length} of the other ${empty.length} after the faults`
        : ''),
    details: {
      queries: during.length,
      emptyDuringFaults: empty.map(name),
      emptyAfterFaults: stillEmpty.map(name),
    },
    problems,
  };
}
