import { burnSeconds, round } from './floors';
import { WAIT_RATES, type DrillRun } from './run';
import { notificationsOf, receiversOf, sleep } from './watch';

/** Judges an inhibited alert (the ticket) once its inhibitor (the page) has resolved, or never did. */
export interface TicketWatch {
  /** `pageEndedAt`: when Prometheus resolved the inhibitor (run.firingEndedAt), undefined if it never did. */
  finish: (pageEndedAt: number | undefined) => void;
}

/** An alert another one must hold back in Alertmanager while it fires. */
export interface InhibitedAlert {
  /** Scenario name in the report. */
  name: string;
  /** The held-back alert in words, e.g. "the ticket (severity warning)". */
  what: string;
  identity: Record<string, string>;
  /** The alert that inhibits it, named and by its labels: its fingerprint must be the inhibitor. */
  by: { name: string; severity: string; identity: Record<string, string> };
  /** Seconds from now it may take to fire in Prometheus at most: only for how long to wait. */
  fireBound: number;
}

/**
 * The burn's ticket must fire in Prometheus, be inhibited by the page in Alertmanager, and reach no
 * receiver while the page fires.
 */
export function watchTicket(
  run: DrillRun,
  alertname: string,
  faultAt: number,
  budget: number,
  fault: Record<string, unknown>,
): Promise<TicketWatch> {
  const bound = burnSeconds(
    run.burnConditions('ticket', run.r.factor),
    budget,
    WAIT_RATES,
    run.historyAt(faultAt),
  );
  const { clock } = run;
  return watchInhibited(
    run,
    {
      name: 'inhibition',
      what: 'the ticket (severity warning)',
      identity: { alertname, sloth_severity: 'ticket', ...run.serviceLabels },
      by: {
        name: 'the page',
        severity: 'critical',
        identity: { alertname, sloth_severity: 'page', ...run.serviceLabels },
      },
      fireBound:
        (faultAt - Date.now()) / 1000 +
        2 * (bound + clock.scrapeInterval + 2 * clock.evaluationInterval) +
        15,
    },
    faultAt,
    fault,
  );
}

/**
 * `alert` must fire in Prometheus, be inhibited by `alert.by` in Alertmanager, and reach no receiver
 * while `alert.by` fires. The result goes into the report under `alert.name`, once `finish` is called.
 */
export async function watchInhibited(
  run: DrillRun,
  alert: InhibitedAlert,
  faultAt: number,
  fault: Record<string, unknown>,
): Promise<TicketWatch> {
  const { identity, what, by } = alert;
  const { clock } = run;
  const problems: string[] = [];
  let inhibitedBy: string[] = [];
  const firedAt = await run.until(
    async () => ((await run.prometheus.alerts(identity, 'firing')).length > 0 ? Date.now() : undefined),
    alert.fireBound,
  );
  if (firedAt === undefined) problems.push(`${what} never fired in Prometheus during the burn`);
  else {
    const inhibited = await run.until(
      async () => {
        const [ticket] = await run.alertmanager.alerts(identity);
        const [pageAlert] = await run.alertmanager.alerts(by.identity);
        return ticket && ticket.status.state === 'suppressed' && ticket.status.inhibitedBy.length > 0
          ? { by: ticket.status.inhibitedBy, page: pageAlert?.fingerprint }
          : undefined;
      },
      clock.groupWait + 2 * clock.evaluationInterval + 10,
    );
    if (!inhibited) problems.push(`Alertmanager did not mark ${what} as inhibited`);
    else {
      inhibitedBy = inhibited.by;
      if (inhibited.page === undefined || !inhibited.by.includes(inhibited.page))
        problems.push(
          `${what} is inhibited by ${inhibited.by.join(', ')}, not by the fingerprint of ${by.name}`,
        );
      // Its group flushes group_wait after it arrived: let that flush happen, inhibited.
      await sleep((clock.groupWait + clock.evaluationInterval + 1) * 1000);
    }
  }
  run.log(
    `${alert.name}: ${what} ${firedAt ? `fired after ${round((firedAt - faultAt) / 1000, 1)} s` : 'did not fire'}` +
      (inhibitedBy.length > 0 ? ', inhibited in Alertmanager' : ''),
  );
  return {
    finish: (pageEndedAt) => {
      const until = pageEndedAt ?? Date.now();
      const reached = receiversOf(notificationsOf(run.r.sinks, identity, 'firing', faultAt, until));
      if (reached.length > 0)
        problems.push(
          `${what} reached ${reached.join(', ')} while ${by.name} fired: the inhibition did not hold`,
        );
      if (pageEndedAt === undefined)
        problems.push(`${by.name} never resolved, so the inhibition was not seen to end`);
      run.results.set(alert.name, () => {
        // Once the inhibitor is gone, an alert still firing goes where its route says (the ticket burns
        // on over its long windows).
        const after = receiversOf(notificationsOf(run.r.sinks, identity, 'firing', until));
        return {
          name: alert.name,
          kind: 'inhibition',
          ok: problems.length === 0,
          fault,
          summary:
            firedAt === undefined
              ? `${what} did not fire`
              : `${what} fired ${round((firedAt - faultAt) / 1000, 1)} s into the burn, ` +
                `Alertmanager inhibited it by ${by.name} (${by.severity}), and it reached ${reached.join(', ') || 'no receiver'} ` +
                `while ${by.name} fired` +
                (after.length > 0
                  ? `; once ${by.name} resolved it reached ${after.join(', ')}, as routed`
                  : ''),
          details: {
            firingAfter: firedAt === undefined ? undefined : round((firedAt - faultAt) / 1000),
            inhibitedBy,
            reachedWhilePageFired: reached,
            reachedAfterPageResolved: after,
          },
          problems,
        };
      });
    },
  };
}
