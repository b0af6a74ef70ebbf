import { parse } from 'yaml';
import { parseDuration } from '../../model/duration';

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
}

interface RuleDoc {
  groups?: {
    rules?: {
      alert?: string;
      record?: string;
      expr?: string;
      for?: string;
      labels?: Record<string, string>;
    }[];
  }[];
}

const RANGE = /\[((?:\d+(?:ms|[smhdwy]))+)\]/g;
const RECORDED_NAME = /[a-zA-Z_]\w*:[\w:]+/g;
const QUANTILE = /histogram_quantile\(\s*([0-9.]+)/;

/**
 * Every alerting rule of the rendered rule files, with the windows of the recording rules it reads
 * (followed to any depth), so a floor can tell how long the window is.
 */
export function renderedAlerts(files: Readonly<Record<string, string>>): RenderedAlert[] {
  const records = new Map<string, string[]>();
  const alerts: { alertname: string; expr: string; for?: string; labels: Record<string, string> }[] = [];
  for (const [path, text] of Object.entries(files)) {
    if (!path.startsWith('prometheus/rules/')) continue;
    const doc = (parse(text) ?? {}) as RuleDoc;
    for (const rule of (doc.groups ?? []).flatMap((g) => g.rules ?? [])) {
      if (rule.record && rule.expr)
        records.set(rule.record, [...(records.get(rule.record) ?? []), rule.expr]);
      if (rule.alert && rule.expr)
        alerts.push({ alertname: rule.alert, expr: rule.expr, for: rule.for, labels: rule.labels ?? {} });
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

/**
 * Alertmanager's defaults for send_resolved per integration (its config docs): webhooks, PagerDuty,
 * Opsgenie and the chat integrations other than Slack tell about resolution unless told not to.
 */
const SEND_RESOLVED_DEFAULT: Record<string, boolean> = {
  email_configs: false,
  slack_configs: false,
  pagerduty_configs: true,
  webhook_configs: true,
  opsgenie_configs: true,
  msteams_configs: true,
  msteamsv2_configs: true,
  telegram_configs: true,
};

/** Receivers of an alertmanager.yml that send a notification when their alerts resolve. */
export function resolvedReceivers(alertmanagerYaml: string): Set<string> {
  const doc = (parse(alertmanagerYaml) ?? {}) as { receivers?: Record<string, unknown>[] };
  const names = new Set<string>();
  for (const receiver of doc.receivers ?? []) {
    const sends = Object.entries(receiver).some(
      ([key, configs]) =>
        key.endsWith('_configs') &&
        Array.isArray(configs) &&
        configs.some(
          (c: { send_resolved?: boolean }) => c.send_resolved ?? SEND_RESOLVED_DEFAULT[key] ?? false,
        ),
    );
    if (sends && typeof receiver.name === 'string') names.add(receiver.name);
  }
  return names;
}
