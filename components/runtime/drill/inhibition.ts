import { burnSeconds, round } from './floors';
import { WAIT_RATES, type DrillRun } from './run';
import { notificationsOf, receiversOf, sleep } from './watch';

/** Judges the ticket once the page has resolved (or never did). */
export interface TicketWatch {
  /** `pageEndedAt`: when Prometheus resolved the page (run.firingEndedAt), undefined if it never did. */
  finish: (pageEndedAt: number | undefined) => void;
}

/**
 * The burn's ticket must fire in Prometheus, be inhibited by the page in Alertmanager, and reach no
 * receiver while the page fires.
 */
export async function watchTicket(
  run: DrillRun,
  alertname: string,
  faultAt: number,
  budget: number,
  fault: Record<string, unknown>,
): Promise<TicketWatch> {
  const identity = { alertname, sloth_severity: 'ticket', ...run.serviceLabels };
  const pageIdentity = { alertname, sloth_severity: 'page', ...run.serviceLabels };
  const { clock } = run;
  const bound = burnSeconds(
    run.burnConditions('ticket', run.r.factor),
    budget,
    WAIT_RATES,
    run.historyAt(faultAt),
  );
  const problems: string[] = [];
  let inhibitedBy: string[] = [];
  const firedAt = await run.until(
    async () => ((await run.prometheus.alerts(identity, 'firing')).length > 0 ? Date.now() : undefined),
    (faultAt - Date.now()) / 1000 + 2 * (bound + clock.scrapeInterval + 2 * clock.evaluationInterval) + 15,
  );
  if (firedAt === undefined) problems.push('the ticket never fired in Prometheus during the burn');
  else {
    const inhibited = await run.until(
      async () => {
        const [ticket] = await run.alertmanager.alerts(identity);
        const [pageAlert] = await run.alertmanager.alerts(pageIdentity);
        return ticket && ticket.status.state === 'suppressed' && ticket.status.inhibitedBy.length > 0
          ? { by: ticket.status.inhibitedBy, page: pageAlert?.fingerprint }
          : undefined;
      },
      clock.groupWait + 2 * clock.evaluationInterval + 10,
    );
    if (!inhibited) problems.push('Alertmanager did not mark the ticket as inhibited');
    else {
      inhibitedBy = inhibited.by;
      if (inhibited.page === undefined || !inhibited.by.includes(inhibited.page))
        problems.push(`the ticket is inhibited by ${inhibited.by.join(', ')}, not by the page's fingerprint`);
      // The ticket's group flushes group_wait after it arrived: let that flush happen, inhibited.
      await sleep((clock.groupWait + clock.evaluationInterval + 1) * 1000);
    }
  }
  run.log(
    `SLO ticket: ${firedAt ? `fired after ${round((firedAt - faultAt) / 1000, 1)} s` : 'did not fire'}` +
      (inhibitedBy.length > 0 ? ', inhibited in Alertmanager' : ''),
  );
  return {
    finish: (pageEndedAt) => {
      const until = pageEndedAt ?? Date.now();
      const reached = receiversOf(notificationsOf(run.r.sinks, identity, 'firing', faultAt, until));
      if (reached.length > 0)
        problems.push(
          `the ticket reached ${reached.join(', ')} while the page fired: the inhibition did not hold`,
        );
      if (pageEndedAt === undefined)
        problems.push('the page never resolved, so the inhibition was not seen to end');
      run.results.set('inhibition', () => {
        // After the page, the ticket still burns over its long windows and goes where its route says.
        const after = receiversOf(notificationsOf(run.r.sinks, identity, 'firing', until));
        return {
          name: 'inhibition',
          kind: 'inhibition',
          ok: problems.length === 0,
          fault,
          summary:
            firedAt === undefined
              ? 'the ticket did not fire'
              : `the ticket (severity warning) fired ${round((firedAt - faultAt) / 1000, 1)} s into the burn, ` +
                `Alertmanager inhibited it by the page (critical), and it reached ${reached.join(', ') || 'no receiver'} ` +
                `while the page fired` +
                (after.length > 0
                  ? `; once the page resolved it reached ${after.join(', ')}, as routed`
                  : ''),
          details: {
            ticketFiringAfter: firedAt === undefined ? undefined : round((firedAt - faultAt) / 1000),
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
