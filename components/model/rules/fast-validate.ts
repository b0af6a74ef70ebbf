import { parseDuration } from '../duration';
import { checkGoTemplate, PROMETHEUS_ALERT_TEMPLATE } from '../go-template';
import { isWellFormedText, sortKeys } from '../names';
import { isPlainRecord, onlyKeys } from '../plain-data';
import { normalizeExpr, promqlErrors } from '../promql';
import type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from './schema';

/**
 * The rule file schema's result for the rule files synth generates, without zod's machinery: zod's
 * objects, records, pipes and issue bookkeeping were about a tenth of a large catalogue's synth. It makes
 * every check the schema makes, with the same predicates, on every value (user overrides reach labels,
 * annotations, `for` and expressions, so nothing is skipped), and returns the same normalised object,
 * key for key. It takes only the fields generated files use; on anything else, and on the first check
 * that fails, it returns undefined and the caller runs the schema, so every error and its path come
 * from the schema alone. fast-validate.test.ts compares both on generated and broken files.
 */
export function validRuleFileFast(input: unknown): RuleFile | undefined {
  if (!isPlainRecord(input) || !onlyKeys(input, FILE_KEYS) || !Array.isArray(input.groups)) return undefined;
  const groups: RuleGroup[] = [];
  for (let i = 0; i < input.groups.length; i++) {
    const group = validGroup(input.groups[i]);
    if (!group) return undefined;
    groups.push(group);
  }
  return { groups };
}

const FILE_KEYS = new Set(['groups']);
const GROUP_KEYS = new Set(['name', 'interval', 'rules']);
const ALERT_KEYS = new Set(['alert', 'expr', 'for', 'labels', 'annotations']);
const RECORD_KEYS = new Set(['record', 'expr', 'labels']);

function validGroup(input: unknown): RuleGroup | undefined {
  if (!isPlainRecord(input) || !onlyKeys(input, GROUP_KEYS)) return undefined;
  const { name, interval, rules } = input;
  if (typeof name !== 'string' || name.length < 1) return undefined;
  if (!optionalDuration(interval) || !Array.isArray(rules)) return undefined;
  const valid: Rule[] = [];
  for (let i = 0; i < rules.length; i++) {
    const rule = validRule(rules[i]);
    if (!rule) return undefined;
    valid.push(rule);
  }
  // The schema's key order, and an optional key given as undefined kept as zod keeps it.
  return 'interval' in input ? { name, interval: interval as string, rules: valid } : { name, rules: valid };
}

function validRule(input: unknown): Rule | undefined {
  if (!isPlainRecord(input)) return undefined;
  const alerting = 'alert' in input;
  if (alerting === 'record' in input) return undefined;
  if (!onlyKeys(input, alerting ? ALERT_KEYS : RECORD_KEYS)) return undefined;
  if (typeof input.expr !== 'string') return undefined;
  const expr = normalizeExpr(input.expr);
  if (promqlErrors(expr).length > 0) return undefined;
  if (!alerting) {
    const record = input.record;
    if (typeof record !== 'string' || record === '' || !isWellFormedText(record) || /[{}]/.test(record))
      return undefined;
    const rule: RecordingRule = { record, expr };
    if ('labels' in input) {
      const labels = validLabels(input.labels, false);
      if (labels === null) return undefined;
      rule.labels = labels;
    }
    return rule;
  }
  const alert = input.alert;
  if (typeof alert !== 'string' || alert.length < 1 || !isWellFormedText(alert)) return undefined;
  if (!optionalDuration(input.for)) return undefined;
  const rule: AlertingRule = { alert, expr };
  if ('for' in input) rule.for = input.for as string | undefined;
  if ('labels' in input) {
    const labels = validLabels(input.labels, true);
    if (labels === null) return undefined;
    rule.labels = labels;
  }
  if ('annotations' in input) {
    const annotations = validAnnotations(input.annotations);
    if (annotations === null) return undefined;
    rule.annotations = annotations;
  }
  return rule;
}

/** Rule labels (promLabelName to promLabelValue; alert label values are templates); null if any fails. */
function validLabels(input: unknown, templates: boolean): Record<string, string> | undefined | null {
  if (input === undefined) return undefined;
  if (!isPlainRecord(input)) return null;
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (key === '' || key === '__name__' || key === '__proto__' || !isWellFormedText(key)) return null;
    if (typeof value !== 'string' || !isWellFormedText(value)) return null;
    if (templates && !validTemplate(value)) return null;
  }
  return sortKeys(input as Record<string, string>);
}

/** Annotations: non-empty UTF-8 names, template values; null if any fails. */
function validAnnotations(input: unknown): Record<string, string> | undefined | null {
  if (input === undefined) return undefined;
  if (!isPlainRecord(input)) return null;
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (key === '' || key === '__proto__' || !isWellFormedText(key)) return null;
    if (typeof value !== 'string' || !validTemplate(value)) return null;
  }
  return sortKeys(input as Record<string, string>);
}

function validTemplate(text: string): boolean {
  return checkGoTemplate(text, PROMETHEUS_ALERT_TEMPLATE).length === 0;
}

function optionalDuration(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && parseDuration(value) !== undefined);
}
