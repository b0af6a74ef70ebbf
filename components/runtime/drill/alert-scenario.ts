import type { AlertRoute } from '../../stack/alert-routes';
import type { ChannelSinks } from '../channels';
import type { PrometheusClient } from './clients';
import type { RenderedAlert } from './expectations';
import { plainFloor, round, windowAwareFloor, type Clock, type Fill } from './floors';
import { linkProblems } from './links';
import type { AlertOutcome, ScenarioResult } from './report';
import { labelMismatches, notificationsOf, poll, receiversOf } from './watch';

/** Everything an alert scenario needs from the running drill. */
export interface DrillContext {
  prometheus: PrometheusClient;
  sinks: ChannelSinks;
  clock: Clock;
  realClock: Clock;
  factor: number;
  limit: number;
  /** Receivers that tell about resolution. */
  sendsResolved: ReadonlySet<string>;
  /** Throws when a process of the stack died: there is no point waiting on. */
  fatal: () => Error | undefined;
  log: (line: string) => void;
}

/** The figures a fill is worked out from, measured in Prometheus once the alert has notified. */
export interface FillPair {
  scaled: Fill;
  real: Fill;
}

export interface AlertPlan {
  /** Scenario name in the report, e.g. "error ratio". */
  name: string;
  /** Labels that pick the alert out: alertname, service, and what tells a pair apart (sloth_severity). */
  identity: Record<string, string>;
  route: AlertRoute;
  rule: RenderedAlert;
  realRule: RenderedAlert;
  fault: Record<string, unknown>;
  /** A bound on the window's part before the shares are known, only for how long to wait. */
  fillBound: number;
  /** Works out the window's part from what Prometheus saw at `at` (ms), on both clocks. */
  fill: (at: number) => Promise<FillPair>;
}

/** The labels a notification must carry: the four the issue names, plus the pair's own. */
function expectedLabels(route: AlertRoute, identity: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['alertname', 'service', 'team', 'severity'])
    if (route.labels[name] !== undefined) out[name] = route.labels[name];
  return { ...out, ...identity };
}

/**
 * One alert from fault to resolution: waits for it to fire in Prometheus and to reach every receiver
 * the routing tree names, then (after the caller cleared the fault) for it to resolve and for the
 * resolved notifications; judges receivers, labels and latency against the floors.
 */
export class AlertScenario {
  faultAt = 0;
  firedAt?: number;
  notifiedAt?: number;
  clearedAt?: number;
  inactiveAt?: number;
  resolvedAt?: number;
  endAt?: number;
  fills?: FillPair;
  private readonly problems: string[] = [];
  private readonly expected: string[];
  private readonly expectedResolved: string[];

  constructor(
    private readonly ctx: DrillContext,
    readonly plan: AlertPlan,
  ) {
    this.expected = [...plan.route.receivers].sort();
    this.expectedResolved = this.expected.filter((r) => ctx.sendsResolved.has(r));
  }

  private floorOf(clock: Clock, rule: RenderedAlert, fill: Fill): { plain: number; windowAware: number } {
    return {
      plain: plainFloor(clock, rule.forSeconds),
      windowAware: windowAwareFloor(clock, { forSeconds: rule.forSeconds, recorded: rule.recorded, fill }),
    };
  }

  /** Waits for the alert to fire and to reach every expected receiver (or the time allowed to pass). */
  async awaitFiring(faultAt: number): Promise<void> {
    this.faultAt = faultAt;
    const { clock } = this.ctx;
    const bound = this.floorOf(clock, this.plan.rule, { seconds: this.plan.fillBound, how: '' }).windowAware;
    const deadline = faultAt + (2 * bound + 15) * 1000;
    const { identity } = this.plan;
    await poll(
      async () => {
        if (this.firedAt === undefined && (await this.ctx.prometheus.alerts(identity, 'firing')).length > 0)
          this.firedAt = Date.now();
        const notified = notificationsOf(this.ctx.sinks, identity, 'firing', faultAt);
        if (notified.length > 0) this.notifiedAt ??= notified[0].receivedAt.getTime();
        const reached = receiversOf(notified);
        return this.firedAt !== undefined && this.expected.every((r) => reached.includes(r))
          ? true
          : undefined;
      },
      deadline,
      { fatal: this.ctx.fatal },
    );
    if (this.firedAt === undefined)
      this.problems.push(`never fired in Prometheus within ${round((deadline - faultAt) / 1000)} s`);
    if (this.notifiedAt === undefined)
      this.problems.push(`no notification within ${round((deadline - faultAt) / 1000)} s`);
    const at = this.notifiedAt ?? this.firedAt;
    if (at !== undefined) {
      try {
        this.fills = await this.plan.fill(at);
      } catch (error) {
        this.problems.push(`could not measure the fault in Prometheus: ${String(error)}`);
      }
    }
    this.ctx.log(
      `${this.plan.name}: ${this.firedAt ? `fired after ${round((this.firedAt - faultAt) / 1000, 1)} s` : 'did not fire'}, ` +
        `${this.notifiedAt ? `notified after ${round((this.notifiedAt - faultAt) / 1000, 1)} s` : 'no notification'}`,
    );
  }

  /** After the fault is cleared: waits for the alert to leave ALERTS and for the resolved notifications. */
  async awaitResolution(clearedAt: number, resolutionBound: number): Promise<void> {
    this.clearedAt = clearedAt;
    const { clock } = this.ctx;
    const { identity } = this.plan;
    const inactiveDeadline = clearedAt + (2 * resolutionBound + 15) * 1000;
    this.inactiveAt = await poll(
      async () => {
        const [firing, pending] = await Promise.all([
          this.ctx.prometheus.alerts(identity, 'firing'),
          this.ctx.prometheus.alerts(identity, 'pending'),
        ]);
        return firing.length === 0 && pending.length === 0 ? Date.now() : undefined;
      },
      inactiveDeadline,
      { fatal: this.ctx.fatal },
    );
    if (this.inactiveAt === undefined) {
      this.problems.push(
        `still firing ${round((inactiveDeadline - clearedAt) / 1000)} s after the fault was cleared`,
      );
      this.endAt = Date.now();
      return;
    }
    const deadline =
      this.inactiveAt + (clock.groupInterval + clock.groupWait + 2 * clock.evaluationInterval + 10) * 1000;
    this.resolvedAt = await poll(
      async () => {
        const resolved = notificationsOf(this.ctx.sinks, identity, 'resolved', clearedAt);
        const reached = receiversOf(resolved);
        return this.expectedResolved.every((r) => reached.includes(r))
          ? Math.max(clearedAt, ...resolved.map((n) => n.receivedAt.getTime()))
          : undefined;
      },
      deadline,
      { fatal: this.ctx.fatal },
    );
    this.endAt = Date.now();
    this.ctx.log(
      `${this.plan.name}: resolved in Prometheus after ${round((this.inactiveAt - clearedAt) / 1000, 1)} s` +
        (this.resolvedAt
          ? `, resolved notifications after ${round((this.resolvedAt - clearedAt) / 1000, 1)} s`
          : ''),
    );
  }

  result(): ScenarioResult {
    const { ctx, plan } = this;
    const problems = [...this.problems];
    const end = this.endAt ?? Date.now();
    const firing = notificationsOf(ctx.sinks, plan.identity, 'firing', this.faultAt, end);
    const receivers = receiversOf(firing);
    const labels = expectedLabels(plan.route, plan.identity);
    if (receivers.join(',') !== this.expected.join(',')) {
      problems.push(
        `reached ${receivers.join(', ') || 'no receiver'}; the routing tree says ${this.expected.join(', ') || 'none'}`,
      );
    }
    for (const n of firing) {
      const wrong = labelMismatches(n, plan.identity, labels);
      if (wrong.length > 0)
        problems.push(`${n.channel} notification to ${n.receiver} has ${wrong.join(', ')}`);
      problems.push(...linkProblems(n, plan.identity, plan.rule.links));
    }
    const resolved = receiversOf(
      notificationsOf(ctx.sinks, plan.identity, 'resolved', this.clearedAt ?? end, Date.now()),
    );
    const missingResolved = this.expectedResolved.filter((r) => !resolved.includes(r));
    if (this.inactiveAt !== undefined && missingResolved.length > 0)
      problems.push(`no resolved notification at ${missingResolved.join(', ')} (they send_resolved)`);

    const fills = this.fills ?? {
      scaled: { seconds: plan.fillBound, how: 'not measured' },
      real: { seconds: plan.fillBound * ctx.factor, how: 'not measured' },
    };
    const scaled = this.floorOf(ctx.clock, plan.rule, fills.scaled);
    const real = this.floorOf(ctx.realClock, plan.realRule, fills.real);
    const latency = this.notifiedAt === undefined ? undefined : (this.notifiedAt - this.faultAt) / 1000;
    const ratios =
      latency === undefined
        ? undefined
        : { floor: round(latency / scaled.plain), windowAware: round(latency / scaled.windowAware) };
    if (ratios && !(ratios.windowAware <= ctx.limit))
      problems.push(
        `notified after ${round(latency!, 1)} s, ${ratios.windowAware}x the window-aware floor of ${round(scaled.windowAware, 1)} s (limit ${ctx.limit}x)`,
      );
    const alert: AlertOutcome = {
      alertname: plan.identity.alertname,
      labels,
      links: plan.rule.links,
      expectedReceivers: this.expected,
      receivers,
      expectedResolvedReceivers: this.expectedResolved,
      resolvedReceivers: resolved,
      ...(this.firedAt !== undefined ? { firingAfter: round((this.firedAt - this.faultAt) / 1000) } : {}),
      ...(latency !== undefined
        ? { latency: { scaled: round(latency), real: round(latency * ctx.factor) } }
        : {}),
      floor: { scaled: round(scaled.plain), real: round(real.plain) },
      windowAwareFloor: { scaled: round(scaled.windowAware), real: round(real.windowAware) },
      fill: { scaled: fills.scaled.how, real: fills.real.how },
      ...(ratios ? { ratios } : {}),
      ...(this.resolvedAt !== undefined && this.clearedAt !== undefined
        ? { resolvedAfter: round((this.resolvedAt - this.clearedAt) / 1000) }
        : {}),
    };
    const summary =
      latency === undefined
        ? `${plan.identity.alertname} did not notify`
        : `${plan.identity.alertname} fired after ${alert.firingAfter ?? '-'} s, notified ${receivers.join(', ')} after ${round(latency, 1)} s ` +
          `(${ratios!.floor}x the floor, ${ratios!.windowAware}x the window-aware floor); ` +
          (this.resolvedAt !== undefined
            ? `resolved notifications ${alert.resolvedAfter} s after the fault was cleared`
            : 'no resolved notification');
    return {
      name: plan.name,
      kind: 'alert',
      ok: problems.length === 0,
      fault: plan.fault,
      alert,
      summary,
      problems,
    };
  }
}
