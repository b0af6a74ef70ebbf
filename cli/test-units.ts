import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { promqlTree } from '../components/model/promql';
import type { PromqlNode } from '../components/model/promql-ast';
import { renderValidRuleFile } from '../components/model/rules/render';
import { isAlertingRule, type Rule, type RuleFile, type RuleGroup } from '../components/model/rules/schema';
import { renderYaml } from '../components/model/yaml';
import type { SynthResult } from '../components/stack';
import type { PromtoolTestFile } from '../rules/unit-tests';

/**
 * What `promstack check` hands promtool instead of the rendered test files (docs/performance.md, "`promstack
 * check`"): one unit per test group, holding only the rules the group can tell apart from absent ones
 * (slice), and one run per class of units that are the same text up to the service's own names (dedupe).
 *
 * Slice. promtool evaluates every rule of the loaded files at every step, and fails a group when any of
 * them fails to evaluate. A unit keeps, verbatim in their groups and order, the alert rules the group
 * tests, the recording rules its PromQL tests read, every rule that can see data (it reads a series of
 * the group's input or one recorded by a rule that can, or it yields samples without data: absent(),
 * vector(), time(), ...), and the recording rules all of these read, transitively. Every rule left out
 * reads only names nothing writes during the group, so it yields an empty vector at every step: it
 * cannot fire, write a series or fail, and the group's verdict is the one of the whole files. The alert
 * rules kept only for that lose their annotations, which no test of the group compares and whose
 * expansion never fails a rule. A test file whose rules read a series by anything but its name, or that
 * loads a file synth did not render, is not sliced: it runs as rendered.
 *
 * Dedupe. Services of a catalogue differ in their names (service, team, the names built from them) and
 * cluster on a few thresholds and objectives, so most units exist once per service with other names.
 * A unit's identifying values are the static alert label values of its test file that fewer than half
 * of the test files hold. Each is replaced by a placeholder in the places that are only names to
 * promtool (label values, matcher values of =/!=, names, annotation text), and units with the same
 * result run once. Renaming keeps every verdict when it is a bijection between the label values and
 * strings promtool compares, and nothing reads a value's characters; a unit merges only when:
 * - its values are substring-free, of name characters, none composed only of characters a number prints;
 * - no value is left in any other place (metric or label names, durations, series values, regexes);
 * - placing the values back gives the unit again exactly (so equal strings stay equal both ways);
 * - no regex matcher applies to a label that carries a renamed value, and no label_replace, label_join
 *   or info() can build one from pieces;
 * - template actions only print a label, or format $value with the humanize functions or printf verbs, and no value
 *   straddles an action and the text around it;
 * Two units with the same form are then each other with the values swapped, value for value: each is
 * its form with its own values put back (checked for every unit), so promtool's verdict is the same.
 */

type TestGroup = PromtoolTestFile['tests'][number] & {
  promql_expr_test?: { expr: string; eval_time: string; exp_samples?: { labels: string; value: number }[] }[];
  external_labels?: Record<string, string>;
  external_url?: string;
};

export interface UnitMember {
  /** The rendered test file, as in `files`. */
  file: string;
  /** The test group's name in it. */
  group: string;
}

export interface TestUnitClass {
  /** The unit's test file text (one test group) and its rule files by name, relative to it. */
  test: string;
  rules: Record<string, string>;
  /** Every test group this unit stands for; the first is the one run. */
  members: UnitMember[];
}

export interface TestPlan {
  classes: TestUnitClass[];
  /** Test files run as rendered (not sliced): see above. */
  whole: string[];
  /** Test groups in the rendered files, and how many of them the classes stand for. */
  groups: number;
}

const ALERT_SERIES = ['ALERTS', 'ALERTS_FOR_STATE'];
/** Functions that yield samples from no input series. */
const SOURCES = new Set(['absent', 'absent_over_time', 'vector', 'scalar', 'time', 'pi']);
/** Functions that build label values from pieces of others. */
const LABEL_BUILDERS = new Set(['label_replace', 'label_join', 'info']);

interface ExprInfo {
  /** Metric names read; undefined when a selector names none (it may read any). */
  reads: Set<string> | undefined;
  /** Yields samples without any input series. */
  source: boolean;
  buildsLabels: boolean;
  /** Every matcher: its label, operator and the quoted value's offsets in the text. */
  matchers: { label: string; op: string; from: number; to: number }[];
}

const exprInfos = new Map<string, ExprInfo | null>();

/** What an expression reads, from the project's PromQL AST; null when it does not parse. */
function exprInfo(expr: string): ExprInfo | null {
  let info = exprInfos.get(expr);
  if (info !== undefined) return info;
  const tree = promqlTree(expr);
  info = tree ? analyse(tree) : null;
  exprInfos.set(expr, info);
  return info;
}

function analyse(root: PromqlNode): ExprInfo {
  const info: ExprInfo = { reads: new Set(), source: false, buildsLabels: false, matchers: [] };
  let selectors = 0;
  const visit = (node: PromqlNode): void => {
    switch (node.kind) {
      case 'selector': {
        selectors++;
        for (const m of node.matchers)
          info.matchers.push({
            label: m.name.text,
            op: m.op,
            from: m.value.from,
            to: m.value.from + m.value.text.length,
          });
        const named = node.matchers.find((m) => m.name.text === '__name__');
        const name = node.name ?? (named?.op === '=' ? unquoted(named.value.text) : undefined);
        if (name === undefined) info.reads = undefined;
        else info.reads?.add(name);
        return;
      }
      case 'paren':
      case 'matrix':
      case 'subquery':
      case 'offset':
      case 'at':
      case 'unary':
        return visit(node.expr);
      case 'binary':
        visit(node.lhs);
        return visit(node.rhs);
      case 'call':
        if (SOURCES.has(node.name) || node.args.length === 0) info.source = true;
        if (LABEL_BUILDERS.has(node.name)) info.buildsLabels = true;
        return node.args.forEach(visit);
      case 'aggregate':
        return node.args.forEach(visit);
      default:
        return;
    }
  };
  visit(root);
  if (selectors === 0) info.source = true;
  return info;
}

/** A PromQL string literal's value when it has no escapes (the only ones renamed), else undefined. */
function unquoted(literal: string): string | undefined {
  const body = literal.slice(1, -1);
  return body.includes('\\') || body.includes(literal[0]) ? undefined : body;
}

/** A rule of the loaded files, with where it stands. */
interface Located {
  file: number;
  group: number;
  index: number;
  rule: Rule;
  info: ExprInfo;
}

/**
 * The rules of a test group's slice (see the top of this file), as a set of Located; undefined when the
 * files cannot be sliced.
 */
function slice(rules: readonly Located[], test: TestGroup): Set<Located> | undefined {
  const writers = new Map<string, Located[]>();
  for (const r of rules) {
    const names = isAlertingRule(r.rule) ? ALERT_SERIES : [r.rule.record];
    for (const name of names) writers.set(name, [...(writers.get(name) ?? []), r]);
  }
  const live = new Set<string>();
  for (const s of test.input_series) {
    const info = exprInfo(s.series);
    if (!info?.reads) return undefined;
    for (const name of info.reads) live.add(name);
  }
  const kept = new Set<Located>();
  const keep = (r: Located) => {
    if (kept.has(r)) return;
    kept.add(r);
    for (const name of r.info.reads!) for (const w of writers.get(name) ?? []) keep(w);
  };
  // Rules that can see data, to a fixed point: each adds what it writes to what later ones can read.
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rules) {
      if (kept.has(r) || !(r.info.source || [...r.info.reads!].some((name) => live.has(name)))) continue;
      keep(r);
      grew = true;
      for (const name of isAlertingRule(r.rule) ? ALERT_SERIES : [r.rule.record]) live.add(name);
    }
  }
  const tested = new Set(test.alert_rule_test?.map((t) => t.alertname) ?? []);
  for (const r of rules) if (isAlertingRule(r.rule) && tested.has(r.rule.alert)) keep(r);
  for (const t of test.promql_expr_test ?? []) {
    const info = exprInfo(t.expr);
    if (!info?.reads) return undefined;
    for (const name of info.reads) for (const w of writers.get(name) ?? []) keep(w);
  }
  return kept;
}

/** The loaded files cut down to `kept`, in their order; alert rules not tested lose their annotations. */
function slicedFiles(
  files: readonly RuleFile[],
  kept: Set<Located>,
  rules: readonly Located[],
  test: TestGroup,
) {
  const tested = new Set(test.alert_rule_test?.map((t) => t.alertname) ?? []);
  const at = new Map(rules.map((r) => [`${r.file} ${r.group} ${r.index}`, r]));
  return files.map((file, f): RuleFile => ({
    groups: file.groups.flatMap((group, g): RuleGroup[] => {
      const rulesOf = group.rules.flatMap((rule, i): Rule[] => {
        if (!kept.has(at.get(`${f} ${g} ${i}`)!)) return [];
        if (!isAlertingRule(rule) || tested.has(rule.alert) || !rule.annotations) return [rule];
        const bare = { ...rule };
        delete bare.annotations;
        return [bare];
      });
      return rulesOf.length > 0 ? [{ ...group, rules: rulesOf }] : [];
    }),
  }));
}

/** A unit: its sliced rule files and its test group. */
interface Unit {
  files: RuleFile[];
  test: TestGroup;
}

const NAME_CHARS = /^[A-Za-z0-9_.:-]+$/;
/** Every character a formatted number can print (printf, humanize*: 1.5e+06, 12ms, 3Ki, NaN, +Inf, 5%). */
const NUMBER_CHARS = /^[0-9.+\-eEkKMGTPZYmunpfazyiµdhs %NaIn]*$/;
const PLAIN_LABEL = /^\s*(\$labels|\.Labels)\.[A-Za-z_][A-Za-z0-9_]*\s*$/;
const VALUE_TOKEN =
  /^(\$value|\.Value|humanize|humanize1024|humanizePercentage|humanizeDuration|printf|\||"%[-+# 0-9.]*[a-zA-Z]")$/;

/**
 * Why `values` cannot be renamed in a unit (see the top of the file), or undefined when they can; the
 * unit's text is checked by `rename` and by the caller.
 */
function templateProblem(template: string, values: readonly string[]): string | undefined {
  for (const action of template.matchAll(/\{\{([\s\S]*?)\}\}/g)) {
    const body = action[1];
    const plainLabel = PLAIN_LABEL.test(body);
    if (
      !plainLabel &&
      !body
        .trim()
        .split(/\s+/)
        .every((token) => VALUE_TOKEN.test(token))
    )
      return `template action {{${body}}}`;
    const before = template.slice(0, action.index);
    const after = template.slice(action.index + action[0].length);
    for (const value of values) {
      if (body.includes(value)) return `template action {{${body}}} holds ${value}`;
      for (let k = 1; k < value.length; k++) {
        // A value made of the action's output and the text beside it would not be renamed whole.
        const inner = plainLabel || NUMBER_CHARS.test(value.slice(0, k));
        if (inner && after.startsWith(value.slice(k))) return `${value} straddles {{${body}}}`;
        const innerEnd = plainLabel || NUMBER_CHARS.test(value.slice(k));
        if (innerEnd && before.endsWith(value.slice(0, k))) return `${value} straddles {{${body}}}`;
      }
    }
  }
  return undefined;
}

type Rename = (text: string) => string;
/** Labels whose values a renaming changed, and every regex matcher met (label, quoted value). */
interface Seen {
  touched: Set<string>;
  regexes: { label: string; value: string }[];
}

function renamedLabels(map: Record<string, string>, rename: Rename, seen: Seen): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    out[k] = rename(v);
    if (out[k] !== v) seen.touched.add(k);
  }
  return out;
}

/** An expression with `rename` applied to the quoted values of its = and != label matchers only. */
function renamedPromql(expr: string, rename: Rename, seen: Seen): string {
  const info = exprInfo(expr);
  if (!info) return expr;
  let out = '';
  let at = 0;
  for (const m of [...info.matchers].sort((x, y) => x.from - y.from)) {
    const literal = expr.slice(m.from, m.to);
    if (m.op === '=~' || m.op === '!~') {
      seen.regexes.push({ label: m.label, value: literal });
      continue;
    }
    // A metric name is no label value: one left in it keeps the unit apart (see canonicalUnit).
    if (m.label === '__name__' || unquoted(literal) === undefined) continue;
    const value = rename(literal);
    if (value !== literal) seen.touched.add(m.label);
    out += expr.slice(at, m.from) + value;
    at = m.to;
  }
  return out + expr.slice(at);
}

/**
 * Rule files with `rename` applied where values are only names to promtool: group names, label values,
 * annotations, and the quoted values of = and != matchers.
 */
function renamedFiles(files: readonly RuleFile[], rename: Rename, seen: Seen): RuleFile[] {
  return files.map((file): RuleFile => ({
    groups: file.groups.map((group) => ({
      ...group,
      name: rename(group.name),
      ...(group.labels ? { labels: renamedLabels(group.labels, rename, seen) } : {}),
      rules: group.rules.map((rule) => ({
        ...rule,
        expr: renamedPromql(rule.expr, rename, seen),
        ...(rule.labels ? { labels: renamedLabels(rule.labels, rename, seen) } : {}),
        ...(isAlertingRule(rule) && rule.annotations
          ? { annotations: renamedLabels(rule.annotations, rename, seen) }
          : {}),
      })),
    })),
  }));
}

/** A test group with `rename` applied to its name, its series' and expected labels and annotations. */
function renamedTest(t: TestGroup, rename: Rename, seen: Seen): TestGroup {
  return {
    ...t,
    name: rename(t.name),
    input_series: t.input_series.map((s) => ({ ...s, series: renamedPromql(s.series, rename, seen) })),
    alert_rule_test: t.alert_rule_test.map((a) => ({
      ...a,
      exp_alerts: a.exp_alerts.map((e) => ({
        exp_labels: renamedLabels(e.exp_labels, rename, seen),
        exp_annotations: renamedLabels(e.exp_annotations, rename, seen),
      })),
    })),
    ...(t.promql_expr_test
      ? {
          promql_expr_test: t.promql_expr_test.map((p) => ({
            ...p,
            expr: renamedPromql(p.expr, rename, seen),
            ...(p.exp_samples
              ? {
                  exp_samples: p.exp_samples.map((x) => ({
                    ...x,
                    labels: renamedPromql(x.labels, rename, seen),
                  })),
                }
              : {}),
          })),
        }
      : {}),
  };
}

const MARK = '\u0001';
const placeholder = (i: number) => `${MARK}${i}${MARK}`;

const replaceAll = (from: readonly string[], to: readonly string[]) => (text: string) => {
  let out = text;
  for (let i = 0; i < from.length; i++) if (out.includes(from[i])) out = out.split(from[i]).join(to[i]);
  return out;
};

/** Whether identifying values can be placeholders at all: see the top of the file. */
function renamableValues(values: readonly string[]): boolean {
  return values.every(
    (v) =>
      v.length >= 4 &&
      NAME_CHARS.test(v) &&
      !NUMBER_CHARS.test(v) &&
      !values.some((w) => w !== v && w.includes(v)),
  );
}

/** A part of a unit with its values replaced by placeholders, or undefined when one is left over. */
interface Canonical extends Seen {
  text: string;
}

function canonicalPart<T>(
  part: T,
  rename: (part: T, r: Rename, seen: Seen) => T,
  values: readonly string[],
): Canonical | undefined {
  const text = JSON.stringify(part);
  if (text.includes(MARK)) return undefined;
  const marks = values.map((_, i) => placeholder(i));
  const seen: Seen = { touched: new Set(), regexes: [] };
  const canonical = rename(part, replaceAll(values, marks), seen);
  const canonicalText = JSON.stringify(canonical);
  // A value left anywhere is in a place that is more than a name to promtool.
  if (values.some((v) => canonicalText.includes(v))) return undefined;
  // Reversible: the placeholders give the part back, so two strings are equal in it iff their forms are.
  const none: Seen = { touched: new Set(), regexes: [] };
  if (JSON.stringify(rename(canonical, replaceAll(marks, values), none)) !== text) return undefined;
  return { text: canonicalText, ...seen };
}

/** Whether the rules' templates and label builders leave the values alone: see the top of the file. */
function filesKeepValues(files: readonly RuleFile[], values: readonly string[]): boolean {
  for (const file of files)
    for (const group of file.groups)
      for (const rule of group.rules) {
        if (exprInfo(rule.expr)?.buildsLabels !== false) return false;
        const templates = [...Object.values(rule.labels ?? {})];
        if (isAlertingRule(rule)) templates.push(...Object.values(rule.annotations ?? {}));
        if (templates.some((t) => templateProblem(t, values) !== undefined)) return false;
      }
  return true;
}

const filesForms = new WeakMap<RuleFile[], Canonical | null>();

/**
 * The unit's form with its values replaced by placeholders, when that renaming is provably harmless
 * (see the top of the file); undefined otherwise. Units of a file that share their rules share them.
 */
function canonicalUnit(unit: Unit, values: readonly string[]): string | undefined {
  if (values.length === 0) return JSON.stringify(unit);
  let files = filesForms.get(unit.files);
  if (files === undefined) {
    files = (filesKeepValues(unit.files, values) && canonicalPart(unit.files, renamedFiles, values)) || null;
    filesForms.set(unit.files, files);
  }
  if (!files) return undefined;
  if (unit.test.promql_expr_test?.some((t) => exprInfo(t.expr)?.buildsLabels !== false)) return undefined;
  const test = canonicalPart(unit.test, renamedTest, values);
  if (!test) return undefined;
  const touched = new Set([...files.touched, ...test.touched]);
  if ([...files.regexes, ...test.regexes].some((r) => touched.has(r.label) || r.value.includes(MARK)))
    return undefined;
  return `${values.length}\n${files.text}\n${test.text}`;
}

/** The static values of the alert rules' labels, by label name in order of appearance. */
function labelValues(files: readonly RuleFile[]): string[] {
  const values: string[] = [];
  for (const file of files)
    for (const group of file.groups)
      for (const rule of group.rules)
        if (isAlertingRule(rule))
          for (const value of Object.values(rule.labels ?? {}))
            if (!value.includes('{{') && !values.includes(value)) values.push(value);
  return values;
}

/** A unit's files as promtool reads them: each rule file named by its text's hash. */
function renderUnit(unit: Unit, evaluationInterval: string): { test: string; rules: Record<string, string> } {
  const rules: Record<string, string> = {};
  for (const file of unit.files) {
    const text = renderValidRuleFile(file);
    rules[`rules/${createHash('sha256').update(text).digest('hex').slice(0, 16)}.yml`] = text;
  }
  const test = renderYaml({
    rule_files: Object.keys(rules),
    evaluation_interval: evaluationInterval,
    tests: [unit.test],
  });
  return { test, rules };
}

/** The units of a synth result's test files, sliced and deduplicated (see the top of the file). */
export function planTests(result: Pick<SynthResult, 'files' | 'rendered'>): TestPlan {
  const tests = Object.entries(result.rendered.ruleTests);
  const loaded = new Map<string, RuleFile[] | undefined>();
  for (const [path, test] of tests) {
    const files = (test.rule_files ?? []).map((f) => posix.normalize(posix.join(posix.dirname(path), f)));
    const rendered = files.map((f) => result.rendered.ruleFiles[f]);
    loaded.set(path, rendered.some((f) => f === undefined) ? undefined : rendered);
  }
  // Identifying values: those fewer than half of the test files hold.
  const valuesOf = new Map<string, string[]>();
  const holders = new Map<string, number>();
  for (const [path] of tests) {
    const values = labelValues(loaded.get(path) ?? []);
    valuesOf.set(path, values);
    for (const v of values) holders.set(v, (holders.get(v) ?? 0) + 1);
  }
  const plan: TestPlan = { classes: [], whole: [], groups: 0 };
  const byKey = new Map<string, TestUnitClass>();
  for (const [path, file] of tests) {
    plan.groups += file.tests.length;
    const ruleFiles = loaded.get(path);
    const rules: Located[] = [];
    let sliceable = ruleFiles !== undefined;
    ruleFiles?.forEach((rf, f) =>
      rf.groups.forEach((group, g) =>
        group.rules.forEach((rule, index) => {
          const info = exprInfo(rule.expr);
          if (!info?.reads) sliceable = false;
          else rules.push({ file: f, group: g, index, rule, info });
        }),
      ),
    );
    // Groups with the same slice share its files, and so their forms (canonicalUnit).
    const bySlice = new Map<string, RuleFile[]>();
    const units = sliceable
      ? file.tests.map((test): Unit | undefined => {
          const kept = slice(rules, test);
          if (!kept) return undefined;
          const signature =
            rules.map((r) => (kept.has(r) ? '1' : '0')).join('') +
            (test.alert_rule_test ?? []).map((t) => `\0${t.alertname}`).join('');
          let files = bySlice.get(signature);
          if (!files) bySlice.set(signature, (files = slicedFiles(ruleFiles!, kept, rules, test)));
          return { files, test };
        })
      : [];
    if (!sliceable || units.some((u) => u === undefined)) {
      plan.whole.push(path);
      continue;
    }
    const identifying = (valuesOf.get(path) ?? []).filter((v) => (holders.get(v) ?? 0) * 2 < tests.length);
    const values = renamableValues(identifying) ? identifying : [];
    for (const unit of units as Unit[]) {
      const member = { file: path, group: unit.test.name };
      const canonical = canonicalUnit(unit, values);
      const key =
        canonical === undefined ? `${path}\0${unit.test.name}` : `${file.evaluation_interval}\0${canonical}`;
      const same = byKey.get(key);
      if (same) {
        same.members.push(member);
        continue;
      }
      const own = { ...renderUnit(unit, file.evaluation_interval), members: [member] };
      plan.classes.push(own);
      byKey.set(key, own);
    }
  }
  return plan;
}
