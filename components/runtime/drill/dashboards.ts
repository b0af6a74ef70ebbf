import { panelQueries, substituteGrafanaMacros, type PlainDashboard } from '../../../dashboards';
import type { PrometheusClient } from './clients';

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
 * Runs every panel query of the rendered dashboards (`grafana/dashboards/*.json` of a synth result) as
 * an instant query, with Grafana's variables replaced by `values` (what Grafana would substitute).
 */
export async function checkDashboardQueries(
  prometheus: PrometheusClient,
  files: Readonly<Record<string, string>>,
  values: Readonly<Record<string, string>>,
): Promise<PanelOutcome[]> {
  const dashboards = Object.entries(files)
    .filter(([path]) => path.startsWith('grafana/dashboards/') && path.endsWith('.json'))
    .map(([, text]) => JSON.parse(text) as PlainDashboard);
  const outcomes: PanelOutcome[] = [];
  for (const query of dashboards.flatMap(panelQueries)) {
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
