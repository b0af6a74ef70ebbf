import type { ReceiverInput, TimeIntervalInput } from '../../model/alertmanager';
import { parseDuration } from '../../model/duration';
import { EXAMPLE_BACKEND } from '../../platforms/dev-extras';
import type { ServiceDefinition } from '../../service';
import type { StackConfig } from '../../stack/config';
import { scaleDuration } from '../../stack/time-scale';
import type { SinkAddresses } from '../channels';

/** The timings that decide how fast an alert can notify, as the stack config names them. */
export interface DrillIntervals {
  scrapeInterval: string;
  scrapeTimeout: string;
  evaluationInterval: string;
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

export function stackIntervals(config: StackConfig): DrillIntervals {
  const { prometheus: p, alertmanager: am } = config;
  return {
    scrapeInterval: p.scrapeInterval,
    scrapeTimeout: p.scrapeTimeout,
    evaluationInterval: p.evaluationInterval,
    groupWait: am.groupWait,
    groupInterval: am.groupInterval,
    repeatInterval: am.repeatInterval,
  };
}

/**
 * Every interval divided by `factor`, never below one second (scaleDuration), and the scrape timeout
 * never above the scrape interval, which Prometheus refuses.
 */
export function scaleIntervals(intervals: DrillIntervals, factor: number): DrillIntervals {
  const scaled = Object.fromEntries(
    Object.entries(intervals).map(([key, value]) => [key, scaleDuration(value, factor)]),
  ) as unknown as DrillIntervals;
  if (seconds(scaled.scrapeTimeout) > seconds(scaled.scrapeInterval))
    scaled.scrapeTimeout = scaled.scrapeInterval;
  return scaled;
}

/** Seconds in a Prometheus duration; throws on text that is not one (the config validated them). */
export function seconds(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new RangeError(`not a duration: ${text}`);
  return ms / 1000;
}

/** The factor that brings the stack's scrape interval down to one second (dev's 15s: 15), at least 1. */
export function defaultTimeScale(config: StackConfig): number {
  return Math.max(1, seconds(config.prometheus.scrapeInterval));
}

/** A time scale given on the command line or by a caller: a finite number of at least 1. */
export function timeScaleProblem(factor: number): string | undefined {
  return Number.isFinite(factor) && factor >= 1
    ? undefined
    : `the time scale must be a number of at least 1 (1: the real clock), got ${factor}`;
}

/** `promstack:stack` as the stack file has it: only the fields the drill replaces are typed. */
type StackInput = Record<string, unknown> & {
  prometheus?: Record<string, unknown>;
  alertmanager?: Record<string, unknown>;
  teams?: Record<string, Record<string, unknown>>;
  timeIntervals?: unknown[];
};

/**
 * The drill's copy of a stack's config: the same routing, rules and texts on a compressed clock
 * (scaled scrape, evaluation and grouping intervals) with `receivers` replaced by copies that deliver
 * to the channel stand-ins. The stack's own config is left as it is.
 */
export function drillStackInput(
  input: unknown,
  config: StackConfig,
  options: { factor: number; receivers: ReceiverInput[] },
): StackInput {
  const raw = input as StackInput;
  const scaled = scaleIntervals(stackIntervals(config), options.factor);
  return {
    ...raw,
    prometheus: {
      ...raw.prometheus,
      scrapeInterval: scaled.scrapeInterval,
      scrapeTimeout: scaled.scrapeTimeout,
      evaluationInterval: scaled.evaluationInterval,
    },
    alertmanager: {
      ...raw.alertmanager,
      groupWait: scaled.groupWait,
      groupInterval: scaled.groupInterval,
      repeatInterval: scaled.repeatInterval,
      watchdogInterval: scaleDuration(config.alertmanager.watchdogInterval, options.factor),
    },
    receivers: options.receivers,
    watchdogReceiver: drillWatchdogReceiver(config),
  };
}

/** The receiver the drill gives the Watchdog when the stack names none (dev has no heartbeat service). */
export const HEARTBEAT_RECEIVER = 'promstack-drill-heartbeat';

/** Where the drill's Watchdog goes: the stack's heartbeat receiver (pointed at a stand-in), or the drill's. */
export function drillWatchdogReceiver(config: StackConfig): string {
  return config.watchdogReceiver ?? HEARTBEAT_RECEIVER;
}

/** The drill's heartbeat receiver, a webhook to the stand-ins; none when the stack has its own. */
export function heartbeatReceivers(config: StackConfig, sinks: SinkAddresses): ReceiverInput[] {
  if (config.watchdogReceiver !== undefined) return [];
  return [{ name: HEARTBEAT_RECEIVER, webhook_configs: [{ url: sinks.webhookUrl(HEARTBEAT_RECEIVER) }] }];
}

/** Name of the maintenance window the drill puts on a team's route. */
export const MAINTENANCE_INTERVAL = 'promstack-drill-maintenance';

/**
 * A time interval that holds today and tomorrow (UTC), so it covers the drill's few minutes even across
 * midnight, and no longer than that.
 */
export function maintenanceInterval(now: Date): TimeIntervalInput {
  const day = (date: Date) => ({
    years: [String(date.getUTCFullYear())],
    months: [String(date.getUTCMonth() + 1)],
    days_of_month: [String(date.getUTCDate())],
  });
  return {
    name: MAINTENANCE_INTERVAL,
    time_intervals: [day(now), day(new Date(now.getTime() + 86_400_000))],
  };
}

/** A copy of a (drill) stack input whose `team` route is muted by a maintenance window covering `now`. */
export function withMaintenance(input: StackInput, team: string, now: Date): StackInput {
  const teams = input.teams ?? {};
  if (!teams[team]) throw new Error(`team ${team} has no route in the stack's teams`);
  const muted = (teams[team].muteTimeIntervals as string[] | undefined) ?? [];
  return {
    ...input,
    timeIntervals: [...(input.timeIntervals ?? []), maintenanceInterval(now)],
    teams: { ...teams, [team]: { ...teams[team], muteTimeIntervals: [...muted, MAINTENANCE_INTERVAL] } },
  };
}

/** The local scrape target the example backend answers at with the stack's own ports. */
export const EXAMPLE_BACKEND_TARGET = `127.0.0.1:${EXAMPLE_BACKEND.hostPort}`;

/** The catalogue's service that the example backend plays (scraped at 127.0.0.1:18080 locally). */
export function exampleBackendService(services: readonly ServiceDefinition[]): ServiceDefinition | undefined {
  return services.find((s) => s.scrape.targets.local?.includes(EXAMPLE_BACKEND_TARGET));
}

/**
 * The services for the drill's stack: the example backend's target moved to the port the drill runs it
 * on, and any service's own scrape interval and timeout on the drill's clock.
 */
export function drillServices(
  services: readonly ServiceDefinition[],
  options: { backendTarget: string; factor: number },
): ServiceDefinition[] {
  return services.map((service) => {
    const { scrape } = service;
    const local = scrape.targets.local?.map((t) =>
      t === EXAMPLE_BACKEND_TARGET ? options.backendTarget : t,
    );
    const interval = scrape.interval && scaleDuration(scrape.interval, options.factor);
    let timeout = scrape.timeout && scaleDuration(scrape.timeout, options.factor);
    if (timeout && interval && seconds(timeout) > seconds(interval)) timeout = interval;
    return {
      ...service,
      scrape: {
        ...scrape,
        ...(interval ? { interval } : {}),
        ...(timeout ? { timeout } : {}),
        targets: { ...scrape.targets, ...(local ? { local } : {}) },
      },
    };
  });
}
