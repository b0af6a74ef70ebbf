import { renderYaml } from '../yaml';
import { isAlertingRule, type Rule, type RuleFile } from './schema';
import { validateRuleFile } from './validate';

/** Rules in canonical key order: alert|record, expr, for, keep_firing_for, labels, annotations. */
function canonicalRule(rule: Rule): Record<string, unknown> {
  if (isAlertingRule(rule)) {
    return {
      alert: rule.alert,
      expr: rule.expr,
      for: rule.for,
      keep_firing_for: rule.keep_firing_for,
      labels: rule.labels,
      annotations: rule.annotations,
    };
  }
  return { record: rule.record, expr: rule.expr, labels: rule.labels };
}

/**
 * Rule order inside a group is kept: recording rules are evaluated in sequence. Unset fields stay as
 * undefined members, which renderYaml leaves out (as it does on its library path), rather than being
 * stripped by a copy of the whole file.
 */
export function canonicalRuleFile(file: RuleFile): Record<string, unknown> {
  return {
    groups: file.groups.map((group) => ({
      name: group.name,
      interval: group.interval,
      limit: group.limit,
      query_offset: group.query_offset,
      labels: group.labels,
      rules: group.rules.map(canonicalRule),
    })),
  };
}

/** Validates and renders a rule file; throws ValidationError before rendering anything. */
export function renderRuleFile(input: unknown, options: { prefix?: string; header?: string } = {}): string {
  return renderValidRuleFile(validateRuleFile(input, options.prefix ?? ''), options.header);
}

/** Renders a rule file that validateRuleFile returned (or parseRuleFileYaml). */
export function renderValidRuleFile(file: RuleFile, header?: string): string {
  return renderYaml(canonicalRuleFile(file), header);
}
