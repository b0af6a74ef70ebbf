import { sendsResolved, type AlertmanagerConfig } from '../../model/alertmanager';
import { parseDuration } from '../../model/duration';
import { isAlertingRule, type RuleFile } from '../../model/rules';
import { ruleLinks } from './links';

/** An alerting rule as the running Prometheus loaded it (the rendered, time-scaled rule file). */
export interface RenderedAlert {
  alertname: string;
  expr: string;
  forSeconds: number;
  labels: Record<string, string>;
  /** The number the expression compares against (`… > 0.05`), when it ends with one. */
  threshold?: number;
  /** The expression reads a series a recording rule writes. */
  recorded: boolean;
  /** The longest range window the expression looks through, recorded series resolved, in seconds. */
  windowSeconds: number;
  /** The quantile of a histogram_quantile the expression reads, recorded series resolved. */
  quantile?: number;
  /** Its runbook_url and dashboard_url annotations: every notification of it must carry them. */
  links: Record<string, string>;
}

const RANGE = /\[((?:\d+(?:ms|[smhdwy]))+)\]/g;
const RECORDED_NAME = /[a-zA-Z_]\w*:[\w:]+/g;
const QUANTILE = /histogram_quantile\(\s*([0-9.]+)/;

/**
 * Every alerting rule of a stack's rule files (synth's `rendered.ruleFiles`), with the windows of the
 * recording rules it reads (followed to any depth), so a floor can tell how long the window is.
 */
export function renderedAlerts(ruleFiles: Readonly<Record<string, RuleFile>>): RenderedAlert[] {
  const records = new Map<string, string[]>();
  const alerts: {
    alertname: string;
    expr: string;
    for?: string;
    labels: Record<string, string>;
    links: Record<string, string>;
  }[] = [];
  for (const file of Object.values(ruleFiles)) {
    for (const rule of file.groups.flatMap((g) => g.rules)) {
      if (isAlertingRule(rule))
        alerts.push({
          alertname: rule.alert,
          expr: rule.expr,
          for: rule.for,
          labels: rule.labels ?? {},
          links: ruleLinks(rule.annotations),
        });
      else records.set(rule.record, [...(records.get(rule.record) ?? []), rule.expr]);
    }
  }
  // Every expression the alert reads: its own and those of the recording rules it names, to any depth.
  const expressionsOf = (expr: string, seen: Set<string>): string[] => [
    expr,
    ...[...new Set(expr.match(RECORDED_NAME) ?? [])]
      .filter((name) => records.has(name) && !seen.has(name))
      .flatMap((name) => {
        seen.add(name);
        return records.get(name)!.flatMap((e) => expressionsOf(e, seen));
      }),
  ];
  return alerts.map((a) => {
    const threshold = /(?:>=|<=|>|<)\s*(-?[0-9.]+(?:e[-+]?\d+)?)\s*$/.exec(a.expr);
    const read = expressionsOf(a.expr, new Set());
    const windows = read.flatMap((e) => [...e.matchAll(RANGE)].map((m) => (parseDuration(m[1]) ?? 0) / 1000));
    const quantile = read.map((e) => QUANTILE.exec(e)).find((m) => m !== null);
    return {
      alertname: a.alertname,
      expr: a.expr,
      forSeconds: (parseDuration(a.for ?? '0s') ?? 0) / 1000,
      labels: a.labels,
      ...(threshold ? { threshold: Number(threshold[1]) } : {}),
      recorded: (a.expr.match(RECORDED_NAME) ?? []).some((name) => records.has(name)),
      windowSeconds: Math.max(0, ...windows),
      ...(quantile ? { quantile: Number(quantile[1]) } : {}),
      links: a.links,
    };
  });
}

/** The rule of an alert name whose labels contain `match` (the burn-rate pair differs by sloth_severity). */
export function findAlert(
  alerts: readonly RenderedAlert[],
  alertname: string,
  match: Record<string, string>,
): RenderedAlert | undefined {
  return alerts.find(
    (a) => a.alertname === alertname && Object.entries(match).every(([k, v]) => a.labels[k] === v),
  );
}

/** Receivers that send a notification when their alerts resolve (by setting or Alertmanager's default). */
export function resolvedReceivers(config: AlertmanagerConfig): Set<string> {
  return new Set(config.receivers.filter(sendsResolved).map((receiver) => receiver.name));
}
