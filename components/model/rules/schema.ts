import { z } from 'zod';
import { duration } from '../duration';
import { checkGoTemplate, describeTemplateProblem, PROMETHEUS_ALERT_TEMPLATE } from '../go-template';
import { isWellFormedText, promLabelName, promLabelValue, sortKeys } from '../names';
import { promqlExpr } from '../promql';

/** Labels of a rule or group as Prometheus 3.5 takes them, rendered in sorted key order. */
const ruleLabels = z.record(promLabelName, promLabelValue).transform(sortKeys);

/**
 * The annotation and label values of an alerting rule are Go templates that promtool and Prometheus
 * parse when they load the file, with Prometheus's functions and variables ($labels, $value, ...); one
 * that does not parse stops Prometheus. Group labels and recording rule labels are not templates.
 */
function checkAlertTemplate(text: string, ctx: z.RefinementCtx): void {
  for (const problem of checkGoTemplate(text, PROMETHEUS_ALERT_TEMPLATE))
    ctx.addIssue({ code: 'custom', message: `template: ${describeTemplateProblem(problem, text)}` });
}

/** Text Prometheus expands as an alert template: an alerting rule's annotation or label value. */
export const alertTemplateText = z.string().superRefine(checkAlertTemplate);

const alertLabels = z
  .record(promLabelName, promLabelValue.superRefine(checkAlertTemplate))
  .transform(sortKeys);

/** Annotation names: any non-empty UTF-8 text (unlike labels, `__name__` too). */
const annotationName = z
  .string()
  .min(1, { error: 'invalid annotation name "": use non-empty UTF-8 text' })
  .refine(isWellFormedText, { error: 'invalid annotation name: not UTF-8 text' });

/**
 * The name of an alert is the value of its `alertname` label, so any UTF-8 text
 * (`MysqlTooManyConnections(>80%)` is a real one); not a metric name.
 */
const alertName = z
  .string()
  .min(1, { error: "one of 'record' or 'alert' must be set: give the alert a name" })
  .refine(isWellFormedText, { error: 'invalid alert name: not UTF-8 text' });

/**
 * A recording rule's name: in Prometheus 3 any UTF-8 metric name, except that braces are refused
 * (they mean a selector was written where the name belongs).
 */
const recordName = z.string().superRefine((name, ctx) => {
  if (name === '' || !isWellFormedText(name))
    ctx.addIssue({ code: 'custom', message: `invalid recording rule name ${JSON.stringify(name)}` });
  else if (/[{}]/.test(name))
    ctx.addIssue({
      code: 'custom',
      message: `braces in the recording rule name ${JSON.stringify(name)}: the selector belongs in expr`,
    });
});

/** An alerting rule. */
export const alertingRule = z.strictObject({
  alert: alertName,
  expr: promqlExpr,
  /** How long the condition must hold before the alert fires (pending until then). Default 0s. */
  for: duration.optional(),
  /** How long the alert keeps firing after the condition clears, to ride out flapping. */
  keep_firing_for: duration.optional(),
  /** Templates too, expanded per alert; they become the alert's labels. */
  labels: alertLabels.optional(),
  annotations: z.record(annotationName, alertTemplateText).transform(sortKeys).optional(),
});
export type AlertingRuleInput = z.input<typeof alertingRule>;
export type AlertingRule = z.output<typeof alertingRule>;

/** A recording rule: the name is a metric name, by convention `level:metric:operations`. */
export const recordingRule = z.strictObject({
  record: recordName,
  expr: promqlExpr,
  labels: ruleLabels.optional(),
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
  name: z.string().min(1, { error: 'Groupname must not be empty' }),
  /** Evaluation interval of this group; the global evaluation_interval when unset or 0. */
  interval: duration.optional(),
  /** Cap on alerts (or series) a rule of the group may produce; 0 means no limit. */
  limit: z.number().int().optional(),
  query_offset: duration.optional(),
  /** Labels added to every rule of the group (Prometheus 3). */
  labels: ruleLabels.optional(),
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
