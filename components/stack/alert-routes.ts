import { availableParallelism } from 'node:os';
import { integrationsOf, parseMatcher, type AlertmanagerConfig, type Route } from '../model/alertmanager';
import { sortKeys } from '../model/names';
import { isAlertingRule, type AlertingRule } from '../model/rules';
import { NULL_RECEIVER } from './alertmanager';
import { OUTPUT_PATHS, ruleFilePath } from './paths';
import type { AlertSummary, RenderedStack, SynthResult } from './synth';
import { mapConcurrently } from '../tools/batch';
import { runTool, type ToolResult } from '../tools/binaries';
import { WATCHDOG_ALERT } from '../../rules/stack-health';

/** Where one generated alert goes, as the real Alertmanager routing tree decides. */
export interface AlertRoute {
  service: string;
  key: string;
  alertname: string;
  severity: string;
  /** The labels the alert carries when it reaches Alertmanager (rule labels and external labels). */
  labels: Record<string, string>;
  receivers: string[];
  ok: boolean;
  problem?: string;
}

/** An alert to route: a generated one from the synth summary, or one from a vendored rule file. */
export interface AlertToRoute {
  service: string;
  key: string;
  alertname: string;
  severity: string;
  labels: Record<string, string>;
}

/** An alerting rule of a rendered rule file, with the labels its alerts carry. */
export interface RuleAlert {
  /** The rule file's rule set: the service (`orders`), `promstack-stack`, or `vendor-<name>`. */
  service: string;
  /** The rule, its group's labels (Prometheus 3) under its own. */
  rule: AlertingRule;
  /**
   * The labels it carries when it reaches Alertmanager: the rule's, plus Prometheus' external labels
   * (added to every alert it sends unless the alert has the label already), plus alertname. Labels that
   * only the query result carries (instance, job) cannot be known here and route nothing.
   */
  labels: Record<string, string>;
}

/** Every alerting rule of the rendered rule files, file by file in path order, each file in its order. */
export function ruleAlerts(rendered: Pick<RenderedStack, 'prometheus' | 'ruleFiles'>): RuleAlert[] {
  const external = rendered.prometheus.global?.external_labels ?? {};
  return Object.entries(rendered.ruleFiles).flatMap(([path, file]) =>
    file.groups.flatMap((group) =>
      group.rules.filter(isAlertingRule).map((own) => {
        const rule = group.labels ? { ...own, labels: { ...group.labels, ...own.labels } } : own;
        return {
          service: path.slice(OUTPUT_PATHS.rulesDir.length).replace(/\.yml$/, ''),
          rule,
          labels: sortKeys({ ...external, ...rule.labels, alertname: rule.alert }),
        };
      }),
    ),
  );
}

/**
 * Every alert of the stack with its label set (ruleAlerts), keyed as the synth summary lists it.
 * Alerts of vendored rule files, which the summary does not list, come last.
 */
export function alertsToRoute(result: SynthResult): AlertToRoute[] {
  const external = result.rendered.prometheus.global?.external_labels ?? {};
  const unused = new Map<string, RuleAlert[]>();
  for (const alert of ruleAlerts(result.rendered)) {
    const path = ruleFilePath(alert.service);
    unused.set(path, [...(unused.get(path) ?? []), alert]);
  }
  const alerts: AlertToRoute[] = result.summary.alerts.map((alert: AlertSummary) => {
    const rules = unused.get(ruleFilePath(alert.service)) ?? [];
    // Alerts that share a name (burn-rate pairs) differ by severity; take them in file order.
    const index = rules.findIndex(
      ({ rule }) => rule.alert === alert.alertname && (rule.labels?.severity ?? '') === alert.severity,
    );
    const found = index >= 0 ? rules.splice(index, 1)[0] : undefined;
    const labels =
      found?.labels ?? sortKeys({ ...external, severity: alert.severity, alertname: alert.alertname });
    return { ...pick(alert), labels };
  });
  for (const rules of unused.values()) {
    for (const { service, rule, labels } of rules) {
      const alertname = rule.alert;
      alerts.push({ service, key: alertname, alertname, severity: rule.labels?.severity ?? '', labels });
    }
  }
  return alerts;
}

function pick(alert: Omit<AlertToRoute, 'labels'>): Omit<AlertToRoute, 'labels'> {
  return { service: alert.service, key: alert.key, alertname: alert.alertname, severity: alert.severity };
}

/** Receivers with at least one integration: the only ones that tell a person anything. */
export function notifyingReceivers(config: AlertmanagerConfig): Set<string> {
  return new Set(
    config.receivers
      .filter((receiver) => integrationsOf(receiver).length > 0)
      .map((receiver) => receiver.name),
  );
}

/** A label matcher for amtool: quoted, so that values with spaces, commas or `=` survive. */
function matcherArg(name: string, value: string): string {
  return `${name}=${JSON.stringify(value)}`;
}

/**
 * The label names the routing tree's matchers look at, or undefined when a matcher does not parse
 * (then every label counts). Alertmanager picks an alert's routes by these matchers alone
 * (dispatch.Route.Match), so two alerts that agree on these labels reach the same receivers.
 */
export function routingLabelNames(config: AlertmanagerConfig): Set<string> | undefined {
  const names = new Set<string>();
  const walk = (routes: readonly Route[]): boolean =>
    routes.every((route) => {
      for (const text of route.matchers ?? []) {
        const parsed = parseMatcher(text);
        if (!parsed.ok) return false;
        names.add(parsed.matcher.name);
      }
      return walk(route.routes ?? []);
    });
  return walk(config.route.routes ?? []) ? names : undefined;
}

/**
 * Runs `amtool config routes test` for every alert of the stack and judges the result: each alert must
 * reach a receiver that notifies someone, except the Watchdog, which must reach only its own receiver
 * (a dead man's switch, or "null" when none is configured). amtool runs once per distinct set of the
 * labels the routing tree matches on (routingLabelNames), with the whole label set of the first alert
 * that has it; a catalogue's alerts share a few dozen such sets however many services it has.
 */
export async function testRoutes(
  result: SynthResult,
  alertmanagerFile: string,
  concurrency = availableParallelism(),
): Promise<AlertRoute[]> {
  const notifying = notifyingReceivers(result.rendered.alertmanager);
  const watchdogReceiver = result.config.watchdogReceiver ?? NULL_RECEIVER;
  const entries = alertsToRoute(result);
  const routed = routingLabelNames(result.rendered.alertmanager);
  const keyOf = (labels: Record<string, string>) =>
    JSON.stringify(Object.entries(labels).filter(([name]) => !routed || routed.has(name)));
  const firstOfKey = new Map<string, Record<string, string>>();
  for (const { labels } of entries) if (!firstOfKey.has(keyOf(labels))) firstOfKey.set(keyOf(labels), labels);
  const keys = [...firstOfKey.keys()];
  const runs = await mapConcurrently(keys, concurrency, (key) =>
    runTool('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${alertmanagerFile}`,
      ...Object.entries(firstOfKey.get(key) ?? {}).map(([name, value]) => matcherArg(name, value)),
    ]),
  );
  const runOf = new Map(keys.map((key, i) => [key, runs[i]]));
  return entries.map((alert): AlertRoute => {
    const labels = alert.labels;
    const run = runOf.get(keyOf(labels)) as ToolResult;
    const receivers = run.code === 0 ? run.stdout.trim().split(',').filter(Boolean) : [];
    return {
      ...pick(alert),
      labels,
      receivers,
      ...judge(alert, labels, receivers, run.code === 0 ? undefined : (run.stderr || run.stdout).trim(), {
        notifying,
        watchdogReceiver,
      }),
    };
  });
}

function judge(
  alert: Omit<AlertToRoute, 'labels'>,
  labels: Record<string, string>,
  receivers: readonly string[],
  failure: string | undefined,
  context: { notifying: Set<string>; watchdogReceiver: string },
): { ok: boolean; problem?: string } {
  if (failure !== undefined) return { ok: false, problem: `amtool could not route it: ${failure}` };
  if (alert.alertname === WATCHDOG_ALERT) {
    if (receivers.length === 1 && receivers[0] === context.watchdogReceiver) return { ok: true };
    return {
      ok: false,
      problem: `the Watchdog must reach only its own receiver ${context.watchdogReceiver} (watchdogReceiver), not ${receivers.join(', ') || 'nothing'}`,
    };
  }
  if (receivers.some((name) => context.notifying.has(name))) return { ok: true };
  const fix = labels.team
    ? `list a receiver with an integration under teams.${labels.team}.${alert.severity}`
    : 'give the alert a team label, or make defaultReceiver a receiver with an integration';
  return {
    ok: false,
    problem:
      `reaches only ${receivers.join(', ') || 'no receiver'}, which notif${receivers.length === 1 ? 'ies' : 'y'} ` +
      `no one (a receiver without *_configs): ${fix}`,
  };
}
