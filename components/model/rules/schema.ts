import { z } from 'zod';
import { duration, positiveDuration } from '../duration';
import { labelSet, metricName, objectName, sortKeys } from '../names';
import { promqlExpr } from '../promql';

/** Annotation values are Go templates; an unbalanced action would only fail at evaluation time. */
const annotationValue = z.string().refine((text) => balancedTemplate(text), {
  error: 'unbalanced template: every {{ needs a matching }}',
});

function balancedTemplate(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length - 1; i++) {
    if (text[i] === '{' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && text[i + 1] === '}') {
      depth--;
      i++;
      if (depth < 0) return false;
    }
  }
  return depth === 0;
}

/** An alerting rule. Prometheus requires the alert name to be a valid metric name. */
export const alertingRule = z.strictObject({
  alert: metricName,
  expr: promqlExpr,
  /** How long the condition must hold before the alert fires (pending until then). Default 0s. */
  for: duration.optional(),
  /** How long the alert keeps firing after the condition clears, to ride out flapping. */
  keep_firing_for: duration.optional(),
  labels: labelSet.optional(),
  annotations: z.record(z.string().min(1), annotationValue).transform(sortKeys).optional(),
});
export type AlertingRuleInput = z.input<typeof alertingRule>;
export type AlertingRule = z.output<typeof alertingRule>;

/** A recording rule: the name is a metric name, by convention `level:metric:operations`. */
export const recordingRule = z.strictObject({
  record: metricName,
  expr: promqlExpr,
  labels: labelSet.optional(),
});
export type RecordingRuleInput = z.input<typeof recordingRule>;
export type RecordingRule = z.output<typeof recordingRule>;

/**
 * An alerting or a recording rule. Dispatched on the `alert`/`record` key rather than a plain union, so
 * that an error inside a rule is reported at its field instead of as "matches neither kind".
 */
export const rule = z.unknown().transform((input, ctx): AlertingRule | RecordingRule => {
  const has = (key: string) => input !== null && typeof input === 'object' && key in input;
  if (has('alert') && has('record')) {
    ctx.addIssue({ code: 'custom', message: 'a rule has either alert or record, not both' });
    return z.NEVER;
  }
  if (!has('alert') && !has('record')) {
    ctx.addIssue({
      code: 'custom',
      message: 'a rule needs either alert (an alerting rule) or record (a recording rule) with expr',
    });
    return z.NEVER;
  }
  const result = (has('alert') ? alertingRule : recordingRule).safeParse(input);
  if (result.success) return result.data;
  // Re-raised as they are (code included) so that the messages stay those of the field checks.
  for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
  return z.NEVER;
}) as unknown as z.ZodType<AlertingRule | RecordingRule, AlertingRuleInput | RecordingRuleInput>;
export type Rule = AlertingRule | RecordingRule;
export type RuleInput = AlertingRuleInput | RecordingRuleInput;

export const ruleGroup = z.strictObject({
  name: objectName,
  /** Evaluation interval of this group; the global evaluation_interval when unset. */
  interval: positiveDuration.optional(),
  /** Cap on alerts (or series) a rule of the group may produce; 0 means no limit. */
  limit: z.number().int().nonnegative().optional(),
  query_offset: duration.optional(),
  rules: z.array(rule),
});
export type RuleGroupInput = z.input<typeof ruleGroup>;
export type RuleGroup = z.output<typeof ruleGroup>;

/** One Prometheus rule file. */
export const ruleFile = z.strictObject({ groups: z.array(ruleGroup) });
export type RuleFileInput = z.input<typeof ruleFile>;
export type RuleFile = z.output<typeof ruleFile>;

export function isAlertingRule(rule: Rule | RuleInput): rule is AlertingRule {
  return 'alert' in rule;
}
