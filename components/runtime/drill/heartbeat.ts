import { WATCHDOG_ALERT } from '../../../rules/stack-health';
import { watchdogTimings } from '../../stack/alertmanager';
import { scaleDuration } from '../../stack/time-scale';
import { drillWatchdogReceiver, seconds } from './config';
import { round } from './floors';
import type { ScenarioResult } from './report';
import type { DrillRun } from './run';
import { notificationsOf, receiversOf } from './watch';

/** How the Watchdog's arrivals at its receiver were spaced, against the period its route is set to. */
export interface HeartbeatCheck {
  arrivals: number;
  /** Seconds between consecutive arrivals. */
  gaps: number[];
  /** The period (watchdogInterval), drill clock. */
  period: number;
  /**
   * How far a gap may be from the period: half the route's group_interval. Alertmanager sends on its
   * ticks; a send late by less than half a tick still leaves the next one on time (watchdogTimings), and
   * a config reload restarts the ticks, which moves one send by at most that.
   */
  tolerance: number;
  problems: string[];
}

/**
 * Checks the arrival times (seconds) of the Watchdog at its receiver: at least two, each gap within the
 * period ± the tolerance. A missed tick shows as a gap of one and a half periods, a route whose repeat
 * equals its group_interval as two periods.
 */
export function checkHeartbeat(
  times: readonly number[],
  period: number,
  groupInterval: number,
): HeartbeatCheck {
  const tolerance = groupInterval / 2;
  const gaps = times.slice(1).map((t, i) => round(t - times[i], 2));
  const problems: string[] = [];
  if (times.length < 2)
    problems.push(
      `the Watchdog arrived ${times.length} time(s): a heartbeat needs at least two to show its period`,
    );
  gaps.forEach((gap, i) => {
    if (Math.abs(gap - period) > tolerance)
      problems.push(
        `arrival ${i + 2} came ${gap} s after the one before, not ${period} s ± ${tolerance} s ` +
          `(${round(times[i + 1] - times[0], 1)} s after the first)`,
      );
  });
  return { arrivals: times.length, gaps, period, tolerance, problems };
}

/**
 * The dead man's switch: the Watchdog reached its heartbeat receiver, and no other, on its period all
 * through the drill. Reads the notifications the stand-ins kept since the stack started.
 */
export function heartbeatStage(run: DrillRun): void {
  const name = 'watchdog heartbeat';
  const { config, factor, sinks, stackStartedAt } = run.r;
  const receiver = drillWatchdogReceiver(config);
  const realInterval = config.alertmanager.watchdogInterval;
  const interval = scaleDuration(realInterval, factor);
  const { group_interval } = watchdogTimings(interval);
  const identity = { alertname: WATCHDOG_ALERT };
  const notifications = notificationsOf(sinks, identity, 'firing', stackStartedAt);
  const times = notifications
    .filter((n) => n.receiver === receiver)
    .map((n) => n.receivedAt.getTime() / 1000);
  const check = checkHeartbeat(times, seconds(interval), seconds(group_interval));
  const elsewhere = receiversOf(notifications).filter((r) => r !== receiver);
  const problems = [
    ...check.problems,
    ...elsewhere.map((r) => `the Watchdog reached ${r}, which is not its receiver`),
  ];
  const spread =
    check.gaps.length > 0 ? `gaps ${Math.min(...check.gaps)} to ${Math.max(...check.gaps)} s` : 'no gap';
  run.results.set(name, (): ScenarioResult => ({
    name,
    kind: 'heartbeat',
    ok: problems.length === 0,
    summary:
      `the Watchdog reached ${receiver} ${check.arrivals} times, every ${interval} (real clock ${realInterval}): ` +
      `${spread}, each to be within ${check.period} s ± ${check.tolerance} s (half its group_interval ${group_interval})`,
    details: {
      receiver,
      interval: { scaled: interval, real: realInterval },
      groupInterval: group_interval,
      arrivals: check.arrivals,
      gaps: check.gaps,
      tolerance: check.tolerance,
    },
    problems,
  }));
}
