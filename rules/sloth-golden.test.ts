import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { IssueCollector } from '../components/model/errors';
import { renderRuleFile } from '../components/model/rules';
import { defineService, validateServices, type SloSpec } from '../components/service';
import { buildServiceRules, ruleFileOf } from './build';

/**
 * Sloth's getting-started example (99.9% of requests without a 5xx or 429, over 30d) and its 28d variant,
 * rendered by promstack and compared with the rules Sloth publishes for them (rules/testdata/sloth/, with
 * their source and license), rule by rule: record names and order, `sloth_*` labels, expressions after
 * normalising whitespace, thresholds as numbers, windows, and `for`. What differs is listed below with
 * its reason, and the test fails if anything else does.
 */

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}

const TESTDATA = join(__dirname, 'testdata', 'sloth');

function slothRules(file: string, rename: Record<string, string> = {}): Rule[] {
  let text = readFileSync(join(TESTDATA, file), 'utf8');
  for (const [from, to] of Object.entries(rename)) text = text.replaceAll(from, to);
  const doc = parse(text) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

/** The getting-started SLO as a promstack service: its SLI is the RED error ratio of job="myservice". */
function promstackRules(period?: SloSpec['period']): Rule[] {
  const service = defineService({
    name: 'myservice',
    team: 'myteam',
    scrape: { targets: { docker: ['myservice:8080'] } },
    metrics: { http_request_duration_seconds_count: { type: 'counter', labels: ['code'] } },
    red: { requests: 'http_request_duration_seconds_count', errors: { label: 'code', regex: '(5..|429)' } },
    slos: [{ name: 'requests-availability', objective: 99.9, ...(period ? { period } : {}) }],
  });
  const issues = new IssueCollector();
  validateServices([service], issues);
  expect(issues.issues).toEqual([]);
  // Rendered and read back, so that what is compared is what Prometheus loads.
  const doc = parse(renderRuleFile(ruleFileOf(buildServiceRules(service)))) as {
    groups: { rules: Rule[] }[];
  };
  return doc.groups
    .flatMap((g) => g.rules)
    .filter((r) => r.labels?.sloth_slo === 'requests-availability' || r.alert?.endsWith('ErrorBudgetBurn'));
}

/** PromQL with every whitespace removed: `on(` and `on (`, indentation and line breaks read the same. */
const compact = (expr: string) => expr.replace(/\s+/g, '');

const NUMBER = String.raw`\d+(?:\.\d+)?(?:e[-+]?\d+)?`;
/**
 * Constant arithmetic evaluated to 12 significant digits: `vector(1-0.9990000000000001)` and
 * `vector(0.001)`, `(14.4*0.0009999999999999432)` and `(14.4*0.001)` read the same.
 */
function numeric(expr: string): string {
  const value = (n: number) => String(Number(n.toPrecision(12)));
  return compact(expr)
    .replace(new RegExp(`\\((${NUMBER})\\*(${NUMBER})\\)`, 'g'), (_, a: string, b: string) =>
      value(Number(a) * Number(b)),
    )
    .replace(
      new RegExp(`vector\\((${NUMBER})-(${NUMBER})\\)`, 'g'),
      (_, a: string, b: string) => `vector(${value(Number(a) - Number(b))})`,
    )
    .replace(new RegExp(`vector\\((${NUMBER})\\)`, 'g'), (_, a: string) => `vector(${value(Number(a))})`);
}

/** Each alert condition's windows and threshold: `[short, long, factor × budget]`. */
function thresholds(expr: string): [string, string, number][] {
  const over = [...compact(expr).matchAll(/ratio_rate(\w+)\{[^}]*\}>\(([\d.e-]+)\*([\d.e-]+)\)/g)];
  const conditions: [string, string, number][] = [];
  for (let i = 0; i < over.length; i += 2) {
    conditions.push([
      over[i][1],
      over[i + 1][1],
      Number((Number(over[i][2]) * Number(over[i][3])).toPrecision(12)),
    ]);
  }
  return conditions;
}

const SLO_LABELS = ['sloth_id', 'sloth_service', 'sloth_slo', 'sloth_window', 'sloth_severity'];
const pick = (labels: Record<string, string> = {}, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => k in labels).map((k) => [k, labels[k]]));
const recordingKey = (r: Rule) => `${r.record}${r.labels?.sloth_window ? ` [${r.labels.sloth_window}]` : ''}`;
const alertKey = (r: Rule) => `alert (${r.labels?.sloth_severity})`;
const keyOf = (r: Rule) => (r.record ? recordingKey(r) : alertKey(r));

/**
 * The rules whose expressions differ once whitespace is normalised, and why; none differs once constant
 * arithmetic is evaluated.
 */
const EXPRESSION_DIFFERENCES: Record<string, string> = {
  'slo:objective:ratio':
    'Sloth prints the objective as a float64, 0.9990000000000001; promstack rounds to 12 significant digits, 0.999',
  'slo:error_budget:ratio':
    'Sloth leaves the subtraction to Prometheus, vector(1-0.9990000000000001); promstack writes its result, 0.001',
  'alert (page)':
    "thresholds: Sloth multiplies by its float64 budget 0.0009999999999999432 (100 - 99.9) and prints 28d's 5.6 as 5.6000000000000005; promstack writes 0.001 and 12 significant digits",
  'alert (ticket)':
    "thresholds: the same budget, and 28d's 2.8000000000000003 and 0.9333333333333333 as 2.8 and 0.933333333333",
};

/*
 * Not compared, and why:
 * - The alert name: Sloth names the example's alert MyServiceHighErrorRate (myServiceAlert in the 28d
 *   test) from its alerting.name; the service here keeps promstack's default, <Slo>ErrorBudgetBurn
 *   (checked below). The API server comparison further down sets alertName as its example does.
 * - Alert labels and annotations: the example sets its own (category, routing_key, severity
 *   pageteam/slack, slack_channel, a summary); promstack adds service, team, slo and severity
 *   critical/warning, which its routing uses. sloth_severity is compared.
 * - Labels the example adds to every rule (owner, repo, tier; cmd from Sloth's generator script):
 *   promstack puts a service's labels on its alerts only.
 * - sloth_slo_info's sloth_mode (cli-gen-prom under Sloth, promstack) and sloth_version (dev, absent).
 * - Groups: Sloth writes three per SLO (SLI, meta, alerts), promstack one recording and one alert group
 *   per service; the rules keep Sloth's order.
 */

describe.each([
  ['getting-started (30d)', 'getting-started.yml', undefined, {}],
  [
    'getting-started over 28d',
    'out-base-28d.yml',
    '28d' as const,
    // Sloth's 28d expectations are for its test SLO slo1 of svc01, with the same SLI on job="myservice".
    {
      'svc01-slo1': 'myservice-requests-availability',
      '"svc01"': '"myservice"',
      ': svc01\n': ': myservice\n',
      '"slo1"': '"requests-availability"',
      ': slo1\n': ': requests-availability\n',
    },
  ],
])("Sloth's %s rules, rendered by promstack", (_name, file, period, rename) => {
  const sloth = slothRules(file, rename);
  const ours = promstackRules(period);

  it('has the same recording rules, in the same order, with the same sloth_* labels', () => {
    const shape = (rules: Rule[]) =>
      rules.filter((r) => r.record).map((r) => [recordingKey(r), pick(r.labels, SLO_LABELS)]);
    expect(shape(ours)).toEqual(shape(sloth));
    const info = (rules: Rule[]) =>
      pick(rules.find((r) => r.record === 'sloth_slo_info')!.labels, ['sloth_objective', 'sloth_spec']);
    expect(info(ours)).toEqual(info(sloth));
  });

  it('has a page and a ticket alert with the same windows, thresholds and `for`', () => {
    const shape = (rules: Rule[]) =>
      rules
        .filter((r) => r.alert)
        .map((r) => [alertKey(r), thresholds(r.expr), r.for ?? null, pick(r.labels, SLO_LABELS)]);
    expect(shape(ours)).toEqual(shape(sloth));
    expect(shape(ours).map(([, conditions]) => conditions)).toEqual(
      period === '28d'
        ? [
            [
              ['5m', '1h', 0.01344],
              ['30m', '6h', 0.0056],
            ],
            [
              ['2h', '1d', 0.0028],
              ['6h', '3d', 0.000933333333333],
            ],
          ]
        : [
            [
              ['5m', '1h', 0.0144],
              ['30m', '6h', 0.006],
            ],
            [
              ['2h', '1d', 0.003],
              ['6h', '3d', 0.001],
            ],
          ],
    );
  });

  it('has the same expressions: equal once whitespace is normalised, but for the numbers listed', () => {
    const byKey = (rules: Rule[]) => new Map(rules.map((r) => [keyOf(r), r.expr]));
    const theirs = byKey(sloth);
    const mine = byKey(ours);
    expect([...mine.keys()]).toEqual([...theirs.keys()]);
    const differing = [...mine.keys()].filter((k) => compact(mine.get(k)!) !== compact(theirs.get(k)!));
    expect(differing.map((k) => k.replace(/ \[.*\]$/, ''))).toEqual(Object.keys(EXPRESSION_DIFFERENCES));
    for (const key of mine.keys())
      expect([key, numeric(mine.get(key)!)]).toEqual([key, numeric(theirs.get(key)!)]);
  });

  it("differs where listed: the alert's name and sloth_slo_info's mode", () => {
    const names = (rules: Rule[]) => [...new Set(rules.filter((r) => r.alert).map((r) => r.alert))];
    expect(names(ours)).toEqual(['RequestsAvailabilityErrorBudgetBurn']);
    expect(names(sloth)).toEqual([period ? 'myServiceAlert' : 'MyServiceHighErrorRate']);
    const mode = (rules: Rule[]) => rules.find((r) => r.record === 'sloth_slo_info')!.labels?.sloth_mode;
    expect([mode(ours), mode(sloth)]).toEqual(['promstack', 'cli-gen-prom']);
  });
});

/**
 * Sloth's Kubernetes API server latency SLO (99% of requests within 0.4s over 30d, its
 * examples/kubernetes-apiserver.yml) as a promstack service, written two ways: as Sloth writes it, an
 * events SLI with its two queries; and as a latency SLI on the declared histogram with its 0.4 bucket.
 * Both carry the example's alert name and its SLO label (category: latency).
 */
const APISERVER_EVENTS: SloSpec['sli'] = {
  events: {
    errors: [
      '(',
      '  sum(rate(apiserver_request_duration_seconds_count{verb!="WATCH"}[{{.window}}]))',
      '  -',
      '  sum(rate(apiserver_request_duration_seconds_bucket{le="0.4",verb!="WATCH"}[{{.window}}]))',
      ')',
    ].join('\n'),
    total: 'sum(rate(apiserver_request_duration_seconds_count{verb!="WATCH"}[{{.window}}]))',
  },
};
const APISERVER_LATENCY: SloSpec['sli'] = {
  latency: { histogram: 'apiserver_request_duration_seconds', le: '0.4' },
};

function apiserverRules(sli: SloSpec['sli']): Rule[] {
  const service = defineService({
    name: 'k8s-apiserver',
    team: 'platform',
    scrape: { targets: { docker: ['apiserver:6443'] } },
    metrics: {
      apiserver_request_duration_seconds: {
        type: 'histogram',
        labels: ['verb', 'resource', 'scope'],
        // The API server's buckets (k8s.io/apiserver/pkg/endpoints/metrics), 0.4 among them.
        buckets: [
          0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
        ],
      },
    },
    slos: [
      {
        name: 'requests-latency',
        objective: 99,
        sli,
        alertName: 'K8sApiserverLatencyAlert',
        labels: { category: 'latency' },
      },
    ],
  });
  const issues = new IssueCollector();
  validateServices([service], issues);
  expect(issues.issues).toEqual([]);
  const doc = parse(renderRuleFile(ruleFileOf(buildServiceRules(service)))) as {
    groups: { rules: Rule[] }[];
  };
  return doc.groups
    .flatMap((g) => g.rules)
    .filter((r) => r.labels?.sloth_slo === 'requests-latency' || r.alert === 'K8sApiserverLatencyAlert');
}

/*
 * Not compared, beyond what the getting-started comparison leaves out: the example's service labels
 * (cluster, component) that Sloth puts on every rule, and its alerts' runbook annotation; promstack puts
 * a service's labels on its alerts only, and writes its runbook_url from the stack's runbookBaseUrl.
 */
describe("Sloth's Kubernetes API server latency SLO, rendered by promstack", () => {
  const sloth = slothRules('kubernetes-apiserver-latency.yml');
  const LABELS = ['category', ...SLO_LABELS];

  describe.each([
    ['as an events SLI with the example’s queries', APISERVER_EVENTS, {}],
    [
      'as a latency SLI on the declared histogram',
      APISERVER_LATENCY,
      // The one difference in the SLI records: promstack selects the service's scrape job, the example
      // leaves out WATCH requests (held open for minutes: their duration is no latency). A latency SLI has
      // no selector of its own; the events form above is how to write that filter.
      { 'job="k8s-apiserver",le="0.4"': 'le="0.4",verb!="WATCH"', 'job="k8s-apiserver"': 'verb!="WATCH"' },
    ],
  ])('%s', (_name, sli, selectors: Record<string, string>) => {
    const ours = apiserverRules(sli);

    it('has the same recording rules and alerts, in order, with the same names and labels', () => {
      const shape = (rules: Rule[]) =>
        rules.map((r) => [
          keyOf(r),
          r.alert ?? null,
          pick(r.labels, r.alert ? ['category', 'severity', 'sloth_severity'] : LABELS),
        ]);
      expect(shape(ours)).toEqual(shape(sloth));
      expect(shape(ours).filter(([, alert]) => alert)).toHaveLength(2);
    });

    it('has the same expressions once whitespace is normalised, but for the error budget and the selector', () => {
      const theirs = new Map(sloth.map((r) => [keyOf(r), r.expr]));
      const differing = ours.filter((r) => compact(r.expr) !== compact(theirs.get(keyOf(r))!)).map(keyOf);
      const sliRecords = ours
        .filter((r) => /^slo:sli_error:ratio_rate\w+$/.test(r.record ?? ''))
        .slice(0, -1);
      expect(differing).toEqual([
        ...(Object.keys(selectors).length > 0 ? sliRecords.map(keyOf) : []),
        'slo:error_budget:ratio',
      ]);
      for (const rule of ours) {
        let expr = rule.expr;
        for (const [from, to] of Object.entries(selectors)) expr = expr.replaceAll(`{${from}}`, `{${to}}`);
        expect([keyOf(rule), numeric(expr)]).toEqual([keyOf(rule), numeric(theirs.get(keyOf(rule))!)]);
      }
    });

    it('pins the thresholds: 14.4x and 6x the 1% budget for the page, 3x and 1x for the ticket', () => {
      expect(ours.filter((r) => r.alert).map((r) => thresholds(r.expr))).toEqual([
        [
          ['5m', '1h', 0.144],
          ['30m', '6h', 0.06],
        ],
        [
          ['2h', '1d', 0.03],
          ['6h', '3d', 0.01],
        ],
      ]);
      expect(sloth.filter((r) => r.alert).map((r) => thresholds(r.expr))).toEqual(
        ours.filter((r) => r.alert).map((r) => thresholds(r.expr)),
      );
    });
  });
});
