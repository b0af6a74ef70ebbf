import { formatDuration, parseDuration } from '../model/duration';
import type { BuiltRules } from '../../rules';

/**
 * Divides a duration by `factor`, never below one second (a rate needs two scrapes in its window, and
 * promstack never scrapes faster than every second).
 */
export function scaleDuration(text: string, factor: number): string {
  const ms = parseDuration(text);
  if (ms === undefined) throw new RangeError(`not a duration: ${text}`);
  if (ms === 0) return text;
  return formatDuration(Math.max(1000, Math.round(ms / factor / 1000) * 1000));
}

/** Every range selector `[5m]`, `[1h24m]` of an expression, scaled. */
export function scaleRanges(expr: string, factor: number): string {
  return expr.replace(
    /\[((?:\d+(?:ms|[smhdwy]))+)\]/g,
    (_, range: string) => `[${scaleDuration(range, factor)}]`,
  );
}

/**
 * The same rules on a compressed clock: every range window and every `for` divided by `factor`, so a
 * drill on real processes plays out minutes of alerting in seconds while keeping the ratios between
 * windows, `for` and intervals. Rule names keep their nominal windows (`…:rate5m`). The generated
 * promtool tests encode the real timings, so scaled rules carry none.
 */
export function scaleRules(rules: BuiltRules, factor: number): BuiltRules {
  if (factor === 1) return rules;
  return {
    ...rules,
    recording: rules.recording.map((rule) => ({ ...rule, expr: scaleRanges(rule.expr, factor) })),
    alerts: rules.alerts.map((alert) => ({
      key: alert.key,
      rule: {
        ...alert.rule,
        expr: scaleRanges(alert.rule.expr, factor),
        for: alert.rule.for === undefined ? undefined : scaleDuration(alert.rule.for, factor),
        keep_firing_for:
          alert.rule.keep_firing_for === undefined
            ? undefined
            : scaleDuration(alert.rule.keep_firing_for, factor),
      },
      untestedReason: `its timings are scaled down ${factor}x for a drill`,
    })),
  };
}
