import { SERVICE_ALERTS } from '../../../rules/alert-names';
import { errorBudget, sloAlertName } from '../../../rules/slo';
import { dashboards, dashboardsResult, type PanelOutcome } from './dashboards';
import { burnFill, burnSeconds, windowFill, type Rates } from './floors';
import { watchInhibited, watchTicket, type TicketWatch } from './inhibition';
import { latencySloPage } from './latency-slo';
import { WAIT_RATES, type DrillRun } from './run';

/** The CPU fault aims this far from the threshold towards the one core the backend can burn. */
const CPU_HEADROOM = 0.3;
/** CPU burnt per /api request under the CPU fault, about. */
const BURN_SLICE_MS = 25;
/** The drill's extra requests rise to their rate over this long: a sudden crowd would make a backlog. */
const LOAD_RAMP_SECONDS = 4;

/**
 * Errors, latency and CPU in one stage, in two phases, each alert measured from the fault that sets it
 * off:
 *
 * 1. every /api request fails at once (errorRate 1) and the drill adds a retry storm, failing requests
 *    at `run.storm` per second: the SLO's page, its ticket and HighErrorRate (which the page must both
 *    inhibit); the dashboards are queried while all of that holds. The storm makes the burn fast: an
 *    error ratio over a window crosses its threshold once the errors outweigh the window's healthy
 *    traffic by the threshold, which at unchanged traffic takes 7.2% of the page's hour;
 * 2. the errors and the storm stop, the requests become slow (latencyMs) and burn CPU (cpuBurnMs):
 *    HighLatency and HighCpuUsage. Latency stays on until the end, since the burn slows answers too and
 *    HighLatency would otherwise flap.
 *
 * The backend burns CPU on its one event loop and tops out at one core: the fault aims between the
 * threshold and that, and the drill adds its own /api requests so the burn comes in slices of about
 * BURN_SLICE_MS. With the traffic generator's 2 requests/s alone each request would hold the loop for
 * half a second, and scrapes (1 s timeout on the drill clock) would time out behind the queue.
 */
export async function faultsStage(
  run: DrillRun,
): Promise<{ recheck: () => Promise<void>; alerts: Record<string, string>[] }> {
  const latencyRule = run.rule('HighLatency');
  const cpuRule = run.rule('HighCpuUsage');
  const latencyMs = Math.min(120_000, Math.round((latencyRule?.threshold ?? 0.5) * 2000));
  const errors = { errorRate: 1 };
  const burst = run.storm > 0 ? { ...errors, extraApiRequestsPerSecond: run.storm } : errors;
  const errorAlerts = errorScenarios(run, burst);

  const cpuThreshold = cpuRule?.threshold ?? 0.8;
  const targetCores = Math.min(0.95, cpuThreshold + CPU_HEADROOM * (1 - cpuThreshold));
  const api = run.baseline.apiPerSecond;
  const load = Math.max(0, Math.round(targetCores / (BURN_SLICE_MS / 1000) - api));
  const burnCores = Math.max(0, targetCores - run.baseline.cpuCores);
  const cpuBurnMs = api + load > 0 ? Math.min(10_000, Math.round((burnCores / (api + load)) * 1000)) : 0;
  const slow = { latencyMs, cpuBurnMs };
  let cpuProblem: string | undefined;
  if (cpuBurnMs === 0) cpuProblem = 'the backend had no /api traffic to burn CPU in';
  else if (targetCores <= cpuThreshold)
    cpuProblem = `HighCpuUsage's threshold ${cpuThreshold} cores is beyond the one core the backend can burn`;
  if (cpuProblem) run.failed('CPU', 'alert', 'no CPU fault possible', cpuProblem);
  const slowFault = cpuProblem ? { latencyMs } : { ...slow, extraApiRequestsPerSecond: load };
  const slowBackendFault = cpuProblem ? { latencyMs } : slow;
  // A request is counted when it is answered, after latencyMs.
  const delay = latencyMs / 1000;
  // Phase two starts from the storm's windows, not from the healthy baseline: what the rate windows
  // held when it began is measured at that moment.
  let slowAt = 0;

  const latency = run.scenario(
    run.plan('latency', 'HighLatency', { alertname: 'HighLatency' }, slowFault, {
      fillBound: (latencyRule?.windowSeconds ?? 0) + delay,
      fill: async (at) => {
        const rule = latencyRule!;
        const threshold = rule.threshold ?? 0.5;
        const [before, during] = await Promise.all([
          slowRates(run, slowAt, rule.windowSeconds, threshold),
          slowRates(run, at, rule.windowSeconds, threshold),
        ]);
        const input = {
          what: `share of requests over ${threshold}s`,
          threshold: 1 - (rule.quantile ?? 0.99),
          before,
          during,
          unit: 'slow/all requests per second',
          delay,
        };
        return {
          scaled: windowFill({ ...input, window: rule.windowSeconds }),
          real: windowFill({ ...input, window: run.realRule('HighLatency')!.windowSeconds }),
        };
      },
    }),
  );
  const latencyPage = latencySloPage(run, slowFault, () => slowAt, delay);
  const cpu = cpuProblem
    ? undefined
    : run.scenario(
        run.plan('CPU', 'HighCpuUsage', { alertname: 'HighCpuUsage' }, slowFault, {
          fillBound: cpuRule?.windowSeconds ?? 0,
          fill: async (at) => {
            const window = cpuRule!.windowSeconds;
            const cores = async (time: number) =>
              (await run.prometheus.value(
                `max(rate(process_cpu_seconds_total{job="${run.job}"}[${window}s]))`,
                time,
              )) ?? 0;
            const [before, burn] = await Promise.all([cores(slowAt), cores(at)]);
            const input = {
              what: 'CPU',
              threshold: cpuThreshold,
              before: { part: before, whole: 1 },
              during: { part: burn, whole: 1 },
              unit: 'cores',
              // The extra requests rise over LOAD_RAMP_SECONDS: the full burn starts half-way, on average.
              delay: LOAD_RAMP_SECONDS / 2,
              delayWhy: "while the drill's requests ramp up",
            };
            return {
              scaled: windowFill({ ...input, window }),
              real: windowFill({ ...input, window: run.realRule('HighCpuUsage')!.windowSeconds }),
            };
          },
        }),
      );

  const faultAt = await run.setFaults(errors);
  if (run.storm > 0) run.log(`retry storm: ${run.storm} extra failing /api requests/s from the drill`);
  // Answered at once: a quarter of a second of requests in flight is plenty.
  const storm = run.backend.startLoad(run.storm, {
    maxInFlight: Math.max(1, Math.ceil(run.storm / 4)),
    rampSeconds: 0,
  });
  try {
    await errorAlerts.fire(faultAt);
  } finally {
    await storm.stop();
  }
  slowAt = await run.setFaults(slowBackendFault);
  errorAlerts.resolve(slowAt);
  if (!cpuProblem)
    run.log(
      `load: ${load} extra /api requests/s from the drill, so the burn comes in ${cpuBurnMs} ms slices`,
    );
  // At most half a second of requests beyond those the latency holds: a backlog drains at once.
  const extra = run.backend.startLoad(cpuProblem ? 0 : load, {
    maxInFlight: Math.max(1, Math.ceil(load * (latencyMs / 1000 + 0.5))),
    rampSeconds: LOAD_RAMP_SECONDS,
  });
  try {
    await Promise.all([
      latency?.awaitFiring(slowAt),
      cpu?.awaitFiring(slowAt),
      latencyPage?.scenario?.awaitFiring(slowAt),
    ]);
  } finally {
    await extra.stop();
  }
  const clearedAt = await run.clearFaults();
  run.resolveInBackground([latency, cpu], clearedAt, latencyRule?.windowSeconds ?? 0);
  if (latencyPage) run.resolveInBackground([latencyPage.scenario], clearedAt, latencyPage.resolveBound);
  return {
    recheck: () => errorAlerts.recheck(),
    alerts: [
      errorAlerts.errorRatio,
      ...[errorAlerts.page, latency, cpu, latencyPage?.scenario].flatMap((s) => (s ? [s.plan.identity] : [])),
    ],
  };
}

/** Requests slower than `threshold` seconds and all requests, per second, from the latency histogram. */
async function slowRates(run: DrillRun, at: number, window: number, threshold: number): Promise<Rates> {
  const histogram = run.r.service.red?.latency ?? 'http_request_duration_seconds';
  const sel = `job="${run.job}"`;
  const [fast, all] = await Promise.all([
    run.prometheus.value(`sum(rate(${histogram}_bucket{${sel},le="${threshold}"}[${window}s]))`, at),
    run.prometheus.value(`sum(rate(${histogram}_bucket{${sel},le="+Inf"}[${window}s]))`, at),
  ]);
  if (all === undefined) throw new Error(`no ${histogram} of ${run.job}`);
  // Without a bucket at the threshold every request counts as slow, as the 1% of W assumes.
  return { part: fast === undefined ? all : all - fast, whole: all };
}

/**
 * The SLO's page and ticket, HighErrorRate, and the dashboards, while every /api request fails. The
 * errors are answered at once: they show in the first scrape after the fault. The page inhibits both
 * the ticket and HighErrorRate (one incident, one page); a service without an SLO gets HighErrorRate's
 * page instead, checked as any alert.
 */
function errorScenarios(run: DrillRun, fault: Record<string, unknown>) {
  let faultAt = 0;
  const herRule = run.rule(SERVICE_ALERTS.highErrorRate);
  const errorRatio = { alertname: SERVICE_ALERTS.highErrorRate, ...run.serviceLabels };
  const slo = run.slo;
  const her = slo
    ? undefined
    : run.scenario(
        run.plan(
          'error ratio',
          SERVICE_ALERTS.highErrorRate,
          { alertname: SERVICE_ALERTS.highErrorRate },
          fault,
          {
            fillBound: herRule?.windowSeconds ?? 0,
            fill: async () => {
              const window = herRule!.windowSeconds;
              const input = {
                what: 'error ratio',
                threshold: herRule!.threshold ?? 0.05,
                before: run.healthyRates,
                during: await run.faultRates(faultAt, window),
                unit: 'errors/requests per second',
              };
              return {
                scaled: windowFill({ ...input, window }),
                real: windowFill({
                  ...input,
                  window: run.realRule(SERVICE_ALERTS.highErrorRate)!.windowSeconds,
                }),
              };
            },
          },
        ),
      );
  if (slo && !herRule)
    run.failed(
      'error ratio',
      'inhibition',
      `${SERVICE_ALERTS.highErrorRate} is not among the rules of ${run.job}`,
      `no alerting rule ${SERVICE_ALERTS.highErrorRate} for service ${run.job} (disabled by an override?)`,
    );
  const alertname = slo ? sloAlertName(slo) : 'AvailabilityErrorBudgetBurn';
  const budget = slo ? errorBudget(slo.objective) : 0;
  const pageConditions = run.burnConditions('page', run.r.factor);
  const shortWindow = Math.min(...pageConditions.flatMap((c) => c.windows));
  const page = slo
    ? run.scenario(
        run.plan('SLO fast burn', `SloBurn:${slo.name}:page`, { alertname, sloth_severity: 'page' }, fault, {
          fillBound: burnSeconds(pageConditions, budget, WAIT_RATES, run.historyAt(Date.now())),
          fill: async () => {
            const rates = { before: run.healthyRates, during: await run.faultRates(faultAt, shortWindow) };
            const history = run.historyAt(faultAt);
            return {
              scaled: burnFill({ conditions: pageConditions, budget, ...rates, history }),
              real: burnFill({
                conditions: run.burnConditions('page', 1),
                budget,
                ...rates,
                history: history * run.r.factor,
              }),
            };
          },
        }),
      )
    : undefined;
  if (!slo)
    run.failed(
      'SLO fast burn',
      'alert',
      `${run.job} has no SLO`,
      `the service ${run.job} declares no SLO: nothing to burn`,
    );
  let held: TicketWatch[] = [];
  let panels: PanelOutcome[] = [];
  const { clock } = run;
  return {
    /** HighErrorRate's labels, to wait for it to resolve. */
    errorRatio,
    page,
    /**
     * From the fault until the page notified, the ticket and HighErrorRate were seen inhibited (or,
     * without an SLO, HighErrorRate notified), the dashboards ran.
     */
    async fire(at: number): Promise<void> {
      faultAt = at;
      const ticket = slo ? watchTicket(run, alertname, at, budget, fault) : undefined;
      const errors =
        slo && herRule
          ? watchInhibited(
              run,
              {
                name: 'error ratio',
                what: `${SERVICE_ALERTS.highErrorRate} (critical)`,
                identity: errorRatio,
                by: {
                  name: 'the SLO page',
                  severity: 'critical',
                  identity: { alertname, sloth_severity: 'page', ...run.serviceLabels },
                },
                fireBound:
                  2 *
                    (herRule.windowSeconds +
                      herRule.forSeconds +
                      clock.scrapeInterval +
                      2 * clock.evaluationInterval) +
                  15,
              },
              at,
              fault,
            )
          : undefined;
      await Promise.all([her?.awaitFiring(at), page?.awaitFiring(at), ticket, errors]);
      held = (await Promise.all([ticket, errors])).flatMap((w) => (w ? [w] : []));
      panels = await dashboards(run);
      run.results.set('dashboards', () => dashboardsResult(panels, [], fault));
    },
    /** Panels without data while the faults held, asked again once the alerts are over (call then). */
    async recheck(): Promise<void> {
      if (!panels.some((o) => !o.hasData && !o.error)) return;
      const again = await dashboards(run);
      run.results.set('dashboards', () => dashboardsResult(panels, again, fault));
    },
    /** The errors stopped at `clearedAt`: resolution, and the held-back alerts' fate once the page is gone. */
    resolve(clearedAt: number): void {
      run.resolveInBackground([her], clearedAt, herRule?.windowSeconds ?? 0);
      if (page) {
        const [done] = run.resolveInBackground(
          [page],
          clearedAt,
          Math.max(...pageConditions.map((c) => c.windows[0])),
        );
        run.pending.push(
          done.then(async () => {
            const endedAt =
              page.inactiveAt === undefined
                ? undefined
                : await run.firingEndedAt(page.plan.identity, page.inactiveAt).catch((error: unknown) => {
                    run.log(
                      `the page's last firing evaluation is unknown (${String(error)}): using when it was seen gone`,
                    );
                    return page.inactiveAt;
                  });
            for (const watch of held) watch.finish(endedAt);
          }),
        );
      } else for (const watch of held) watch.finish(undefined);
    },
  };
}
