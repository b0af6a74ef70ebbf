import type { AlertmanagerConfigInput } from '../model/alertmanager';
import { formatDuration, parseDuration } from '../model/duration';
import { SERVICE_ALERTS } from '../../rules/alert-names';
import { WATCHDOG_ALERT } from '../../rules/stack-health';
import { SLO_LABELS } from '../service/slo-conventions';
import type { StackConfig } from './config';
import type { StackLayout } from './layout';

type Route = NonNullable<AlertmanagerConfigInput['route']['routes']>[number];

const SEVERITIES = ['critical', 'warning', 'info'] as const;

/** A receiver that notifies nobody: where the Watchdog goes when no dead man's switch is configured. */
export const NULL_RECEIVER = 'null';

/**
 * Routes of one team: one route per (severity, receiver). Every route but the last of a severity has
 * `continue: true`, so an alert reaches all the receivers its severity lists. The team's maintenance
 * windows go on every one of them: Alertmanager does not pass mute_time_intervals down to child routes,
 * and the children are the ones that notify.
 */
function teamRoute(team: string, routing: StackConfig['teams'][string]): Route {
  const routes: Route[] = [];
  for (const severity of SEVERITIES) {
    const receivers = routing[severity];
    receivers.forEach((receiver, i) => {
      routes.push({
        receiver,
        matchers: [`severity="${severity}"`],
        continue: i < receivers.length - 1 ? true : undefined,
        mute_time_intervals: routing.muteTimeIntervals,
      });
    });
  }
  return { matchers: [`team="${team}"`], routes };
}

type Receiver = AlertmanagerConfigInput['receivers'][number];

/**
 * Receivers use the stack's templates (alertmanager/templates/promstack.tmpl) unless they set their own:
 * Slack's title and text, and e-mail's plain-text part, list every alert's summary, description,
 * runbook and dashboard links and labels, instead of Alertmanager's terse default; PagerDuty events get
 * `runbooks` and `dashboards` details (one link a line) beside Alertmanager's default details.
 */
function withStackTemplates(receiver: Receiver): Receiver {
  return {
    ...receiver,
    ...(receiver.slack_configs
      ? {
          slack_configs: receiver.slack_configs.map((slack) => ({
            ...slack,
            title: slack.title ?? '{{ template "promstack.title" . }}',
            text: slack.text ?? '{{ template "promstack.text" . }}',
          })),
        }
      : {}),
    ...(receiver.email_configs
      ? {
          email_configs: receiver.email_configs.map((email) => ({
            ...email,
            text: email.text ?? '{{ template "promstack.text" . }}',
          })),
        }
      : {}),
    ...(receiver.pagerduty_configs
      ? {
          pagerduty_configs: receiver.pagerduty_configs.map((pd) => ({
            ...pd,
            details: {
              dashboards: '{{ template "promstack.dashboards" . }}',
              runbooks: '{{ template "promstack.runbooks" . }}',
              ...pd.details,
            },
          })),
        }
      : {}),
  };
}

/**
 * The Watchdog route's timings for one notification every `interval`. Alertmanager repeats a notification
 * at the first group_interval tick at which more than repeat_interval has passed since the last send,
 * which went out a moment after its own tick: with both equal to the period the heartbeat would come
 * every second tick, twice the period apart. Ticks at half the period with a repeat after three quarters
 * of it send on every second tick, once per period, and a send up to a quarter period late still leaves
 * the next on time. The drill checks the spacing (components/runtime/drill/heartbeat.ts).
 */
export function watchdogTimings(interval: string): { group_interval: string; repeat_interval: string } {
  const ms = parseDuration(interval);
  if (ms === undefined) throw new RangeError(`not a duration: ${interval}`);
  return {
    group_interval: formatDuration(Math.round(ms / 2)),
    repeat_interval: formatDuration(Math.round((ms * 3) / 4)),
  };
}

/**
 * alertmanager.yml of a stack: the Watchdog first (to its own receiver only), then one route per owner
 * team by severity, then the default receiver. Inhibitions: critical silences warning and info of the
 * same alert and service, warning silences info, a down target silences its service's other
 * warnings, and a paging SLO burn silences its service's HighErrorRate.
 */
export function alertmanagerConfigOf(config: StackConfig, layout: StackLayout): AlertmanagerConfigInput {
  const am = config.alertmanager;
  const watchdog = config.watchdogReceiver ?? NULL_RECEIVER;
  const needsNull = watchdog === NULL_RECEIVER && !config.receivers.some((r) => r.name === NULL_RECEIVER);
  const teams = Object.keys(config.teams).sort();
  return {
    templates: [`${layout.alertmanagerConfigDir}/templates/*.tmpl`],
    route: {
      receiver: config.defaultReceiver,
      group_by: am.groupBy,
      group_wait: am.groupWait,
      group_interval: am.groupInterval,
      repeat_interval: am.repeatInterval,
      routes: [
        // A heartbeat: sent often so that its absence is noticed fast.
        {
          receiver: watchdog,
          matchers: [`alertname="${WATCHDOG_ALERT}"`],
          group_wait: '0s',
          ...watchdogTimings(am.watchdogInterval),
        },
        ...teams.map((team) => teamRoute(team, config.teams[team])),
      ],
    },
    receivers: [...config.receivers.map(withStackTemplates), ...(needsNull ? [{ name: NULL_RECEIVER }] : [])],
    inhibit_rules: [
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity=~"warning|info"'],
        equal: ['alertname', 'service'],
      },
      {
        source_matchers: ['severity="warning"'],
        target_matchers: ['severity="info"'],
        equal: ['alertname', 'service'],
      },
      // A down instance explains its own warnings. Only the per-instance alert: the page by share has no
      // instance label, and would otherwise silence every instance-less warning of the service (its
      // latency, its SLO tickets) while it fires. Its per-instance warnings go by the first rule.
      {
        source_matchers: [`alertname="${SERVICE_ALERTS.targetDown}"`, 'severity="warning"'],
        target_matchers: ['severity=~"warning|info"'],
        equal: ['service', 'instance'],
      },
      // One incident, one page: an availability SLO page already says the service fails its requests.
      // Only a page that still pages (critical) may silence the critical HighErrorRate, and not a latency
      // SLO's page, which is another incident.
      {
        source_matchers: [`${SLO_LABELS.severity}="page"`, 'severity="critical"', 'sli="availability"'],
        target_matchers: [`alertname="${SERVICE_ALERTS.highErrorRate}"`],
        equal: ['service'],
      },
    ],
    time_intervals: config.timeIntervals.length > 0 ? config.timeIntervals : undefined,
  };
}
