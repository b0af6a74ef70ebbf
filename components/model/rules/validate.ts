import { parse as parseYaml, YAMLParseError } from 'yaml';
import { IssueCollector, ValidationError } from '../errors';
import { zodIssues } from '../validate';
import { validRuleFileFast } from './fast-validate';
import { isAlertingRule, ruleFile, type RuleFile, type RuleGroup } from './schema';

/**
 * Validates one rule file and returns it normalised. Besides field checks it rejects what promtool
 * rejects (repeated group names, reported whatever else is wrong in the file) and what its
 * duplicate-rules lint flags: the same rule (name and labels) twice in a group.
 */
export function validateRuleFile(input: unknown, prefix = ''): RuleFile {
  const issues = new IssueCollector();
  const fast = validRuleFileFast(input);
  const parsed = fast ? { success: true as const, data: fast } : ruleFile.safeParse(input);
  if (!parsed.success) issues.addAll(zodIssues(parsed.error, input, prefix));
  checkGroupNames(input, prefix, issues);
  if (parsed.success) checkDuplicateRules(parsed.data.groups, prefix, issues);
  issues.throwIfAny();
  return parsed.data!;
}

function groupPath(prefix: string, name: string): string {
  return `${prefix ? `${prefix}.` : ''}groups[${name}]`;
}

/** Repeated group names, read from the raw input so that other errors in the file do not hide them. */
function checkGroupNames(input: unknown, prefix: string, issues: IssueCollector): void {
  const groups = (input as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) return;
  const seen = new Set<string>();
  for (const group of groups) {
    const name = (group as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || name === '') continue;
    if (seen.has(name))
      issues.add(
        `${groupPath(prefix, name)}.name`,
        `duplicate group name ${JSON.stringify(name)}: group names must be unique in a file`,
      );
    seen.add(name);
  }
}

/**
 * The same rule twice in a file: promtool's duplicate-rules lint compares the name and the labels
 * (the group's merged under the rule's) across every group of the file.
 */
function checkDuplicateRules(groups: readonly RuleGroup[], prefix: string, issues: IssueCollector): void {
  // Labels by rule name: most names occur once or twice in a file, so comparing the labels of the rules
  // that share a name is cheaper than building and hashing a key of name and labels for every rule.
  const seen = new Map<string, Record<string, string>[]>();
  for (const group of groups) {
    for (const rule of group.rules) {
      const name = isAlertingRule(rule) ? rule.alert : rule.record;
      const labels = group.labels ? { ...group.labels, ...rule.labels } : (rule.labels ?? NO_LABELS);
      const earlier = seen.get(name);
      if (earlier === undefined) {
        seen.set(name, [labels]);
        continue;
      }
      if (containsLabels(earlier, labels)) {
        issues.add(
          `${groupPath(prefix, group.name)}.rules[${name}]`,
          `duplicate rule ${name} with the same labels in this file: remove one or tell them apart by labels`,
        );
      }
      earlier.push(labels);
    }
  }
}

const NO_LABELS: Record<string, string> = {};

function containsLabels(list: readonly Record<string, string>[], labels: Record<string, string>): boolean {
  for (const other of list) if (sameLabels(other, labels)) return true;
  return false;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key] || !Object.hasOwn(b, key)) return false;
  return true;
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
  return validateRuleFile(asPrometheusReadsIt(data ?? { groups: [] }), fileName);
}

const DURATION_FIELDS = { group: ['interval', 'query_offset'], rule: ['for', 'keep_firing_for'] } as const;

/**
 * What Prometheus's YAML decoding makes of a rule file before it validates: an empty `rules:` (null) is
 * an empty list, and a bare number where a duration belongs is read as its text (`0` is a duration; `5`
 * then fails as a duration without a unit, as it does in Prometheus).
 */
function asPrometheusReadsIt(data: unknown): unknown {
  const groups = (data as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) return data;
  const durationsAsText = (item: unknown, fields: readonly string[]) => {
    if (item === null || typeof item !== 'object') return item;
    const copy: Record<string, unknown> = { ...(item as Record<string, unknown>) };
    for (const field of fields) if (typeof copy[field] === 'number') copy[field] = String(copy[field]);
    return copy;
  };
  return {
    ...(data as object),
    groups: groups.map((group) => {
      const normalised = durationsAsText(group, DURATION_FIELDS.group) as Record<string, unknown>;
      if (normalised === null || typeof normalised !== 'object') return normalised;
      const rules = normalised.rules === null ? [] : normalised.rules;
      return {
        ...normalised,
        rules: Array.isArray(rules)
          ? rules.map((rule) => durationsAsText(rule, DURATION_FIELDS.rule))
          : rules,
      };
    }),
  };
}
