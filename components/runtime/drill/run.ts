import { join } from 'node:path';
import { SERVICE_ALERTS, TARGET_DOWN_SHARE_KEY } from '../../../rules/alert-names';
import type { AlertRoute } from '../../stack/alert-routes';
import { sloWindows } from '../../service/slo-conventions';
import type { ServiceDefinition } from '../../service';
import type { StackConfig } from '../../stack/config';
import { scaleDuration } from '../../stack/time-scale';
import type { ChannelSinks } from '../channels';
import type { LocalStack } from '../local';
import { AlertScenario, type AlertPlan, type DrillContext } from './alert-scenario';
import { AlertmanagerClient, BackendClient, PrometheusClient, selector } from './clients';
import { scaleIntervals, seconds, stackIntervals, type DrillIntervals } from './config';
import { findAlert, resolvedReceivers, type RenderedAlert } from './expectations';
import { timeoutFill, type BurnCondition, type Clock, type Rates } from './floors';
import type { DrillReport, ScenarioResult } from './report';
import { poll, sleep } from './watch';

/** A notification may take at most this many window-aware floors. */
export const LATENCY_LIMIT = 1.5;

/** Rates assumed before they are measured, only to bound how long to wait: a third of requests failing. */
export const WAIT_RATES = { before: { part: 0, whole: 1 }, during: { part: 0.3, whole: 1 } };

/** What the drill's run is made of: the stack it started and what it was started from. */
export interface RunInput {
  /** The stack file's `promstack:stack` object and the catalogue, as given. */
  stackInput: unknown;
  catalogue: readonly ServiceDefinition[];
  environment: string;
  ruleFiles?: Readonly<Record<string, string>>;
  config: StackConfig;
  factor: number;
  /** The example backend's service, as the drill's stack scrapes it. */
  service: ServiceDefinition;
  /** The catalogue as the drill's stack runs it (the backend's target moved). */
  services: ServiceDefinition[];
  /** The drill's copy of the stack config (compressed clock, receivers pointed at the stand-ins). */
  input: Record<string, unknown>;
  stack: LocalStack;
  sinks: ChannelSinks;
  stackStartedAt: number;
  log: (line: string) => void;
  fatal: () => Error | undefined;
}

/** The healthy traffic of the example backend, measured before any fault. */
export interface Baseline {
  /** Every request counter series of the service with its rate, for the history. */
  counters: { labels: Record<string, string>; perSecond: number }[];
  /** /api requests per second: the ones the faults act on (backend/README.md). */
  apiPerSecond: number;
  /** CPU the backend uses while healthy, in cores. */
  cpuCores: number;
}

export const clockOf = (i: DrillIntervals): Clock => ({
  scrapeInterval: seconds(i.scrapeInterval),
  scrapeTimeout: seconds(i.scrapeTimeout),
  evaluationInterval: seconds(i.evaluationInterval),
  groupWait: seconds(i.groupWait),
  groupInterval: seconds(i.groupInterval),
});

/**
 * The state one drill shares between its stages: clients of the running stack, what the routing
 * tree and the rules expect, the scenario results in the making, and the waits still running.
 */
export class DrillRun {
  readonly prometheus: PrometheusClient;
  readonly alertmanager: AlertmanagerClient;
  readonly backend: BackendClient;
  readonly ctx: DrillContext;
  /** The running Alertmanager config file (rewritten for the maintenance window). */
  readonly amFile: string;
  /** Scrape job of the example backend's service. */
  readonly job: string;
  routes: AlertRoute[] = [];
  /** The rules as the drill's Prometheus runs them, and as the real stack does (for real-clock floors). */
  alerts: RenderedAlert[] = [];
  realAlerts: RenderedAlert[] = [];
  baseline: Baseline = { counters: [], apiPerSecond: 0, cpuCores: 0 };
  /** Extra failing /api requests per second the drill sends during the fast burn (prepare's sizeStorm). */
  storm = 0;
  history: DrillReport['history'] = { seconds: 0, realSeconds: 0, series: 0, reason: 'none written' };
  /** Since when (ms) the SLO windows hold clean traffic: the written history, or the stack's start. */
  historyStart: number;
  readonly results = new Map<string, () => ScenarioResult>();
  /** Waits for resolutions that run on while later stages go on. */
  readonly pending: Promise<unknown>[] = [];

  constructor(readonly r: RunInput) {
    const { stack, config, factor } = r;
    this.prometheus = new PrometheusClient(stack.urls.prometheus, stack.webAuth);
    this.alertmanager = new AlertmanagerClient(stack.urls.alertmanagers, stack.webAuth);
    this.backend = new BackendClient(stack.urls.exampleBackend!);
    this.amFile = join(stack.paths.config, 'alertmanager', 'alertmanager.yml');
    this.job = r.service.name;
    this.historyStart = r.stackStartedAt;
    this.ctx = {
      prometheus: this.prometheus,
      sinks: r.sinks,
      clock: clockOf(scaleIntervals(stackIntervals(config), factor)),
      realClock: clockOf(stackIntervals(config)),
      factor,
      limit: LATENCY_LIMIT,
      sendsResolved: resolvedReceivers(stack.synth.rendered.alertmanager),
      fatal: r.fatal,
      log: r.log,
    };
  }

  get clock(): Clock {
    return this.ctx.clock;
  }

  get log(): (line: string) => void {
    return this.r.log;
  }

  /** The label every alert of the backend's service carries. */
  get serviceLabels(): Record<string, string> {
    return { service: this.r.service.name };
  }

  /** The SLO of the backend's service the drill burns: its first one. */
  get slo() {
    return this.r.service.slos?.[0];
  }

  rule(alertname: string, match: Record<string, string> = {}): RenderedAlert | undefined {
    return findAlert(this.alerts, alertname, { ...match, ...this.serviceLabels });
  }

  realRule(alertname: string, match: Record<string, string> = {}): RenderedAlert | undefined {
    return findAlert(this.realAlerts, alertname, { ...match, ...this.serviceLabels });
  }

  /**
   * The windows of the burnt SLO's alert conditions (its own period's), in seconds on a clock divided
   * by `factor`.
   */
  burnConditions(kind: 'page' | 'ticket', factor: number): BurnCondition[] {
    return sloWindows(this.slo?.period)[kind].map((c) => ({
      factor: c.factor,
      windows: [c.short, c.long].map((w) => seconds(scaleDuration(w, factor))),
    }));
  }

  /** Seconds of clean traffic the SLO windows hold at `at` (ms). */
  historyAt(at: number): number {
    return Math.max(0, (at - this.historyStart) / 1000);
  }

  /** Polls until `check` holds or `seconds` pass; undefined then. Stops the drill when a process died. */
  until<T>(check: () => Promise<T | undefined>, seconds: number): Promise<T | undefined> {
    return poll(check, Date.now() + seconds * 1000, { fatal: this.r.fatal });
  }

  /** Records a scenario that could not run, with why. */
  failed(name: string, kind: ScenarioResult['kind'], summary: string, problem: string): void {
    this.results.set(name, () => ({ name, kind, ok: false, summary, problems: [problem] }));
  }

  /**
   * The plan of a generated alert of the backend's service, or undefined (and a failed scenario saying
   * why) when its rule or route is missing.
   */
  plan(
    name: string,
    key: string,
    identity: { alertname: string } & Record<string, string>,
    fault: Record<string, unknown>,
    fill: Pick<AlertPlan, 'fill' | 'fillBound'>,
  ): AlertPlan | undefined {
    const { alertname, ...match } = identity;
    const route = this.routes.find((r) => r.service === this.r.service.name && r.key === key);
    const rule = this.rule(alertname, match);
    const realRule = this.realRule(alertname, match);
    if (!route || !rule || !realRule) {
      this.failed(
        name,
        'alert',
        `${alertname} is not among the rules of ${this.job}`,
        `no alerting rule ${alertname} for service ${this.job} (disabled by an override?)`,
      );
      return undefined;
    }
    return { name, identity: { ...identity, ...this.serviceLabels }, route, rule, realRule, fault, ...fill };
  }

  /** An alert scenario whose result goes into the report under its name. */
  scenario(plan: AlertPlan | undefined): AlertScenario | undefined {
    if (!plan) return undefined;
    const scenario = new AlertScenario(this.ctx, plan);
    this.results.set(plan.name, () => scenario.result());
    return scenario;
  }

  /** Waits for the alerts to resolve and for their resolved notifications, while the drill goes on. */
  resolveInBackground(
    scenarios: (AlertScenario | undefined)[],
    clearedAt: number,
    bound: number,
  ): Promise<void>[] {
    const waits = scenarios.flatMap((s) => (s ? [s.awaitResolution(clearedAt, bound)] : []));
    this.pending.push(...waits);
    return waits;
  }

  /** PUT /control/faults; resolves with the time the fault holds from. */
  async setFaults(fault: Record<string, unknown>): Promise<number> {
    this.log(`fault: ${JSON.stringify(fault)}`);
    await this.backend.setFaults(fault);
    return Date.now();
  }

  async clearFaults(): Promise<number> {
    this.log('faults cleared');
    await this.backend.clearFaults();
    return Date.now();
  }

  /**
   * Errors and requests per second of the service under a fault that began at `faultAt` (ms), over at
   * most `window` seconds and never reaching back before the fault: a window that did would average
   * the fault with the healthy traffic. Read from the raw samples (counterRate: only differences
   * between samples taken after the fault, nothing extrapolated). Waits, when needed, until three
   * scrape intervals of the fault have passed, so that the window holds at least two samples.
   */
  async faultRates(faultAt: number, window: number): Promise<Rates> {
    const scrape = this.clock.scrapeInterval;
    const settled = faultAt + 3 * scrape * 1000;
    if (Date.now() < settled) await sleep(settled - Date.now());
    const at = Date.now();
    const span = Math.min(window, (at - faultAt) / 1000);
    const red = this.r.service.red!;
    const errors = `${red.requests}{job="${this.job}",${red.errors.label}=~"${red.errors.regex}"}`;
    const [part, whole] = await Promise.all([
      this.prometheus.counterRate(errors, at, span),
      this.prometheus.counterRate(`${red.requests}{job="${this.job}"}`, at, span),
    ]);
    if (whole === undefined) throw new Error(`no requests of ${this.job} in Prometheus`);
    return { part: part ?? 0, whole };
  }

  /** Errors and requests per second while the backend was healthy (the baseline). */
  get healthyRates(): Rates {
    const red = this.r.service.red;
    const errorValue = red ? new RegExp(`^(?:${red.errors.regex})$`) : undefined;
    const label = red?.errors.label ?? 'status';
    const sum = (counters: Baseline['counters']) => counters.reduce((n, c) => n + c.perSecond, 0);
    return {
      part: sum(this.baseline.counters.filter((c) => errorValue?.test(c.labels[label] ?? ''))),
      whole: sum(this.baseline.counters),
    };
  }

  /**
   * TargetDown's page of the backend's service: the fault hangs its one instance, all of them, past
   * any page share; the window is the scrape timeout. The instance's warning fires too, inhibited.
   */
  targetDownPlan(name: string): AlertPlan | undefined {
    return this.plan(
      name,
      TARGET_DOWN_SHARE_KEY,
      { alertname: SERVICE_ALERTS.targetDown, severity: 'critical' },
      { hang: true },
      {
        fillBound: this.clock.scrapeTimeout,
        fill: () =>
          Promise.resolve({ scaled: timeoutFill(this.clock), real: timeoutFill(this.ctx.realClock) }),
      },
    );
  }

  /**
   * When Prometheus stopped sending an alert as firing, given when the drill saw it gone: the
   * evaluation after its last firing sample. Alertmanager cannot know earlier; the drill's poll sees it
   * later, and what the alert held back (an inhibited notification) may be let through in between.
   */
  async firingEndedAt(identity: Record<string, string>, seenGoneAt: number): Promise<number> {
    const evaluation = this.clock.evaluationInterval;
    const last = await this.prometheus.lastSampleAt(
      `ALERTS{${selector({ ...identity, alertstate: 'firing' })}}`,
      seenGoneAt,
      Math.max(60, 10 * evaluation),
    );
    return last === undefined ? seenGoneAt : Math.min(seenGoneAt, last + evaluation * 1000);
  }

  /** Waits until none of the alerts fires or is pending in Prometheus, `seconds` at most. */
  async settle(what: string, identities: Record<string, string>[], seconds: number): Promise<void> {
    this.log(`waiting: ${what}`);
    const quiet = await this.until(async () => {
      for (const identity of identities) {
        if ((await this.prometheus.alerts(identity, 'firing')).length > 0) return undefined;
        if ((await this.prometheus.alerts(identity, 'pending')).length > 0) return undefined;
      }
      return true;
    }, seconds);
    if (!quiet) this.log(`still not quiet after ${seconds} s: going on`);
  }
}
