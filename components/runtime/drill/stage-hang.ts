import { writeFileSync } from 'node:fs';
import { OUTPUT_PATHS } from '../../stack/paths';
import { synthStack } from '../../stack/synth';
import { localLayout } from '../local';
import { AlertScenario } from './alert-scenario';
import { selector } from './clients';
import { MAINTENANCE_INTERVAL, withMaintenance } from './config';
import { round } from './floors';
import { LATENCY_LIMIT, type DrillRun } from './run';
import { notificationsOf, receiversOf, sleep } from './watch';

/*
 * The stages that hang the backend (its scrapes time out, TargetDown fires). A hang stops every scrape of
 * the backend, so none of them may overlap a stage whose alerts need the backend's samples.
 */

/** Seconds TargetDown needs at most to fire, twice over, plus slack: only for how long to wait. */
function fireBound(run: DrillRun, forSeconds: number): number {
  const c = run.clock;
  return 2 * (c.scrapeInterval + c.scrapeTimeout + c.evaluationInterval + forSeconds) + 15;
}

async function targetDownFiring(run: DrillRun, identity: Record<string, string>, forSeconds: number) {
  return run.until(
    async () => ((await run.prometheus.alerts(identity, 'firing')).length > 0 ? Date.now() : undefined),
    fireBound(run, forSeconds),
  );
}

/** The backend hangs: TargetDown fires, reaches exactly its receivers, and resolves. */
export async function targetDownStage(run: DrillRun): Promise<void> {
  const scenario = run.scenario(run.targetDownPlan('target down'));
  if (!scenario) return;
  const faultAt = await run.setFaults(scenario.plan.fault);
  await scenario.awaitFiring(faultAt);
  const clearedAt = await run.clearFaults();
  run.resolveInBackground([scenario], clearedAt, run.clock.scrapeInterval + run.clock.scrapeTimeout);
}

/**
 * A silence made through Alertmanager's API keeps TargetDown's notification away; expiring it lets
 * the next notification through, at the group's next flush (within group_interval).
 */
export async function silenceStage(run: DrillRun): Promise<void> {
  const name = 'silence';
  const plan = run.targetDownPlan(name);
  if (!plan) return;
  const { clock, alertmanager, r } = run;
  const problems: string[] = [];
  const identity = plan.identity;
  const id = await alertmanager.silence(
    identity,
    60,
    'promstack drill: a silence keeps the notification away',
  );
  run.log(`silence ${id} on ${selector(identity)}`);
  const active = await run.until(
    async () => ((await alertmanager.silenceStates(id)).every((s) => s === 'active') ? true : undefined),
    10,
  );
  if (!active) problems.push(`silence ${id} did not become active on every Alertmanager`);
  const faultAt = await run.setFaults({ hang: true });
  const firedAt = await targetDownFiring(run, identity, plan.rule.forSeconds);
  let silenced = false;
  if (firedAt === undefined) problems.push('TargetDown never fired in Prometheus');
  else {
    silenced =
      (await run.until(
        async () =>
          (await alertmanager.alerts(identity)).some(
            (a) => a.status.state === 'suppressed' && a.status.silencedBy.includes(id),
          )
            ? true
            : undefined,
        clock.groupWait + 2 * clock.evaluationInterval + 10,
      )) === true;
    if (!silenced) problems.push(`Alertmanager did not mark TargetDown as silenced by ${id}`);
    // Past a flush of the alert's group: group_wait for a new group, the next tick (group_interval) for
    // one an earlier TargetDown left behind. Without the silence a notification would have gone out.
    await sleep((clock.groupInterval + clock.groupWait + clock.evaluationInterval + 1) * 1000);
  }
  const whileSilenced = receiversOf(notificationsOf(r.sinks, identity, 'firing', faultAt));
  if (whileSilenced.length > 0) problems.push(`the silenced alert reached ${whileSilenced.join(', ')}`);
  await alertmanager.expireSilence(id);
  const expiredAt = Date.now();
  run.log('silence expired');
  const expected = [...plan.route.receivers].sort();
  const notifiedAt = await run.until(
    async () => {
      const sent = notificationsOf(r.sinks, identity, 'firing', expiredAt);
      return expected.every((x) => receiversOf(sent).includes(x)) ? sent[0].receivedAt.getTime() : undefined;
    },
    clock.groupInterval + clock.groupWait + 2 * clock.evaluationInterval + 10,
  );
  const after = receiversOf(notificationsOf(r.sinks, identity, 'firing', expiredAt));
  const bound = clock.groupInterval + clock.groupWait;
  if (notifiedAt === undefined) problems.push('no notification after the silence expired');
  else if (after.join(',') !== expected.join(','))
    problems.push(
      `after the silence expired it reached ${after.join(', ')}; the routing tree says ${expected.join(', ')}`,
    );
  const latency = notifiedAt === undefined ? undefined : (notifiedAt - expiredAt) / 1000;
  if (latency !== undefined && latency > LATENCY_LIMIT * bound)
    problems.push(
      `the notification came ${round(latency, 1)} s after the silence expired, more than ${LATENCY_LIMIT}x ` +
        `group_interval + group_wait (${bound} s)`,
    );
  const clearedAt = await run.clearFaults();
  const resolution = new AlertScenario(run.ctx, plan);
  resolution.faultAt = faultAt;
  run.pending.push(resolution.awaitResolution(clearedAt, clock.scrapeInterval + clock.scrapeTimeout));
  run.results.set(name, () => {
    const resolved = receiversOf(notificationsOf(r.sinks, identity, 'resolved', clearedAt));
    const missing = expected.filter((x) => run.ctx.sendsResolved.has(x) && !resolved.includes(x));
    const all =
      missing.length > 0 ? [...problems, `no resolved notification at ${missing.join(', ')}`] : problems;
    return {
      name,
      kind: 'silence',
      ok: all.length === 0,
      fault: { hang: true },
      summary:
        `TargetDown fired under a silence made through the API and reached ${whileSilenced.join(', ') || 'no receiver'}; ` +
        (latency === undefined
          ? 'nothing arrived after it expired'
          : `${round(latency, 1)} s after the silence expired it reached ${after.join(', ')} ` +
            `(the group's next flush: at most group_interval ${clock.groupInterval} s + group_wait)`),
      details: {
        silenceId: id,
        firingAfter: firedAt === undefined ? undefined : round((firedAt - faultAt) / 1000),
        silencedInAlertmanager: silenced,
        reachedWhileSilenced: whileSilenced,
        notifiedAfterExpiry: latency === undefined ? undefined : round(latency),
        receiversAfterExpiry: after,
        resolvedReceivers: resolved,
      },
      problems: all,
    };
  });
}

/**
 * A maintenance window on the owner team's route: the drill's config gets a time interval covering now
 * in `teams.<team>.muteTimeIntervals`, rendered by synth and reloaded (POST /-/reload); TargetDown fires
 * and reaches no one. The config is then restored and reloaded.
 */
export async function maintenanceStage(run: DrillRun): Promise<void> {
  const name = 'maintenance window';
  const plan = run.targetDownPlan(name);
  if (!plan) return;
  const { stack, environment, factor, ruleFiles } = run.r;
  const { clock, alertmanager } = run;
  const problems: string[] = [];
  const identity = plan.identity;
  const team = run.r.service.team;
  const original = stack.synth.files[OUTPUT_PATHS.alertmanagerConfig];
  const muted = synthStack(withMaintenance(run.r.input, team, new Date()), run.r.services, {
    environment,
    platform: 'local',
    layout: localLayout(stack.paths),
    timeScale: factor,
    ...(ruleFiles ? { ruleFiles } : {}),
  }).files[OUTPUT_PATHS.alertmanagerConfig];
  writeFileSync(run.amFile, muted);
  await alertmanager.reload();
  const loaded = (await alertmanager.configs()).every((c) => c.includes(MAINTENANCE_INTERVAL));
  if (!loaded) problems.push('Alertmanager did not load the config with the maintenance window');
  run.log(`maintenance window ${MAINTENANCE_INTERVAL} on team ${team}'s routes`);
  const faultAt = await run.setFaults({ hang: true });
  const firedAt = await targetDownFiring(run, identity, plan.rule.forSeconds);
  let mutedSeen = false;
  if (firedAt === undefined) problems.push('TargetDown never fired in Prometheus');
  else {
    // mutedBy is set when the alert's group flushes on a muted route, and shown on the groups.
    mutedSeen =
      (await run.until(
        async () =>
          (await alertmanager.groupedAlerts(identity)).some((a) =>
            a.status.mutedBy?.includes(MAINTENANCE_INTERVAL),
          )
            ? true
            : undefined,
        clock.groupInterval + clock.groupWait + 2 * clock.evaluationInterval + 5,
      )) === true;
    if (!mutedSeen) problems.push(`Alertmanager never listed TargetDown as muted by ${MAINTENANCE_INTERVAL}`);
  }
  const clearedAt = await run.clearFaults();
  // Restored only once Alertmanager has the alert resolved: a firing one would notify on the next flush.
  await run.until(
    async () =>
      (await run.prometheus.alerts(identity, 'firing')).length === 0 &&
      (await alertmanager.alerts(identity)).length === 0
        ? true
        : undefined,
    60,
  );
  writeFileSync(run.amFile, original);
  await alertmanager.reload();
  const restored = (await alertmanager.configs()).every((c) => !c.includes(MAINTENANCE_INTERVAL));
  if (!restored) problems.push('Alertmanager did not take the restored config back');
  // Anything the window let through, or the restore set free, would have arrived by now.
  await sleep((clock.groupWait + clock.evaluationInterval + 1) * 1000);
  const reached = receiversOf(notificationsOf(run.r.sinks, identity, 'firing', faultAt));
  if (reached.length > 0)
    problems.push(`TargetDown reached ${reached.join(', ')} during the maintenance window`);
  run.log(
    `maintenance window removed ${round((Date.now() - clearedAt) / 1000, 1)} s after the fault was cleared`,
  );
  run.results.set(name, () => ({
    name,
    kind: 'maintenance',
    ok: problems.length === 0,
    fault: { hang: true },
    summary:
      `with ${MAINTENANCE_INTERVAL} on team ${team}'s routes TargetDown fired` +
      (firedAt ? ` after ${round((firedAt - faultAt) / 1000, 1)} s` : ' (not seen)') +
      `, ${mutedSeen ? 'Alertmanager listed it muted by the window' : 'was not seen muted'}, and it reached ` +
      `${reached.join(', ') || 'no receiver'}; the config was restored${restored ? ' and reloaded' : ' but not reloaded'}`,
    details: {
      interval: MAINTENANCE_INTERVAL,
      team,
      firingAfter: firedAt === undefined ? undefined : round((firedAt - faultAt) / 1000),
      mutedInAlertmanager: mutedSeen,
      reached,
      restored,
    },
    problems,
  }));
}

/** No alert of the monitoring stack itself fired during the drill (a Grafana not run is not scraped). */
export async function stackHealth(run: DrillRun): Promise<void> {
  const { config, stackStartedAt, stack } = run.r;
  const span = Math.ceil((Date.now() - stackStartedAt) / 1000) + 1;
  const fired = await run.prometheus.query(
    `max_over_time(ALERTS{${selector({ alertstate: 'firing', team: config.platformTeam })},alertname!="Watchdog"}[${span}s])`,
  );
  const names = [...new Set(fired.map((s) => s.metric.alertname))].sort();
  const jobs = stack.synth.summary.jobs;
  run.results.set('stack health', () => ({
    name: 'stack health',
    kind: 'stack-health',
    ok: names.length === 0,
    summary:
      names.length === 0
        ? `no alert of team ${config.platformTeam} fired during the drill (jobs scraped: ${jobs.join(', ')})`
        : `${names.join(', ')} fired during the drill`,
    details: { fired: names, jobs },
    problems: names.map((n) => `${n} (team ${config.platformTeam}) fired during the drill`),
  }));
}
