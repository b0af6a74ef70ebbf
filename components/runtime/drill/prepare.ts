import { join } from 'node:path';
import { testRoutes } from '../../stack/alert-routes';
import { errorBudget } from '../../../rules/slo';
import { synthStack } from '../../stack/synth';
import { renderedAlerts } from './expectations';
import { historyForPageFirst, round, stormPerSecond, stormRates } from './floors';
import { counterHistory, writeHistoryBlocks } from './history';
import type { Baseline, DrillRun } from './run';
import { sleep } from './watch';

/** The SLO's ticket must cross this many times later than its page on the drill's history. */
export const PAGE_BEFORE_TICKET = 1.3;
/**
 * The fast burn's retry storm is sized so that the page's windows cross within this share of a scrape
 * interval: then the page waits on the pipeline (scrape, evaluations, group_wait), not on its windows.
 */
export const STORM_FILL_SHARE = 0.25;
/** The drill sends at most this many requests per second: beyond, the drill itself would be the load. */
export const STORM_MAX_PER_SECOND = 400;

/**
 * Before any fault: what the routing tree and the rules expect, the backend's healthy traffic, a
 * clean history for the SLO windows, and a stack where only the Watchdog fires.
 */
export async function prepare(run: DrillRun): Promise<void> {
  const { stack, stackInput, catalogue, environment, config, ruleFiles } = run.r;
  run.routes = await testRoutes(stack.synth, run.amFile);
  run.alerts = renderedAlerts(stack.synth.rendered.ruleFiles);
  run.realAlerts = renderedAlerts(
    synthStack(stackInput, catalogue, {
      environment,
      platform: config.platform,
      ...(ruleFiles ? { ruleFiles } : {}),
    }).rendered.ruleFiles,
  );
  run.baseline = await measureBaseline(run);
  run.storm = sizeStorm(run);
  await writeHistory(run);
  const quiet = await checkBaseline(run);
  run.results.set('baseline', () => quiet);
}

async function measureBaseline(run: DrillRun): Promise<Baseline> {
  const { job, prometheus } = run;
  const scrape = run.clock.scrapeInterval;
  const window = Math.max(8, 8 * scrape);
  const requests = run.r.service.red?.requests ?? 'http_requests_total';
  run.log(`measuring the healthy traffic of ${job} over ${window} s`);
  const enough = await run.until(
    async () =>
      ((await prometheus.value(`count_over_time(up{job="${job}"}[1h])`)) ?? 0) >= window / scrape + 2
        ? true
        : undefined,
    window + 30,
  );
  if (!enough)
    throw new Error(`Prometheus did not scrape ${job} for ${window} s: see ${run.r.stack.paths.logs}`);
  const counters = (await prometheus.query(`rate(${requests}{job="${job}"}[${window}s])`))
    .filter((s) => s.value > 0)
    .map((s) => ({ labels: { __name__: requests, ...s.metric }, perSecond: s.value }));
  const api = await prometheus.value(`sum(rate(${requests}{job="${job}",route=~"/api.*"}[${window}s]))`);
  const cpu = await prometheus.value(`max(rate(process_cpu_seconds_total{job="${job}"}[${window}s]))`);
  return { counters, apiPerSecond: api ?? 0, cpuCores: cpu ?? 0 };
}

/** The retry storm of the SLO's fast burn, from the healthy traffic: see STORM_FILL_SHARE. */
function sizeStorm(run: DrillRun): number {
  if (!run.slo) return 0;
  return stormPerSecond({
    conditions: run.burnConditions('page', run.r.factor),
    budget: errorBudget(run.slo.objective),
    healthy: run.healthyRates,
    apiPerSecond: run.baseline.apiPerSecond,
    seconds: STORM_FILL_SHARE * run.clock.scrapeInterval,
    max: STORM_MAX_PER_SECOND,
  });
}

/**
 * Clean traffic before the drill's start, at the rates measured, written into the TSDB as blocks while
 * Prometheus is stopped. Without it every SLO window would hold the same few minutes, and a burn would
 * open the ticket (1x and 3x of the budget) before it pages (14.4x): the reverse of a stack that has run
 * for a while.
 */
async function writeHistory(run: DrillRun): Promise<void> {
  const { stack, factor, stackStartedAt } = run.r;
  if (!run.slo || run.baseline.counters.length === 0) {
    run.history.reason = 'none needed: the service has no SLO';
    return;
  }
  const historySeconds = historyForPageFirst(
    run.burnConditions('page', factor),
    run.burnConditions('ticket', factor),
    errorBudget(run.slo.objective),
    PAGE_BEFORE_TICKET,
    { before: run.healthyRates, during: stormRates(run.healthyRates, run.baseline.apiPerSecond, run.storm) },
  );
  if (historySeconds === undefined) {
    run.history.reason = 'none: no history makes the page cross before the ticket';
    return;
  }
  const step = run.clock.scrapeInterval;
  const to = stackStartedAt - step * 1000;
  const from = to - historySeconds * 1000;
  run.log(`writing ${historySeconds} s of clean ${run.job} traffic before the drill into the TSDB`);
  const text = counterHistory(run.baseline.counters, { from, to, stepSeconds: step });
  const prometheus = stack.processes.prometheus;
  await prometheus.stop();
  await writeHistoryBlocks(text, join(stack.paths.data, 'prometheus'), join(stack.paths.root, 'history'));
  await prometheus.start();
  // Evaluating again once the Watchdog is back.
  await run.until(
    async () =>
      (await run.prometheus.alerts({ alertname: 'Watchdog' }, 'firing')).length > 0 ? true : undefined,
    60,
  );
  run.historyStart = from;
  run.history = {
    seconds: historySeconds,
    realSeconds: historySeconds * factor,
    series: run.baseline.counters.length,
    reason:
      `${historySeconds} s (${round((historySeconds * factor) / 3600, 1)} h on the real clock) of the healthy ` +
      `traffic measured at start, ${run.baseline.counters.length} series, so that a fast burn (with its storm) pages ` +
      `${PAGE_BEFORE_TICKET}x sooner than it opens a ticket, as on a stack that has run for a while`,
  };
}

async function checkBaseline(run: DrillRun) {
  const { clock, prometheus, baseline, job } = run;
  await sleep((3 * clock.evaluationInterval + clock.scrapeInterval) * 1000);
  const firing = (await prometheus.query('ALERTS{alertstate="firing",alertname!="Watchdog"}')).map(
    (s) => `${s.metric.alertname}{service="${s.metric.service ?? ''}"}`,
  );
  const unrouted = run.routes.filter((r) => !r.ok).map((r) => `${r.alertname}: ${r.problem}`);
  const problems = [
    ...firing.map((a) => `${a} fires before any fault`),
    ...unrouted,
    ...(baseline.apiPerSecond > 0 ? [] : [`no /api traffic on ${job}: the backend's TRAFFIC_RPS is off`]),
  ];
  return {
    name: 'baseline',
    kind: 'baseline' as const,
    ok: problems.length === 0,
    summary:
      problems.length === 0
        ? `before any fault only the Watchdog fires; ${run.routes.length} alerts route to a receiver that ` +
          `notifies; ${round(baseline.apiPerSecond, 2)} /api requests/s, ${round(baseline.cpuCores, 3)} CPU cores`
        : 'the stack was not quiet before the faults',
    details: {
      firing,
      apiRequestsPerSecond: round(baseline.apiPerSecond, 3),
      cpuCores: round(baseline.cpuCores, 3),
    },
    problems,
  };
}
