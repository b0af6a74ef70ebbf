import { errorBudget, sloAlertName } from '../../../rules/slo';
import type { SloSpec } from '../../service';
import { bucketLabel, sliKind, sloWindows, type BurnKind } from '../../service/slo-conventions';
import { scaleDuration } from '../../stack/time-scale';
import type { AlertScenario } from './alert-scenario';
import { seconds } from './config';
import { burnFill, burnSeconds, type BurnCondition, type Rates } from './floors';
import { WAIT_RATES, type DrillRun } from './run';

/**
 * The page of the backend service's latency SLO under the drill's slow requests: every request takes
 * `latencyMs`, beyond the SLO's bucket boundary, so its error ratio burns as the availability SLO's does
 * under errors. Measured from the fault like HighLatency, with the burn floor of the SLO's windows; a
 * service without a latency SLO has no such scenario.
 */
export function latencySloPage(
  run: DrillRun,
  fault: Record<string, unknown>,
  slowSince: () => number,
  delay: number,
): { scenario: AlertScenario | undefined; resolveBound: number } | undefined {
  const slo = run.r.service.slos?.find((s) => sliKind(s) === 'latency');
  if (!slo) return undefined;
  const budget = errorBudget(slo.objective);
  const scaled = burnConditions(slo, 'page', run.r.factor);
  const shortWindow = Math.min(...scaled.flatMap((c) => c.windows));
  const scenario = run.scenario(
    run.plan(
      'latency SLO fast burn',
      `SloBurn:${slo.name}:page`,
      { alertname: sloAlertName(slo), sloth_severity: 'page' },
      fault,
      {
        fillBound: burnSeconds(scaled, budget, WAIT_RATES, run.historyAt(Date.now())) + delay,
        fill: async (at) => {
          const since = slowSince();
          const [before, during] = await Promise.all([
            slowShare(run, slo, since, shortWindow),
            slowShare(run, slo, at, shortWindow),
          ]);
          // The error phase before the slow one answered at once: clean history for this SLI.
          const history = run.historyAt(since);
          return {
            scaled: burnFill({ conditions: scaled, budget, before, during, history, delay }),
            real: burnFill({
              conditions: burnConditions(slo, 'page', 1),
              budget,
              before,
              during,
              history: history * run.r.factor,
              delay,
            }),
          };
        },
      },
    ),
  );
  return { scenario, resolveBound: Math.max(...scaled.map((c) => c.windows[0])) };
}

/** The SLO's conditions with their windows in seconds on a clock divided by `factor`. */
function burnConditions(slo: SloSpec, kind: BurnKind, factor: number): BurnCondition[] {
  return sloWindows(slo.period)[kind].map((c) => ({
    factor: c.factor,
    windows: [c.short, c.long].map((w) => seconds(scaleDuration(w, factor))),
  }));
}

/** Requests slower than the SLO's bucket boundary, and all requests, per second over `window` s at `at`. */
async function slowShare(run: DrillRun, slo: SloSpec, at: number, window: number): Promise<Rates> {
  const { latency } = slo.sli as { latency: { histogram?: string; le: string | number } };
  const histogram = latency.histogram ?? run.r.service.red?.latency;
  const sel = `job="${run.job}"`;
  const [fast, all] = await Promise.all([
    run.prometheus.value(
      `sum(rate(${histogram}_bucket{${sel},le="${bucketLabel(Number(latency.le))}"}[${window}s]))`,
      at,
    ),
    run.prometheus.value(`sum(rate(${histogram}_count{${sel}}[${window}s]))`, at),
  ]);
  if (all === undefined) throw new Error(`no ${histogram} of ${run.job}`);
  return { part: all - (fast ?? 0), whole: all };
}
