import { integrationsOf } from '../model/alertmanager/receivers/integrations';
import type { ValidationIssue } from '../model/errors';
import type { ServiceDefinition } from '../service';
import type { StackConfig } from './config';

type Severity = 'critical' | 'warning' | 'info';

/**
 * Alerts whose owner team lists no receiver for their severity. Alertmanager would hand them to the
 * default receiver: a page meant for a team lands in a catch-all inbox, or nowhere, and nothing says so.
 * `alerts` are synth's summary: one entry per rendered alert with its effective severity.
 */
export function unroutedAlerts(
  config: StackConfig,
  services: readonly ServiceDefinition[],
  alerts: readonly { service: string; key: string; alertname: string; severity: string }[],
  stackGroup: string,
): ValidationIssue[] {
  const owners = new Map(services.map((s) => [s.name, s]));
  const issues: ValidationIssue[] = [];
  for (const alert of alerts) {
    const service = owners.get(alert.service);
    const team = service ? service.team : alert.service === stackGroup ? config.platformTeam : undefined;
    const routing = team === undefined ? undefined : config.teams[team];
    const severity = alert.severity as Severity;
    if (!routing || !(severity in routing) || routing[severity].length > 0) continue;
    const routed = (['critical', 'warning', 'info'] as const).filter((s) => routing[s].length > 0);
    const where = `stack.teams.${team}.${severity}`;
    issues.push({
      path: alertPath(service, alert.key) ?? where,
      message:
        `${alert.alertname} (${severity}) would reach no one of team ${team}: ${where} lists no receiver, so ` +
        `Alertmanager would send it to the default receiver ${config.defaultReceiver}; add a receiver to ${where}` +
        (routed.length > 0 && service
          ? ` or give the alert a severity the team routes (${routed.join(', ')})`
          : ''),
    });
  }
  return issues;
}

/** Where the user set the alert's severity: its custom alert or override, else the service's team. */
function alertPath(service: ServiceDefinition | undefined, key: string): string | undefined {
  if (!service) return undefined;
  const prefix = `services.${service.name}`;
  if (service.alerts?.custom?.[key]) return `${prefix}.alerts.custom.${key}.severity`;
  const override = (service.alerts?.overrides as Record<string, { severity?: string } | undefined>)?.[key];
  if (override?.severity) return `${prefix}.alerts.overrides.${key}.severity`;
  return `${prefix}.team`;
}

/** Stacks that may run without a dead man's switch: a developer's own, where nobody is paged anyway. */
const WATCHDOG_OPTIONAL = new Set(['dev']);

/**
 * The Watchdog fires always, so its notifications stopping is how a dead Prometheus, Alertmanager or
 * route is noticed; that takes a heartbeat service (healthchecks.io, Dead Man's Snitch, Opsgenie or
 * PagerDuty heartbeats) at the receiving end. Outside dev the stack must name one, with an integration.
 */
export function watchdogReceiverProblem(config: StackConfig, environment: string): string | undefined {
  const name = config.watchdogReceiver;
  if (name === undefined) {
    if (WATCHDOG_OPTIONAL.has(environment)) return undefined;
    return (
      `required outside dev (this is ${environment}): without a dead man's switch nobody notices when ` +
      'Prometheus or Alertmanager stops; define a receiver that calls a heartbeat service (a webhook with ' +
      'url_file: { secret: ... }) and name it here'
    );
  }
  const receiver = config.receivers.find((r) => r.name === name);
  if (receiver && integrationsOf(receiver).length === 0)
    return `receiver ${name} notifies nothing: give it the heartbeat service's integration (a webhook, say)`;
  return undefined;
}
