import { parse as parseYaml, YAMLParseError } from 'yaml';
import { IssueCollector, ValidationError } from '../errors';
import { zodIssues } from '../validate';
import { isAlertingRule, ruleFile, type RuleFile, type RuleGroup } from './schema';

/**
 * Validates one rule file and returns it normalised. Besides field checks it rejects what promtool
 * rejects or lints: repeated group names in a file, and the same rule (name and labels) twice in a group.
 */
export function validateRuleFile(input: unknown, prefix = ''): RuleFile {
  const issues = new IssueCollector();
  const parsed = ruleFile.safeParse(input);
  if (!parsed.success) {
    issues.addAll(zodIssues(parsed.error, input, prefix));
    issues.throwIfAny();
  }
  checkGroups(parsed.data!.groups, prefix, issues);
  issues.throwIfAny();
  return parsed.data!;
}

/** Cross-checks on groups already valid one by one; also used across files by the stack. */
export function checkGroups(groups: readonly RuleGroup[], prefix: string, issues: IssueCollector): void {
  const groupNames = new Set<string>();
  for (const group of groups) {
    const path = `${prefix ? `${prefix}.` : ''}groups[${group.name}]`;
    if (groupNames.has(group.name)) {
      issues.add(
        `${path}.name`,
        `duplicate group name ${JSON.stringify(group.name)}: group names must be unique`,
      );
    }
    groupNames.add(group.name);
    const ruleKeys = new Set<string>();
    for (const rule of group.rules) {
      const name = isAlertingRule(rule) ? rule.alert : rule.record;
      const key = `${isAlertingRule(rule) ? 'alert' : 'record'} ${name} ${JSON.stringify(rule.labels ?? {})}`;
      if (ruleKeys.has(key)) {
        issues.add(
          `${path}.rules[${name}]`,
          `duplicate rule ${name} with the same labels in one group: remove one or tell them apart by labels`,
        );
      }
      ruleKeys.add(key);
    }
  }
}

/** Parses the YAML text of a rule file (hand-written, vendored mixins) and validates it like typed rules. */
export function parseRuleFileYaml(text: string, fileName: string): RuleFile {
  let data: unknown;
  try {
    data = parseYaml(text, { version: '1.1', uniqueKeys: true, strict: true });
  } catch (error) {
    const message = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new ValidationError([{ path: fileName, message: `not valid YAML: ${message}` }]);
  }
  return validateRuleFile(data ?? { groups: [] }, fileName);
}
