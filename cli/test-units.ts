import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { parseDuration } from '../components/model/duration';
import { promqlTree } from '../components/model/promql';
import type { PromqlNode } from '../components/model/promql-ast';
import { renderValidRuleFile } from '../components/model/rules/render';
import { isAlertingRule, type Rule, type RuleFile, type RuleGroup } from '../components/model/rules/schema';
import { renderYaml } from '../components/model/yaml';
import type { SynthResult } from '../components/stack';
import type { PromtoolTestFile } from '../rules/unit-tests';

/**
 * What `promstack check` hands promtool instead of the rendered test files (docs/performance.md,
 * "`promstack check`"): test units, each a test group with only the rules that can make a difference to
 * it (slices), run once per class of units that are the same up to the service's own names (dedupe).
 *
 * Slices. promtool evaluates every rule of the loaded files at every step, and fails a group when any of
 * them fails to evaluate. A group's verdict unit holds, verbatim in their groups and order, the alert
 * rules it tests, the recording rules its PromQL tests read, and the recording rules all of these read,
 * transitively. Every other rule that can see data (it reads a series of the group's input or one
 * written by such a rule, or it yields samples without data: absent(), vector(), time(), ...) runs in a
 * probe: the group's series and those rules with what they read, asserting only that every rule
 * evaluates up to the group's last evaluation. A rule fails to evaluate only on the series it reads,
 * which every unit holding it computes as the whole files do; a rule in no unit reads only names
 * nothing writes during the group, so it yields an empty vector at every step: it cannot fire, write a
 * series or fail. So the group passes iff its units do. Alert rules that a unit does not test lose their
 * annotations, which nothing compares and whose expansion never fails a rule. A test file whose rules
 * or series name a metric by anything but its name, or that loads a file synth did not render, runs as
 * rendered.
 *
 * Dedupe. Services of a catalogue differ in their names (service, team, the names built from them) and
 * cluster on a few thresholds and objectives, so most units exist once per service with other names.
 * A test file's identifying values are the static label values of its alert rules that at most half
 * of the test files hold. Each value is replaced by a placeholder throughout a unit's text, and units
 * with the same result run once. That is sound when the renaming is a bijection between the strings
 * promtool compares and nothing reads a value's characters, so a unit's values are replaced only when:
 * - they are substring-free, of name characters, each with a character no formatted number prints,
 *   and the files hold no placeholder character: then the replacement cuts the text into literal parts
 *   and whole values, and putting the values back gives the unit exactly (two strings of a unit are
 *   equal iff their forms are, so two units with one form are each other with the values swapped);
 * - values occur only where they are names to promtool: group and test names, label values, annotation
 *   text, expected labels and annotations, and the quoted values of = and != matchers (not of __name__,
 *   without escapes); never in metric or label names, durations, series values or regexes;
 * - no regex matcher applies to a label that carries a value, and no label_replace, label_join or info()
 *   can build a label value from pieces;
 * - template actions only print a label, or format $value with the humanize functions or printf verbs,
 *   and no value straddles an action and the text around it.
 * Any other unit forms a class of its own (or with units of the very same text). An annotation that is
 * no template is only ever compared whole with expected ones, so each such text is replaced by a
 * placeholder of its own, in the rules and in the expectations alike, before the values are. A group's
 * units whose classes have the same members run as one unit: apart they gain nothing.
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
  /** Every test group this unit stands for; the first is the one it holds. */
  members: UnitMember[];
}

export interface TestPlan {
  classes: TestUnitClass[];
  /** Test files run as rendered (not sliced): see above. */
  whole: string[];
  /** Test groups in the rendered test files. */
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
  /** Every matcher: its label, operator and where its quoted value stands in the text. */
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

/** A PromQL string literal's value when it has no escapes, else undefined. */
function unquoted(literal: string): string | undefined {
  const body = literal.slice(1, -1);
  return body.includes('\\') || body.includes(literal[0]) ? undefined : body;
}

const MARK = '\u0001';
const NAME_CHARS = /^[A-Za-z0-9_.:-]+$/;
/** Every character a formatted number can print (printf, humanize*: 1.5e+06, 12ms, 3Ki, NaN, +Inf, 5%). */
const NUMBER_CHARS = /^[0-9.+\-eEkKMGTPZYmunpfazyiµdhs %NaIn]*$/;

/** An expression as the placeholders leave it: what it reads, and what renaming in it touches. */
interface ExprForm {
  /** The original expression's info (the marked one's when they read the same). */
  info: ExprInfo | null;
  /** Every placeholder stands in the quoted value of an = or != matcher of a label. */
  safe: boolean;
  /** Labels of the matchers that hold a placeholder, and of every regex matcher. */
  touched: string[];
  regexLabels: string[];
}

const exprForms = new Map<string, Omit<ExprForm, 'info'> & { info: ExprInfo | null }>();

/**
 * The values of one test file, replaced by placeholders. Expressions are parsed in their marked form,
 * which services that differ only in names share: a catalogue's thousands of expressions are a few
 * hundred forms.
 */
class Marker {
  private readonly marks: string[];

  constructor(readonly values: readonly string[]) {
    this.marks = values.map((_, i) => `${MARK}${i}${MARK}`);
  }

  mark(text: string): string {
    let out = text;
    for (let i = 0; i < this.values.length; i++)
      if (out.includes(this.values[i])) out = out.split(this.values[i]).join(this.marks[i]);
    return out;
  }

  holdsValue(text: string): boolean {
    return this.values.some((v) => text.includes(v));
  }

  expr(text: string): ExprForm {
    const marked = this.mark(text);
    let form = exprForms.get(marked);
    if (!form) {
      form = markedForm(marked);
      exprForms.set(marked, form);
    }
    return form.safe || marked === text ? form : { ...form, info: exprInfo(text) };
  }
}

function markedForm(marked: string): ExprForm {
  const info = exprInfo(marked);
  if (!info) return { info: null, safe: false, touched: [], regexLabels: [] };
  const touched: string[] = [];
  const regexLabels: string[] = [];
  let safe = true;
  let outside = '';
  let at = 0;
  for (const m of [...info.matchers].sort((a, b) => a.from - b.from)) {
    const literal = marked.slice(m.from, m.to);
    const regex = m.op === '=~' || m.op === '!~';
    if (regex) regexLabels.push(m.label);
    if (!literal.includes(MARK)) continue;
    if (regex || m.label === '__name__' || literal.includes('\\')) safe = false;
    touched.push(m.label);
    outside += marked.slice(at, m.from);
    at = m.to;
  }
  outside += marked.slice(at);
  if (outside.includes(MARK)) safe = false;
  return { info, safe, touched, regexLabels };
}

/** A rule of the loaded files, with where it stands. */
interface Located {
  file: number;
  group: number;
  index: number;
  rule: Rule;
  form: ExprForm;
  reads: Set<string>;
  writes: string[];
}

/** The rules of a test file and who writes each metric name. */
interface Rules {
  all: Located[];
  writers: Map<string, Located[]>;
}

function rulesOf(files: readonly RuleFile[], marker: Marker): Rules | undefined {
  const all: Located[] = [];
  const writers = new Map<string, Located[]>();
  for (const [f, file] of files.entries())
    for (const [g, group] of file.groups.entries())
      for (const [index, rule] of group.rules.entries()) {
        const form = marker.expr(rule.expr);
        if (!form.info?.reads) return undefined;
        const writes = isAlertingRule(rule) ? ALERT_SERIES : [rule.record];
        const located = { file: f, group: g, index, rule, form, reads: form.info.reads, writes };
        all.push(located);
        for (const name of writes) writers.set(name, [...(writers.get(name) ?? []), located]);
      }
  return { all, writers };
}

/** The rules and, transitively, the recording rules they read. */
function closure(rules: Rules, seeds: Iterable<Located>): Set<Located> {
  const kept = new Set<Located>();
  const keep = (r: Located) => {
    if (kept.has(r)) return;
    kept.add(r);
    for (const name of r.reads) for (const w of rules.writers.get(name) ?? []) keep(w);
  };
  for (const r of seeds) keep(r);
  return kept;
}

/**
 * A test group's slices (see the top of this file) given the metric names of its input, the alert names
 * it tests and the names its PromQL tests read: the rules its assertions read, and probes for the other
 * rules that see data, each a set of rules that read one another with what they read. A rule fails to
 * evaluate only on the series it reads, which each slice holding it computes as the whole files do.
 */
function slicesOf(
  rules: Rules,
  input: Set<string>,
  tested: Set<string>,
  queried: Set<string>,
): { verdict: Set<Located>; probes: Set<Located>[] } {
  const live = new Set<Located>();
  const seen = new Set(input);
  // Rules that can see data, to a fixed point: each adds what it writes to what others can read.
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rules.all) {
      if (live.has(r) || !(r.form.info!.source || [...r.reads].some((name) => seen.has(name)))) continue;
      live.add(r);
      grew = true;
      for (const name of r.writes) seen.add(name);
    }
  }
  const verdict = closure(rules, [
    ...rules.all.filter((r) => isAlertingRule(r.rule) && tested.has(r.rule.alert)),
    ...[...queried].flatMap((name) => rules.writers.get(name) ?? []),
  ]);
  const rest = rules.all.filter((r) => live.has(r) && !verdict.has(r));
  // Rules of the rest that read one another go in one probe, so that what they share is computed once.
  const probeOf = new Map(rest.map((r) => [r, r]));
  const root = (r: Located): Located => (probeOf.get(r) === r ? r : root(probeOf.get(r)!));
  for (const r of rest)
    for (const d of closure(rules, [r]))
      if (probeOf.has(d) && root(d) !== root(r)) probeOf.set(root(d), root(r));
  const probes = new Map<Located, Located[]>();
  for (const r of rest) probes.set(root(r), [...(probes.get(root(r)) ?? []), r]);
  return { verdict, probes: [...probes.values()].map((members) => closure(rules, members)) };
}

/** The alert name of a probe's one test, which no rule has: it expects no alert. */
const PROBE_ALERT = 'PromstackCheckEvaluatesEveryRule';

/**
 * A probe's test: the group's series, evaluated up to the group's last evaluation as promtool does (every
 * rule at every step up to it), asserting nothing but that every rule evaluates.
 */
function probeTest(test: TestGroup): TestGroup {
  const times = [
    ...(test.alert_rule_test ?? []).map((t) => t.eval_time),
    ...(test.promql_expr_test ?? []).map((t) => t.eval_time),
  ];
  const last = times.reduce((a, b) => ((parseDuration(b) ?? 0) > (parseDuration(a) ?? 0) ? b : a), '0s');
  const { promql_expr_test: _queries, ...rest } = test;
  return { ...rest, alert_rule_test: [{ eval_time: last, alertname: PROBE_ALERT, exp_alerts: [] }] };
}

/** The loaded files cut down to `kept`, in their order; alert rules not tested lose their annotations. */
function slicedFiles(files: readonly RuleFile[], kept: Set<Located>, tested: Set<string>): RuleFile[] {
  const at = new Set([...kept].map((r) => `${r.file} ${r.group} ${r.index}`));
  return files.map((file, f) => ({
    groups: file.groups.flatMap((group, g): RuleGroup[] => {
      const rules = group.rules.flatMap((rule, i): Rule[] => {
        if (!at.has(`${f} ${g} ${i}`)) return [];
        if (!isAlertingRule(rule) || tested.has(rule.alert) || !rule.annotations) return [rule];
        const bare = { ...rule };
        delete bare.annotations;
        return [bare];
      });
      return rules.length > 0 ? [{ ...group, rules }] : [];
    }),
  }));
}

const PLAIN_LABEL = /^\s*(\$labels|\.Labels)\.[A-Za-z_][A-Za-z0-9_]*\s*$/;
const VALUE_TOKEN =
  /^(\$value|\.Value|humanize|humanize1024|humanizePercentage|humanizeDuration|printf|\||"%[-+# 0-9.]*[a-zA-Z]")$/;

/** Whether a template leaves the values alone (see the top of the file). */
function templateKeepsValues(template: string, values: readonly string[]): boolean {
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
      return false;
    const before = template.slice(0, action.index);
    const after = template.slice(action.index + action[0].length);
    for (const value of values) {
      if (body.includes(value)) return false;
      // A value made of the action's output and the text beside it would not be replaced whole.
      for (let k = 1; k < value.length; k++) {
        if ((plainLabel || NUMBER_CHARS.test(value.slice(0, k))) && after.startsWith(value.slice(k)))
          return false;
        if ((plainLabel || NUMBER_CHARS.test(value.slice(k))) && before.endsWith(value.slice(0, k)))
          return false;
      }
    }
  }
  return true;
}

/** Labels whose values hold a value, or undefined when a key does (label names are never renamed). */
function touchedKeys(map: Record<string, string> | undefined, marker: Marker): string[] | undefined {
  const touched: string[] = [];
  for (const [key, value] of Object.entries(map ?? {})) {
    if (marker.holdsValue(key)) return undefined;
    if (marker.holdsValue(value)) touched.push(key);
  }
  return touched;
}

/** Where renaming touches a part of a unit: the labels it changes, and those regexes read. */
interface Touch {
  touched: string[];
  regexLabels: string[];
}

/**
 * What renaming touches in rule files, or undefined when it is not safe: values only in group names,
 * label values, annotations (templates that keep them) and safe expressions.
 */
function filesTouch(files: readonly RuleFile[], marker: Marker): Touch | undefined {
  const touch: Touch = { touched: [], regexLabels: [] };
  for (const file of files)
    for (const group of file.groups) {
      const { name: _name, labels, rules: groupRules, ...rest } = group;
      if (marker.holdsValue(JSON.stringify(rest))) return undefined;
      const groupTouched = touchedKeys(labels, marker);
      if (!groupTouched) return undefined;
      touch.touched.push(...groupTouched);
      for (const rule of groupRules) {
        const form = marker.expr(rule.expr);
        if (!form.safe || form.info?.buildsLabels !== false) return undefined;
        touch.touched.push(...form.touched);
        touch.regexLabels.push(...form.regexLabels);
        const { expr: _expr, labels: ruleLabels, ...other } = rule;
        const annotations = isAlertingRule(rule) ? rule.annotations : undefined;
        const fixed = isAlertingRule(rule)
          ? { ...other, annotations: Object.keys(annotations ?? {}) }
          : other;
        if (marker.holdsValue(JSON.stringify(fixed))) return undefined;
        const labelTouched = touchedKeys(ruleLabels, marker);
        if (!labelTouched) return undefined;
        touch.touched.push(...labelTouched);
        const templates = [...Object.values(ruleLabels ?? {}), ...Object.values(annotations ?? {})];
        if (!templates.every((t) => templateKeepsValues(t, marker.values))) return undefined;
      }
    }
  return touch;
}

/** What renaming touches in a test group, or undefined when it is not safe. */
function testTouch(test: TestGroup, marker: Marker): Touch | undefined {
  const touch: Touch = { touched: [], regexLabels: [] };
  const exprs = [
    ...test.input_series.map((s) => s.series),
    ...(test.promql_expr_test ?? []).flatMap((p) => [p.expr, ...(p.exp_samples ?? []).map((s) => s.labels)]),
  ];
  for (const expr of exprs) {
    const form = marker.expr(expr);
    if (!form.safe || form.info?.buildsLabels !== false) return undefined;
    touch.touched.push(...form.touched);
    touch.regexLabels.push(...form.regexLabels);
  }
  for (const a of test.alert_rule_test ?? [])
    for (const e of a.exp_alerts) {
      const labels = touchedKeys(e.exp_labels, marker);
      if (!labels || !touchedKeys(e.exp_annotations, marker)) return undefined;
      touch.touched.push(...labels);
    }
  const fixed = {
    ...test,
    name: '',
    input_series: test.input_series.map((s) => s.values),
    alert_rule_test: (test.alert_rule_test ?? []).map((a) => ({ ...a, exp_alerts: a.exp_alerts.length })),
    promql_expr_test: (test.promql_expr_test ?? []).map((p) => ({
      ...p,
      expr: '',
      exp_samples: (p.exp_samples ?? []).map((s) => s.value),
    })),
  };
  return marker.holdsValue(JSON.stringify(fixed)) ? undefined : touch;
}

/** A unit: its sliced rule files and its test group. */
interface Unit {
  files: RuleFile[];
  test: TestGroup;
  /** Where its rules come from: the test file's rule files, the rules kept, the alerts tested. */
  sources: RuleFile[];
  kept: Set<Located>;
  tested: Set<string>;
  probe: boolean;
}

/** Whether values can be placeholders at all (see the top of the file). */
function renamable(values: readonly string[]): boolean {
  return values.every(
    (v) =>
      v.length >= 4 &&
      NAME_CHARS.test(v) &&
      !NUMBER_CHARS.test(v) &&
      !values.some((w) => w !== v && w.includes(v)),
  );
}

/** The static values of the alert rules' labels, in order of appearance. */
function labelValues(files: readonly RuleFile[]): string[] {
  const values = new Set<string>();
  for (const file of files)
    for (const group of file.groups)
      for (const rule of group.rules)
        if (isAlertingRule(rule))
          for (const value of Object.values(rule.labels ?? {})) if (!value.includes('{{')) values.add(value);
  return [...values];
}

const renderedFiles = new WeakMap<RuleFile[], Record<string, string>>();

/** A unit's files as promtool reads them: each rule file named by its text's hash. */
function renderUnit(unit: Unit, evaluationInterval: string): { test: string; rules: Record<string, string> } {
  let rules = renderedFiles.get(unit.files);
  if (!rules) {
    rules = {};
    // Named by position too: two loaded files that slice to the same text are still loaded twice.
    for (const [i, file] of unit.files.entries()) {
      const text = renderValidRuleFile(file);
      rules[`rules/${createHash('sha256').update(text).digest('hex').slice(0, 16)}-${i}.yml`] = text;
    }
    renderedFiles.set(unit.files, rules);
  }
  const test = renderYaml({
    rule_files: Object.keys(rules),
    evaluation_interval: evaluationInterval,
    tests: [unit.test],
  });
  return { test, rules };
}

/** The metric names expressions read, or undefined when one reads a series by anything but its name. */
function readsOf(exprs: readonly string[], marker: Marker): Set<string> | undefined {
  const names = new Set<string>();
  for (const expr of exprs) {
    const reads = marker.expr(expr).info?.reads;
    if (!reads) return undefined;
    for (const name of reads) names.add(name);
  }
  return names;
}

/** The units of a synth result's test files, sliced and deduplicated (see the top of the file). */
export function planTests(result: Pick<SynthResult, 'files' | 'rendered'>): TestPlan {
  const tests = Object.entries(result.rendered.ruleTests);
  const loaded = new Map<string, { paths: string[]; files: RuleFile[] } | undefined>();
  const holders = new Map<string, number>();
  for (const [path, test] of tests) {
    const paths = (test.rule_files ?? []).map((f) => posix.normalize(posix.join(posix.dirname(path), f)));
    const files = paths.map((f) => result.rendered.ruleFiles[f]);
    const ok = files.every((f) => f !== undefined);
    loaded.set(path, ok ? { paths, files } : undefined);
    for (const v of labelValues(ok ? files : [])) holders.set(v, (holders.get(v) ?? 0) + 1);
  }
  const plan: TestPlan = { classes: [], whole: [], groups: 0 };
  const classes: PlannedClass[] = [];
  const byKey = new Map<string, PlannedClass>();
  const textIds = new Map<string, number>();
  for (const [path, file] of tests) {
    plan.groups += file.tests.length;
    const sources = loaded.get(path);
    // Identifying values: those at most half of the test files hold.
    const identifying = labelValues(sources?.files ?? []).filter((v) => holders.get(v)! * 2 <= tests.length);
    const texts = [path, ...(sources?.paths ?? [])].map((p) => result.files[p] ?? '');
    // Placeholders must be told apart from the text (JSON writes both control characters escaped).
    const clean = !texts.some((t) => t.includes(MARK) || t.includes(CONSTANT));
    const values = clean && renamable(identifying) ? identifying : [];
    const marker = new Marker(values);
    const rules = sources && rulesOf(sources.files, marker);
    const units: Unit[] = [];
    // Groups with the same slices share their files, and so what renaming makes of them.
    type Sliced = { kept: Set<Located>; files: RuleFile[] };
    const bySlice = new Map<string, { verdict: Sliced; probes: Sliced[] }>();
    let sliceable =
      rules !== undefined && !rules.all.some((r) => isAlertingRule(r.rule) && r.rule.alert === PROBE_ALERT);
    for (const test of (sliceable ? file.tests : []) as TestGroup[]) {
      const input = readsOf(
        test.input_series.map((s) => s.series),
        marker,
      );
      const queried = readsOf(
        (test.promql_expr_test ?? []).map((p) => p.expr),
        marker,
      );
      if (!input || !queried) {
        sliceable = false;
        break;
      }
      const tested = new Set((test.alert_rule_test ?? []).map((t) => t.alertname));
      const signature = [input, tested, queried].map((s) => [...s].sort().join(' ')).join('\0');
      let files = bySlice.get(signature);
      if (!files) {
        const { verdict, probes } = slicesOf(rules!, input, tested, queried);
        files = {
          verdict: { kept: verdict, files: slicedFiles(sources!.files, verdict, tested) },
          probes: probes.map((kept) => ({ kept, files: slicedFiles(sources!.files, kept, new Set()) })),
        };
        bySlice.set(signature, files);
      }
      const from = { sources: sources!.files, tested };
      units.push({ ...files.verdict, test, ...from, probe: false });
      if (files.probes.length > 0) {
        const probe = probeTest(test);
        for (const p of files.probes) units.push({ ...p, test: probe, ...from, probe: true });
      }
    }
    if (!sliceable) {
      plan.whole.push(path);
      continue;
    }
    const forms = new Map<RuleFile[], FilesForm>();
    const testForms: TestForms = new Map();
    for (const unit of units) {
      let form = forms.get(unit.files);
      if (!form) {
        const constants = clean ? constantAnnotations(unit.files) : new Map<string, string>();
        const files = unit.files.map((f) => withConstants(f, constants));
        const text = JSON.stringify(files);
        const holds = marker.holdsValue(text);
        const touch = holds ? filesTouch(files, marker) : NOTHING;
        const [textId, markedId] = [text, marker.mark(text)].map((t) => {
          if (!textIds.has(t)) textIds.set(t, textIds.size);
          return textIds.get(t)!;
        });
        forms.set(unit.files, (form = { text, textId, markedId, holds, touch, constants }));
      }
      const key = keyOf(unit, file.evaluation_interval, marker, form, testForms);
      const member = { file: path, group: unit.test.name };
      const same = byKey.get(key);
      if (same) {
        same.members.push(member);
        continue;
      }
      const own = { unit, interval: file.evaluation_interval, members: [member] };
      classes.push(own);
      byKey.set(key, own);
    }
  }
  plan.classes = merged(classes);
  return plan;
}

interface PlannedClass {
  unit: Unit;
  interval: string;
  members: UnitMember[];
}

/**
 * The classes rendered, those with the same members as one unit: a group's slices that every service
 * of a class has alike gain nothing by running apart, and each promtool test group costs its setup
 * (the series loaded, every step walked). The unit holds every slice's rules and the group's own test.
 */
function merged(classes: readonly PlannedClass[]): TestUnitClass[] {
  const byMembers = new Map<string, PlannedClass[]>();
  for (const c of classes) {
    const key = c.members.map((m) => `${m.file}\0${m.group}`).join('\0');
    byMembers.set(key, [...(byMembers.get(key) ?? []), c]);
  }
  return [...byMembers.values()].map((same) => {
    const main = same.find((c) => !c.unit.probe) ?? same[0];
    if (same.length === 1) return { ...renderUnit(main.unit, main.interval), members: main.members };
    const kept = new Set(same.flatMap((c) => [...c.unit.kept]));
    const tested = main.unit.probe ? new Set<string>() : main.unit.tested;
    const files = slicedFiles(main.unit.sources, kept, tested);
    return { ...renderUnit({ ...main.unit, files }, main.interval), members: main.members };
  });
}

/** A unit's rule files as text, plain and with the values replaced, and what that touches. */
interface FilesForm {
  text: string;
  /** The numbers of the plain and the marked text among all units' (equal texts, equal numbers). */
  textId: number;
  markedId: number;
  holds: boolean;
  touch: Touch | undefined;
  constants: Map<string, string>;
}

const CONSTANT = '\u0002';

/** A placeholder for each annotation of the files' alert rules that is no template (see the top). */
function constantAnnotations(files: readonly RuleFile[]): Map<string, string> {
  const constants = new Map<string, string>();
  for (const file of files)
    for (const group of file.groups)
      for (const rule of group.rules)
        if (isAlertingRule(rule))
          for (const text of Object.values(rule.annotations ?? {}))
            if (!text.includes('{{') && !constants.has(text))
              constants.set(text, `${CONSTANT}${constants.size}${CONSTANT}`);
  return constants;
}

const replaced = (map: Record<string, string>, constants: Map<string, string>) =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [k, constants.get(v) ?? v]));

function withConstants(file: RuleFile, constants: Map<string, string>): RuleFile {
  if (constants.size === 0) return file;
  return {
    groups: file.groups.map((group) => ({
      ...group,
      rules: group.rules.map((rule) =>
        isAlertingRule(rule) && rule.annotations
          ? { ...rule, annotations: replaced(rule.annotations, constants) }
          : rule,
      ),
    })),
  };
}

function testWithConstants(test: TestGroup, constants: Map<string, string>): TestGroup {
  if (constants.size === 0) return test;
  return {
    ...test,
    alert_rule_test: (test.alert_rule_test ?? []).map((a) => ({
      ...a,
      exp_alerts: a.exp_alerts.map((e) => ({
        ...e,
        exp_annotations: replaced(e.exp_annotations, constants),
      })),
    })),
  };
}

/**
 * The unit's text with its values replaced by placeholders when that is safe (see the top of the file),
 * its plain text otherwise.
 */
function keyOf(unit: Unit, interval: string, marker: Marker, files: FilesForm, tests: TestForms): string {
  let forms = tests.get(unit.test);
  if (!forms) tests.set(unit.test, (forms = new Map()));
  let test = forms.get(files.constants);
  if (!test) {
    const group = testWithConstants(unit.test, files.constants);
    const text = JSON.stringify(group);
    const marked = marker.mark(text);
    const holds = marked !== text;
    // What renaming touches in a test is a function of its marked text, which services share.
    let touch = holds ? testTouches.get(marked) : NOTHING;
    if (touch === undefined && !testTouches.has(marked))
      testTouches.set(marked, (touch = testTouch(group, marker)));
    test = { text, marked, holds, touch };
    forms.set(files.constants, test);
  }
  const plain = `${interval}\n${files.textId}\n${test.text}`;
  if (!files.holds && !test.holds) return plain;
  if (!files.touch || !test.touch) return plain;
  const touched = new Set([...files.touch.touched, ...test.touch.touched]);
  if ([...files.touch.regexLabels, ...test.touch.regexLabels].some((label) => touched.has(label)))
    return plain;
  return `${marker.values.length}\n${interval}\n${files.markedId}\n${test.marked}`;
}

const NOTHING: Touch = { touched: [], regexLabels: [] };
const testTouches = new Map<string, Touch | undefined>();

/** A test group's text, plain and with the values replaced, and what renaming touches in it, by constants. */
type TestForms = Map<TestGroup, Map<Map<string, string>, TextForm>>;

interface TextForm {
  text: string;
  marked: string;
  /** Whether it holds a value, and what renaming touches: undefined when it is not safe. */
  holds: boolean;
  touch: Touch | undefined;
}
