/**
 * The corpus of the promtool agreement test: rule files from the repository's own rules and from
 * Prometheus's documented PromQL, and seeded mutants of each. Deterministic (fixed seed, own PRNG, no
 * clock, no randomness from outside) and fast: it renders the stack once and generates text.
 */
import { parse as parseYaml } from 'yaml';
import { synthStack } from '../../components/stack';
import { TEST_STACKS, testStackConfig } from '../../components/stack/testing';
import { vendoredRuleFiles } from '../../infra/rule-files';
import { services } from '../../infra/services';
import {
  redRules,
  resourceRules,
  serviceContext,
  sloRules,
  stackHealthAlerts,
  type GeneratedAlert,
} from '../../rules';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROMETHEUS_EXAMPLES } from './prometheus-examples';
import { analyze, PARAM_AGGREGATORS, splice, type Structure } from './promql-tokens';
import { seededRandom } from '../../components/model/go-template-mutants';

export interface AgreementCase {
  /** Unique, usable as a file name: `<source>-<n>-<mutation>`. */
  id: string;
  /** Where the rule comes from: `repo:<file>`, `factory:<set>`, or an entry source of prometheus-examples.ts. */
  source: string;
  /** `none` for the rule as it is, else the kind of mutation (MUTATIONS). */
  mutation: string;
  /** The rule file's text. */
  yaml: string;
}

export const SEED = 0x11_0c7a1;

/** Mutation kinds; the generator makes the least made kind that applies next, ties in this order. */
export const MUTATIONS = [
  'drop-range',
  'add-range',
  'swap-operand-type',
  'bad-aggregation-param',
  'bool-misuse',
  'set-op-scalar',
  'misplaced-offset-at',
  'subquery-mistake',
  'unknown-function',
  'wrong-arg-count',
  'broken-template',
  'valid-template',
  'odd-alert-name',
  'odd-record-name',
  'odd-label-name',
  'repeated-group',
  'duplicate-rule',
  'bad-duration',
  'rule-fields',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** Mutants per rule of the repository (few rules, many mutants) and per Prometheus example. */
const REPO_MUTANTS = 8;
const EXAMPLE_MUTANTS = 1;
/** Whole rendered files of the repository with one rule mutated, per file. */
const FILE_MUTANTS = 12;

// ---------------------------------------------------------------------------------------------------
// Seeded randomness

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---------------------------------------------------------------------------------------------------
// Rule files as data, written as YAML with every string double-quoted (JSON escapes are YAML escapes)

/** A scalar written as it is (a duration, a number), not quoted. */
interface Raw {
  raw: string;
}
type Scalar = string | Raw;
type Value = Scalar | [string, Scalar][];
type Fields = [string, Value][];

interface GroupSpec {
  fields: Fields; // name first, then interval, labels, ...
  rules: Fields[];
}

const raw = (text: string): Raw => ({ raw: text });

function scalar(value: Scalar): string {
  return typeof value === 'string' ? JSON.stringify(value) : value.raw;
}

function writeFields(fields: Fields, indent: string, first: string): string {
  let out = '';
  fields.forEach(([key, value], i) => {
    const lead = i === 0 ? first : indent;
    if (!Array.isArray(value)) out += `${lead}${key}: ${scalar(value)}\n`;
    else if (value.length === 0) out += `${lead}${key}: {}\n`;
    else {
      out += `${lead}${key}:\n`;
      for (const [k, v] of value) out += `${indent}  ${JSON.stringify(k)}: ${scalar(v)}\n`;
    }
  });
  return out;
}

export function writeRuleFile(groups: readonly GroupSpec[], header = ''): string {
  if (groups.length === 0) return `${header}groups: []\n`;
  let out = `${header}groups:\n`;
  for (const group of groups) {
    out += writeFields(group.fields, '    ', '  - ');
    if (group.rules.length === 0) {
      out += '    rules: []\n';
      continue;
    }
    out += '    rules:\n';
    for (const rule of group.rules) out += writeFields(rule, '        ', '      - ');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Base rules

interface BaseRule {
  source: string;
  kind: 'alert' | 'record';
  name: string;
  expr: string;
  for?: string;
  labels: [string, string][];
  annotations: [string, string][];
  /**
   * The expression is known to parse in 3.5 (the repository's rules, examples its source does not call
   * invalid): name, template and field mutants only go to such rules, so that they test their change.
   */
  parses: boolean;
}

function ruleFields(rule: BaseRule, expr = rule.expr): Fields {
  const fields: Fields = [[rule.kind, rule.name]];
  fields.push(['expr', expr]);
  if (rule.kind === 'alert' && rule.for) fields.push(['for', raw(rule.for)]);
  if (rule.labels.length > 0) fields.push(['labels', rule.labels]);
  if (rule.kind === 'alert' && rule.annotations.length > 0) fields.push(['annotations', rule.annotations]);
  return fields;
}

function groupOf(name: string, rules: Fields[], extra: Fields = []): GroupSpec {
  return { fields: [['name', name], ...extra], rules };
}

function fileOf(rule: BaseRule, expr = rule.expr): string {
  return writeRuleFile([groupOf(groupName(rule), [ruleFields(rule, expr)])]);
}

function groupName(rule: BaseRule): string {
  return `${rule.source.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.${rule.kind === 'alert' ? 'alerts' : 'recording'}`;
}

interface ParsedRuleFile {
  groups: { name: string; interval?: string; rules: Record<string, unknown>[] }[];
}

function rulesOfFile(text: string, source: string): BaseRule[] {
  const doc = parseYaml(text) as ParsedRuleFile;
  const rules: BaseRule[] = [];
  for (const group of doc.groups ?? []) {
    for (const r of group.rules ?? []) {
      const kind = 'alert' in r ? 'alert' : 'record';
      rules.push({
        source,
        kind,
        name: String(r[kind]),
        expr: String(r.expr),
        for: typeof r.for === 'string' ? r.for : undefined,
        labels: Object.entries((r.labels ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
        annotations: Object.entries((r.annotations ?? {}) as Record<string, unknown>).map(([k, v]) => [
          k,
          String(v),
        ]),
        parses: true,
      });
    }
  }
  return rules;
}

function fromGenerated(alert: GeneratedAlert, threshold: number, source: string): BaseRule {
  const rule = alert.rule(threshold);
  return {
    source,
    kind: 'alert',
    name: rule.alert,
    expr: rule.expr,
    for: rule.for,
    labels: Object.entries(rule.labels ?? {}),
    annotations: Object.entries(rule.annotations ?? {}),
    parses: true,
  };
}

interface RepoRules {
  /** Whole files: rendered by synth (generated and vendored), and the CLI's test rule files. */
  files: { source: string; text: string }[];
  rules: BaseRule[];
}

const ROOT = join(__dirname, '..', '..');

function repoRules(rng: Rng): RepoRules {
  const files: RepoRules['files'] = [];
  const seen = new Set<string>();
  for (const name of TEST_STACKS) {
    const { files: rendered } = synthStack(testStackConfig(name), services, {
      environment: name,
      ruleFiles: vendoredRuleFiles(),
    });
    for (const path of Object.keys(rendered).sort()) {
      if (!/^prometheus\/rules\/.+\.ya?ml$/.test(path) || seen.has(rendered[path])) continue;
      seen.add(rendered[path]);
      files.push({ source: `repo:${name}/${path.split('/').pop()}`, text: rendered[path] });
    }
  }
  const cliRules = join(ROOT, 'cli', 'testdata', 'rules');
  for (const name of readdirSync(cliRules).sort()) {
    files.push({ source: `repo:cli-testdata/${name}`, text: readFileSync(join(cliRules, name), 'utf8') });
  }

  const rules: BaseRule[] = [];
  for (const file of files) {
    if (file.source.includes('broken')) continue; // its rules are half-written on purpose; kept as a file
    rules.push(...rulesOfFile(file.text, file.source.replace(/^repo:[^/]+\//, 'repo:')));
  }
  // The factories, with other thresholds and another service shape than the deployed ones.
  const variants = services.flatMap((service) => [
    service,
    { ...service, name: `${service.name}-canary`, slos: [{ name: 'latency', objective: 99.95 }] },
  ]);
  for (const service of variants) {
    const ctx = serviceContext(service);
    for (const [set, generated] of [
      ['red', redRules(ctx)],
      ['resources', resourceRules(ctx)],
      ['slo', sloRules(ctx)],
    ] as const) {
      for (const alert of generated.alerts) {
        const threshold =
          alert.threshold === 0 ? 0 : Number((alert.threshold * (0.5 + rng.int(40) / 10)).toFixed(3));
        rules.push(fromGenerated(alert, threshold, `factory:${set}`));
      }
      for (const record of generated.recording) {
        rules.push({
          source: `factory:${set}`,
          kind: 'record',
          name: record.record,
          expr: record.expr,
          labels: Object.entries(record.labels ?? {}),
          annotations: [],
          parses: true,
        });
      }
    }
  }
  for (const alert of stackHealthAlerts('sre')) rules.push(fromGenerated(alert, 0, 'factory:stack-health'));

  const unique = new Map<string, BaseRule>();
  for (const rule of rules) {
    const key = JSON.stringify([rule.kind, rule.name, rule.expr, rule.for, rule.labels, rule.annotations]);
    if (!unique.has(key)) unique.set(key, rule);
  }
  return { files, rules: [...unique.values()] };
}

/** Labels and annotations of the repository's alerts, to dress the examples as real alerts. */
function dressingPool(rules: readonly BaseRule[]): {
  labels: [string, string][][];
  annotations: [string, string][][];
} {
  const alerts = rules.filter((r) => r.kind === 'alert');
  return {
    labels: alerts.map((r) => r.labels).filter((l) => l.length > 0),
    annotations: alerts.map((r) => r.annotations).filter((a) => a.length > 0),
  };
}

function exampleRules(rng: Rng, pool: ReturnType<typeof dressingPool>): BaseRule[] {
  return PROMETHEUS_EXAMPLES.map(([source, expr, refused], i): BaseRule => {
    const n = String(i + 1).padStart(3, '0');
    const parses = !refused && !source.endsWith('@main');
    if (rng.chance(0.5)) {
      return { source, kind: 'record', name: `example:expr_${n}`, expr, labels: [], annotations: [], parses };
    }
    return {
      source,
      kind: 'alert',
      name: `PromqlExample${n}`,
      expr,
      for: rng.pick(['1m', '5m', '15m', undefined]),
      labels: rng.pick(pool.labels),
      annotations: rng.pick(pool.annotations),
      parses,
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Expression mutations: each returns the mutated expression, or undefined where it does not apply.

type ExprMutation = (expr: string, s: Structure, rng: Rng) => string | undefined;

/** `expr` wrapped in a call; a newline keeps a trailing `#` comment from swallowing the parenthesis. */
function wrap(expr: string, before: string, after: string): string {
  return `${before}${expr}${expr.includes('#') ? '\n' : ''}${after}`;
}

const followedBy = (s: Structure, i: number, kind: string): boolean => s.toks[i + 1]?.kind === kind;

const dropRange: ExprMutation = (expr, s, rng) => {
  if (s.brackets.length === 0) return undefined;
  const b = rng.pick(s.brackets);
  return splice(expr, s.toks[b.open].start, s.toks[b.close].end, '');
};

const RANGES = ['[5m]', '[1h]', '[30s]', '[2d]'];

const addRange: ExprMutation = (expr, s, rng) => {
  const bare = s.selectors.filter((sel) => !followedBy(s, sel.last, '['));
  const calls = s.calls.filter((c) => !followedBy(s, c.close, '['));
  if (bare.length > 0 && (calls.length === 0 || rng.chance(0.75))) {
    const sel = rng.pick(bare);
    return splice(expr, s.toks[sel.last].end, s.toks[sel.last].end, rng.pick(RANGES));
  }
  if (calls.length > 0) {
    const call = rng.pick(calls);
    return splice(expr, s.toks[call.close].end, s.toks[call.close].end, rng.pick(RANGES));
  }
  return undefined;
};

const swapOperandType: ExprMutation = (expr, s, rng) => {
  const options: (() => string)[] = [];
  for (const i of s.literals) {
    const t = s.toks[i];
    if (t.kind === 'number') {
      options.push(() => splice(expr, t.start, t.end, JSON.stringify(t.text)));
      options.push(() => splice(expr, t.start, t.end, `vector(${t.text})`));
    }
    if (t.kind === 'string') options.push(() => splice(expr, t.start, t.end, rng.pick(['1', '0.5', 'up'])));
  }
  for (const sel of s.selectors) {
    const { start } = s.toks[sel.first];
    const { end } = s.toks[sel.last];
    options.push(() => splice(expr, start, end, JSON.stringify(expr.slice(start, end))));
    options.push(() => splice(expr, start, end, rng.pick(['1', '0.25', 'time()'])));
  }
  for (const call of s.calls.filter((c) => !c.aggregation)) {
    const name = s.toks[call.name].text;
    if (name === 'scalar' || name === 'vector') {
      options.push(() =>
        splice(expr, s.toks[call.name].start, s.toks[call.name].end, name === 'scalar' ? 'vector' : 'scalar'),
      );
    }
  }
  return options.length > 0 ? rng.pick(options)() : undefined;
};

const badAggregationParam: ExprMutation = (expr, s, rng) => {
  const aggs = s.calls.filter((c) => c.aggregation);
  if (aggs.length === 0) {
    return rng.pick([
      () => wrap(expr, 'topk("3", ', ')'),
      () => wrap(expr, 'quantile(', ', up)'),
      () => wrap(expr, 'count_values(1, ', ')'),
      () => wrap(expr, 'bottomk(up, ', ')'),
      () => wrap(expr, 'limit_ratio("0.5", ', ')'),
      () => wrap(expr, 'topk(', ')'),
      () => wrap(expr, 'sum(2, ', ')'),
    ])();
  }
  const agg = rng.pick(aggs);
  const name = s.toks[agg.name].text.toLowerCase();
  const open = s.toks[agg.open];
  if (PARAM_AGGREGATORS.has(name) && agg.args.length > 0) {
    const [from, to] = agg.args[0];
    const first = { start: s.toks[from].start, end: s.toks[to].end };
    const options = [
      () =>
        splice(
          expr,
          first.start,
          first.end,
          name === 'count_values' ? '1' : rng.pick(['"a"', 'up', 'up[5m]']),
        ),
      () => (agg.args.length > 1 ? splice(expr, first.start, s.toks[agg.args[1][0]].start, '') : undefined),
      () => splice(expr, s.toks[agg.close].start, s.toks[agg.close].start, ', 2'),
    ];
    if (name === 'count_values') options.push(() => splice(expr, first.start, first.end, '"bad-label.name"'));
    return rng.pick(options)();
  }
  return rng.pick([
    () => splice(expr, open.end, open.end, rng.pick(['5, ', '"a", ', '0.9, '])),
    () =>
      splice(
        expr,
        s.toks[agg.name].start,
        s.toks[agg.name].end,
        rng.pick(['topk', 'quantile', 'count_values']),
      ),
  ])();
};

const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=']);

const boolMisuse: ExprMutation = (expr, s, rng) => {
  const options: (() => string)[] = [];
  for (const i of s.binaryOps) {
    const t = s.toks[i];
    if (COMPARISONS.has(t.text)) {
      if (s.toks[i + 1]?.text.toLowerCase() !== 'bool')
        options.push(() => splice(expr, t.end, t.end, ' bool'));
    } else {
      options.push(() => splice(expr, t.end, t.end, ' bool'));
    }
  }
  for (let i = 0; i < s.toks.length; i++) {
    const t = s.toks[i];
    if (t.kind === 'ident' && t.text.toLowerCase() === 'bool')
      options.push(() => splice(expr, t.start, t.end, ''));
  }
  if (options.length === 0 || rng.chance(0.2)) {
    return rng.pick([() => wrap(expr, 'scalar(', ') > 0'), () => wrap(expr, '(', ') > bool 0')])();
  }
  return rng.pick(options)();
};

const setOpScalar: ExprMutation = (expr, s, rng) => {
  const op = rng.pick(['and', 'or', 'unless']);
  const arith = s.binaryOps.filter((i) => s.toks[i].kind === 'op');
  const options = arith.map((i) => () => splice(expr, s.toks[i].start, s.toks[i].end, op));
  if (options.length === 0 || rng.chance(0.3)) {
    return rng.pick([
      () => wrap(expr, '(', `) ${op} 1`),
      () => wrap(expr, `1 ${op} (`, ')'),
      () => wrap(expr, 'scalar(', `) ${op} 0`),
      () => wrap(expr, '(', `) ${op} vector(1)`),
    ])();
  }
  return rng.pick(options)();
};

const misplacedOffsetAt: ExprMutation = (expr, s, rng) => {
  const options: (() => string)[] = [];
  const modifier = () => rng.pick([' offset 5m', ' @ 1609746000', ' offset -1h', ' @ end()']);
  for (const call of s.calls)
    options.push(() => splice(expr, s.toks[call.close].end, s.toks[call.close].end, modifier()));
  for (const b of s.brackets) {
    const before = s.toks[b.open - 1];
    if (before) options.push(() => splice(expr, before.end, before.end, rng.pick([' offset 5m', ' @ 100'])));
  }
  for (const sel of s.selectors) {
    const end = s.toks[sel.last].end;
    options.push(() =>
      splice(
        expr,
        end,
        end,
        rng.pick([' offset 5m offset 1m', ' @ 1 @ 2', ' @ start', ' @ "100"', ' offset', ' offset 1m @ 100']),
      ),
    );
    options.push(() => splice(expr, end, end, modifier()));
  }
  for (const i of s.literals) {
    const t = s.toks[i];
    if (t.kind === 'number') options.push(() => splice(expr, t.end, t.end, modifier()));
  }
  return options.length > 0 ? rng.pick(options)() : wrap(expr, '(', `)${modifier()}`);
};

const subqueryMistake: ExprMutation = (expr, s, rng) => {
  const options: (() => string)[] = [];
  for (const b of s.brackets) {
    const open = s.toks[b.open];
    const close = s.toks[b.close];
    const inside = expr.slice(open.end, close.start);
    if (b.subquery) {
      const colon = inside.indexOf(':');
      options.push(() => splice(expr, open.end, close.start, inside.slice(0, colon)));
      options.push(() => splice(expr, open.end, close.start, `:${inside.slice(colon + 1) || '1m'}`));
      options.push(() => splice(expr, open.end, close.start, `${inside}:1m`));
      options.push(() => splice(expr, close.end, close.end, '[10m:]'));
    } else {
      options.push(() => splice(expr, close.start, close.start, rng.pick([':1m', ':', ':0s'])));
      options.push(() => splice(expr, close.end, close.end, rng.pick(['[10m:]', '[1h:5m]'])));
    }
  }
  for (const call of s.calls) {
    if (followedBy(s, call.close, '[')) continue;
    const end = s.toks[call.close].end;
    options.push(() => splice(expr, end, end, rng.pick(['[1h]', '[1h:5m]', '[5m:]', '[1h:5m:1m]', '[:5m]'])));
  }
  if (options.length === 0) options.push(() => wrap(expr, '(', `)${rng.pick(['[1h]', '[1h:5m]'])}`));
  return rng.pick(options)();
};

/** Not functions of Prometheus 3.5: misspellings, 2.x names, newer or experimental functions. */
const STRANGERS = [
  'holt_winters',
  'first_over_time',
  'histogram_quantiles',
  'ts_of_first_over_time',
  'start_timestamp',
  'sort_by_label',
  'mad_over_time',
  'double_exponential_smoothing',
  'rate_over_time',
  'percentile',
  'Rate',
  'ABS',
];

const unknownFunction: ExprMutation = (expr, s, rng) => {
  const calls = s.calls;
  if (calls.length === 0) return wrap(expr, `${rng.pick(STRANGERS)}(`, ')');
  const call = rng.pick(calls);
  const t = s.toks[call.name];
  const name = t.text;
  const misspelt = rng.pick([
    name.slice(0, -1),
    `${name}s`,
    name.replace(/_/g, ''),
    name.charAt(0).toUpperCase() + name.slice(1),
    rng.pick(STRANGERS),
  ]);
  return misspelt === name ? undefined : splice(expr, t.start, t.end, misspelt);
};

const wrongArgCount: ExprMutation = (expr, s, rng) => {
  const calls = s.calls;
  if (calls.length === 0) return wrap(expr, rng.pick(['clamp(', 'vector(', 'label_replace(', 'round(']), ')');
  const call = rng.pick(calls);
  const open = s.toks[call.open];
  const close = s.toks[call.close];
  const options = [
    () => splice(expr, close.start, close.start, rng.pick([', 1', ', "a"', ', up', ', 1, 2'])),
    () => splice(expr, open.end, close.start, ''),
  ];
  if (call.args.length > 1) {
    const last = call.args[call.args.length - 1];
    const comma = s.toks[last[0] - 1];
    options.push(() => splice(expr, comma.start, close.start, ''));
  }
  return rng.pick(options)();
};

const EXPR_MUTATIONS: Partial<Record<Mutation, ExprMutation>> = {
  'drop-range': dropRange,
  'add-range': addRange,
  'swap-operand-type': swapOperandType,
  'bad-aggregation-param': badAggregationParam,
  'bool-misuse': boolMisuse,
  'set-op-scalar': setOpScalar,
  'misplaced-offset-at': misplacedOffsetAt,
  'subquery-mistake': subqueryMistake,
  'unknown-function': unknownFunction,
  'wrong-arg-count': wrongArgCount,
};

// ---------------------------------------------------------------------------------------------------
// Rule and file mutations

const BROKEN_TEMPLATES = [
  '{{ $value ( }}',
  'value {{ $value }} {{ end }}',
  '{{ $value | humanizeFoo }}',
  '{{ $labels.instance ',
  '{{ if gt $value 1.0 }}high',
  '{{ range }}{{ end }}',
  '{{ $undefined }}',
  '{{ "unterminated }}',
  '{{ $value | }}',
  '{{ else }}',
  '{{/* unclosed comment }}',
  '{{ break }}',
  '{{ $labels.job }} {{ nosuchfunc $value }}',
  '{{ with $labels }}{{ .job }}',
  '{{ $value }}}} extra',
  '{{ template }}',
  '{{ index $labels }}{{ end }}',
  '{{ printf "%.2f" $value ) }}',
  '{{ .Labels.job | toUpper | }}',
  '{{ humanize }}{{ if }}{{ end }}',
  '{{ $value | toDuration }}',
  '{{ now }}',
  '{{ tmpl "console" . }}',
];

const VALID_TEMPLATES = [
  '{{ $value | humanizePercentage }} of requests fail',
  '{{ with query "up" }}{{ . | first | value }}{{ end }}',
  '{{ printf "%.2f" $value }}',
  '{{- $labels.instance -}}',
  '{{ if gt $value 1.0 }}high{{ else }}low{{ end }}',
  '{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}',
  '{{ $externalLabels.cluster }} {{ $externalURL }}',
  '{{ "}}" }} braces in a string',
  '{{/* a comment */}}quiet',
  '{{ humanizeDuration 3600 }} {{ toUpper "a" }}',
  '{{ reReplaceAll "(.*):.*" "$1" $labels.instance }}',
  '{{ .Value }} {{ .Labels.job }}',
  '{{ $labels.job | title | safeHtml }}',
  '{{ index $labels "on-call" }}',
  '{{ $value | humanize1024 }} {{ stripPort $labels.instance }} {{ stripDomain "a.b:1" }}',
  '{{ parseDuration "1h" }} {{ humanizeTimestamp $value }} {{ toTime $value }}',
  '{{ $v := 1 }}{{ $v }}',
  '{{ range $labels }}{{ break }}{{ end }}',
  '{{ define "x" }}x{{ end }}{{ template "x" }}',
  '{{ pathPrefix }} {{ graphLink "up" }} {{ tableLink "up" }}',
  '{{ args 1 2 }} {{ label "job" . }} {{ strvalue . }} {{ match "a" "b" }}',
  '{{ sortByLabel "job" . }} {{ externalURL }}',
  'percent sign 100% and {single} braces',
  '{{ urlquery $labels.job }} {{ html "<b>" }} {{ js "x" }} {{ len $labels }}',
];

const ODD_ALERT_NAMES = [
  'Cert-managerAbsent',
  'MysqlTooManyConnections(>80%)',
  'High latency',
  '50% errors',
  'Überlast',
  '警告',
  'a.b.c',
  '1Alert',
  '__alert',
  'Alert{job}',
  'A/B',
  '"quoted"',
  '',
  ' ',
  'tab\there',
  'emoji 🔥',
  'line\nbreak',
  'alert:with:colons',
  '{{ $labels.job }}',
  'x'.repeat(300),
];

const ODD_RECORD_NAMES = [
  'job:up.sum',
  'job-up:sum',
  '1job:up',
  '__job:up',
  'job up',
  'job:up{instance="a"}',
  'job:up}',
  'über:metric',
  '',
  ':leading:colon',
  'trailing:',
  'dots.and-dashes',
  'job:up:rate5m',
  'ns/metric',
  'metric_ñ',
];

const ODD_LABEL_NAMES = [
  'on-call',
  'a.b',
  '1abc',
  '__meta',
  '__name__',
  '',
  'ünicode',
  'with space',
  'UPPER',
  '_',
  '__',
  'label:colon',
  'le',
];

const BAD_DURATIONS = [
  '5 minutes',
  '5M',
  '-5m',
  '1.5h',
  '5m30s',
  '0',
  '0s',
  '1y',
  '300',
  '5mm',
  '1h 30m',
  '""',
  'P5M',
  '5d1h',
  '1w2d',
  '1h1h',
  '30m1h',
  '90s',
  '1ms',
  '10',
  'forever',
  '1e3s',
];

type RuleMutation = (rule: BaseRule, rng: Rng, other: BaseRule) => string | undefined;

function asAlert(rule: BaseRule, rng: Rng, pool: ReturnType<typeof dressingPool>): BaseRule {
  if (rule.kind === 'alert') return rule;
  return {
    ...rule,
    kind: 'alert',
    name: rule.name.replace(/[^a-zA-Z0-9]/g, '_'),
    labels: rule.labels.length ? rule.labels : rng.pick(pool.labels),
    annotations: rng.pick(pool.annotations),
  };
}

function asRecord(rule: BaseRule): BaseRule {
  if (rule.kind === 'record') return rule;
  return {
    ...rule,
    kind: 'record',
    name: `alert:${rule.name.toLowerCase()}`,
    for: undefined,
    annotations: [],
  };
}

/** Sets or adds one entry of a label or annotation list. */
function withEntry(entries: readonly [string, string][], key: string, value: string): [string, string][] {
  const out = entries.filter(([k]) => k !== key);
  out.push([key, value]);
  return out;
}

function ruleMutations(pool: ReturnType<typeof dressingPool>): Partial<Record<Mutation, RuleMutation>> {
  const templated =
    (templates: readonly string[]): RuleMutation =>
    (rule, rng) => {
      const template = rng.pick(templates);
      if (rule.kind === 'record' && rng.chance(0.7)) {
        // Recording rules' labels are not templates for Prometheus: it must not parse them.
        return fileOf({ ...rule, labels: withEntry(rule.labels, 'note', template) });
      }
      const alert = asAlert(rule, rng, pool);
      const changed = rng.chance(0.3)
        ? { ...alert, labels: withEntry(alert.labels, rng.pick(['severity', 'summary_label']), template) }
        : {
            ...alert,
            annotations: withEntry(
              alert.annotations,
              rng.pick(['summary', 'description', 'runbook_url']),
              template,
            ),
          };
      return fileOf(changed);
    };

  return {
    'broken-template': templated(BROKEN_TEMPLATES),
    'valid-template': templated(VALID_TEMPLATES),
    'odd-alert-name': (rule, rng) => fileOf({ ...asAlert(rule, rng, pool), name: rng.pick(ODD_ALERT_NAMES) }),
    'odd-record-name': (rule, rng) => fileOf({ ...asRecord(rule), name: rng.pick(ODD_RECORD_NAMES) }),
    'odd-label-name': (rule, rng) => {
      const name = rng.pick(ODD_LABEL_NAMES);
      const where = rng.int(rule.kind === 'alert' ? 4 : 3);
      if (where === 0) return fileOf({ ...rule, labels: withEntry(rule.labels, name, 'x') });
      if (where === 1) {
        // Group labels (Prometheus 3.x).
        const extra: Fields = [['labels', [[name, 'x']]]];
        return writeRuleFile([groupOf(groupName(rule), [ruleFields(rule)], extra)]);
      }
      if (where === 2) {
        const value = rng.pick(['', 'ünïcode value', 'multi\nline', '{{ $labels.job }}', 'a"b']);
        return fileOf({ ...rule, labels: withEntry(rule.labels, rng.pick(['team', name]), value) });
      }
      return fileOf({ ...rule, annotations: withEntry(rule.annotations, name, 'x') });
    },
    'repeated-group': (rule, rng, other) => {
      const name = groupName(rule);
      const mutate = rng.pick(Object.values(EXPR_MUTATIONS));
      const broken = rng.chance(0.6) ? mutate(other.expr, analyze(other.expr), rng) : undefined;
      const groups = [
        groupOf(name, [ruleFields(rule)]),
        groupOf(rng.chance(0.8) ? name : `${name}.other`, [ruleFields(other, broken ?? other.expr)]),
      ];
      if (rng.chance(0.3)) groups.push(groupOf(name, []));
      if (rng.chance(0.2)) groups.push(groupOf('', [ruleFields(other)]));
      return writeRuleFile(groups);
    },
    'duplicate-rule': (rule, rng, other) => {
      const fields = ruleFields(rule);
      const name = groupName(rule);
      switch (rng.int(5)) {
        case 0:
          return writeRuleFile([groupOf(name, [fields, fields])]);
        case 1:
          return writeRuleFile([groupOf(name, [fields]), groupOf(`${name}.copy`, [fields])]);
        case 2: // same name, other labels: not a duplicate
          return writeRuleFile([
            groupOf(name, [fields, ruleFields({ ...rule, labels: withEntry(rule.labels, 'replica', 'b') })]),
          ]);
        case 3: // same name and labels, other expression
          return writeRuleFile([groupOf(name, [fields, ruleFields({ ...rule, expr: other.expr })])]);
        default: // same rule twice in two files' worth of groups, with group labels telling them apart
          return writeRuleFile([
            groupOf(name, [fields], [['labels', [['shard', '1']]]]),
            groupOf(`${name}.b`, [fields], [['labels', [['shard', '2']]]]),
          ]);
      }
    },
    'bad-duration': (rule, rng) => {
      const value = rng.pick(BAD_DURATIONS);
      const where = rng.int(4);
      const alert = asAlert(rule, rng, pool);
      if (where === 0) return fileOf({ ...alert, for: value });
      if (where === 1) {
        return writeRuleFile([
          groupOf(groupName(alert), [[...ruleFields(alert), ['keep_firing_for', raw(value)]]]),
        ]);
      }
      const key = where === 2 ? 'interval' : 'query_offset';
      return writeRuleFile([groupOf(groupName(rule), [ruleFields(rule)], [[key, raw(value)]])]);
    },
    'rule-fields': (rule, rng) => {
      const fields = ruleFields(rule);
      const name = groupName(rule);
      const variants: (() => string)[] = [
        () => writeRuleFile([groupOf(name, [[...fields, ['lables', [['severity', 'critical']]]]])]),
        () => writeRuleFile([groupOf(name, [[['record', 'job:x:sum'], ...fields]])]),
        () => writeRuleFile([groupOf(name, [fields.filter(([k]) => k !== 'expr')])]),
        () =>
          writeRuleFile([
            groupOf(name, [fields.map(([k, v]): [string, Value] => [k, k === 'expr' ? '' : v])]),
          ]),
        () => writeRuleFile([groupOf(name, [fields.filter(([k]) => k === 'expr')])]),
        () => fileOf({ ...asRecord(rule) }).replace(/\n$/, `\n        for: 5m\n`),
        () =>
          fileOf({ ...asRecord(rule) }).replace(/\n$/, `\n        annotations:\n          summary: "x"\n`),
        () =>
          writeRuleFile([groupOf(name, [fields], [['limit', raw(rng.pick(['10', '-1', '"ten"', '0']))]])]),
        () => writeRuleFile([groupOf(name, [fields], [['unknown_field', 'x']])]),
        () => writeRuleFile([groupOf(name, [[...fields, ['expr', '1']]])]),
        () => writeRuleFile([]),
        () => `${writeRuleFile([groupOf(name, [fields])])}extra: true\n`,
        () =>
          writeRuleFile([groupOf(name, [fields])]).replace(
            'groups:\n',
            'groups:\n  - name: "first"\n    rules:\n',
          ),
      ];
      return rng.pick(variants)();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The corpus

function slug(source: string): string {
  return source
    .replace(/^repo:[^/]*\/|^repo:/, 'repo-')
    .replace(/\.(md|go|test|ya?ml)(@main)?$/, '$2')
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/**
 * Every case, in a fixed order. About 2,000 rule files; `seed` changes the mutants, never their number
 * of sources.
 */
export function generateCorpus(seed = SEED): AgreementCase[] {
  const rng = new Rng(seed);
  const cases: AgreementCase[] = [];
  const ids = new Set<string>();
  const add = (source: string, mutation: string, yaml: string) => {
    let id = `${slug(source)}-${String(cases.length + 1).padStart(4, '0')}-${mutation}`;
    while (ids.has(id)) id += 'x';
    ids.add(id);
    cases.push({ id, source, mutation, yaml });
  };

  const repo = repoRules(rng);
  const pool = dressingPool(repo.rules);
  const examples = exampleRules(rng, pool);
  const onRule = ruleMutations(pool);
  const made = new Map<Mutation, number>(MUTATIONS.map((kind) => [kind, 0]));
  let turn = 0;

  /**
   * `count` mutants of `rule`: the kinds made least so far first (ties in rotating order), each only
   * where it applies, so that every kind gets its share although some apply to fewer expressions.
   */
  const mutate = (rule: BaseRule, count: number, others: readonly BaseRule[]) => {
    const n = MUTATIONS.length;
    const rank = (kind: Mutation) => (MUTATIONS.indexOf(kind) - (turn % n) + n) % n;
    const order = [...MUTATIONS].sort((a, b) => made.get(a)! - made.get(b)! || rank(a) - rank(b));
    turn++;
    let done = 0;
    for (const kind of order) {
      if (done === count) break;
      const exprMutation = EXPR_MUTATIONS[kind];
      let yaml: string | undefined;
      if (exprMutation) {
        const expr = exprMutation(rule.expr, analyze(rule.expr), rng);
        if (expr !== undefined && expr !== rule.expr) yaml = fileOf(rule, expr);
      } else if (rule.parses) {
        yaml = onRule[kind]!(rule, rng, rng.pick(others));
      }
      if (yaml === undefined) continue;
      add(rule.source, kind, yaml);
      made.set(kind, made.get(kind)! + 1);
      done++;
    }
  };

  for (const file of repo.files) add(file.source, 'none', file.text);
  for (const rule of repo.rules) {
    add(rule.source, 'none', fileOf(rule));
    mutate(rule, REPO_MUTANTS, repo.rules);
  }
  for (const rule of examples) {
    add(rule.source, 'none', fileOf(rule));
    mutate(rule, EXAMPLE_MUTANTS, repo.rules);
  }
  // Whole rendered files with one rule mutated: real files with one mistake among valid rules.
  for (const file of repo.files.filter((f) => !f.source.includes('broken'))) {
    const doc = parseYaml(file.text) as ParsedRuleFile;
    const rules = rulesOfFile(file.text, file.source);
    for (let n = 0; n < FILE_MUTANTS && rules.length > 0; n++) {
      const target = rng.int(rules.length);
      const kind = rng.pick(Object.keys(EXPR_MUTATIONS) as Mutation[]);
      const expr = EXPR_MUTATIONS[kind]!(rules[target].expr, analyze(rules[target].expr), rng);
      if (expr === undefined || expr === rules[target].expr) continue;
      let k = 0;
      const specs = doc.groups.map((g) =>
        groupOf(
          g.name,
          g.rules.map(() => {
            const rule = rules[k];
            return ruleFields(rule, k++ === target ? expr : rule.expr);
          }),
          g.interval ? [['interval', raw(g.interval)]] : [],
        ),
      );
      add(file.source, kind, writeRuleFile(specs, '# whole file, one rule mutated\n'));
    }
  }
  return cases;
}
