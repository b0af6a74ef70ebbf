import type { RecordingRuleInput } from '../components/model/rules';
import type { SloSpec } from '../components/service';
import {
  DEFAULT_SLO_PERIOD,
  SLO_LABELS,
  SLO_RECORDS,
  errorBudget,
  ruleNumber,
  sloAlertName,
  sloWindows,
  type BurnCondition,
  type BurnKind,
} from '../components/service/slo-conventions';
import { requestLabels, type ServiceContext } from './context';
import { formatG4 } from './humanize';
import { burnScenarios, seriesOf } from './slo-tests';
import { minutes, type AlertCase, type AlertScenario, type GeneratedAlert, type RuleSet } from './types';

export { SLO_RECORDS, errorBudget, sloAlertName, type BurnKind } from '../components/service/slo-conventions';

/**
 * Multi-window multi-burn-rate SLO rules, compatible with Sloth's output: the same recording rule names
 * and `sloth_*` labels, so Sloth's Grafana dashboards work on them unchanged. Windows, factors and their
 * names follow the SLO's period (components/service/slo-conventions.ts): at 30d, page at 14.4x over
 * 1h/5m or 6x over 6h/30m, ticket at 3x over 1d/2h or 1x over 3d/6h; at 28d 13.44x, 5.6x, 2.8x and
 * 0.933x over the same windows, as Sloth; at 7d the workbook's windows scaled to the week.
 */

const SEVERITY: Record<BurnKind, string> = { page: 'critical', ticket: 'warning' };

export function sloId(ctx: ServiceContext, slo: SloSpec): string {
  return `${ctx.service.name}-${slo.name}`;
}

function sloSelector(ctx: ServiceContext, slo: SloSpec): string {
  return `${SLO_LABELS.id}="${sloId(ctx, slo)}", ${SLO_LABELS.service}="${ctx.service.name}", ${SLO_LABELS.slo}="${slo.name}"`;
}

function sloLabels(ctx: ServiceContext, slo: SloSpec): Record<string, string> {
  return {
    [SLO_LABELS.id]: sloId(ctx, slo),
    [SLO_LABELS.service]: ctx.service.name,
    [SLO_LABELS.slo]: slo.name,
  };
}

/** SLI, meta and alert rules of every SLO of a service. */
export function sloRules(ctx: ServiceContext): RuleSet {
  const rules: RuleSet = { recording: [], alerts: [] };
  for (const slo of ctx.service.slos ?? []) {
    rules.recording.push(...sliRecords(ctx, slo), ...metaRecords(ctx, slo));
    rules.alerts.push(burnAlert(ctx, slo, 'page'), burnAlert(ctx, slo, 'ticket'));
  }
  return rules;
}

function sliRecords(ctx: ServiceContext, slo: SloSpec): RecordingRuleInput[] {
  const red = ctx.service.red!;
  const sel = `job="${ctx.job}"`;
  const windows = sloWindows(slo.period);
  const records = windows.sliWindows.map((window): RecordingRuleInput => ({
    record: SLO_RECORDS.errorRatio(window),
    expr: [
      `(sum(rate(${red.requests}{${sel},${red.errors.label}=~"${red.errors.regex}"}[${window}])))`,
      '/',
      `(sum(rate(${red.requests}{${sel}}[${window}])))`,
    ].join('\n'),
    labels: { ...sloLabels(ctx, slo), [SLO_LABELS.window]: window },
  }));
  // The period's ratio from the shortest window's, as Sloth does: cheaper than a rate over the period.
  const shortest = `${SLO_RECORDS.errorRatio(windows.shortestWindow)}{${sloSelector(ctx, slo)}}`;
  const period = windows.periodWindow;
  records.push({
    record: SLO_RECORDS.errorRatio(period),
    expr: `sum_over_time(${shortest}[${period}])\n/ ignoring (${SLO_LABELS.window})\ncount_over_time(${shortest}[${period}])`,
    labels: { ...sloLabels(ctx, slo), [SLO_LABELS.window]: period },
  });
  return records;
}

function metaRecords(ctx: ServiceContext, slo: SloSpec): RecordingRuleInput[] {
  const labels = sloLabels(ctx, slo);
  const sel = sloSelector(ctx, slo);
  const windows = sloWindows(slo.period);
  const on = `on (${SLO_LABELS.id}, ${SLO_LABELS.slo}, ${SLO_LABELS.service}) group_left`;
  return [
    { record: SLO_RECORDS.objective, expr: `vector(${ruleNumber(slo.objective / 100)})`, labels },
    { record: SLO_RECORDS.errorBudget, expr: `vector(${errorBudget(slo.objective)})`, labels },
    { record: SLO_RECORDS.periodDays, expr: `vector(${ruleNumber(windows.periodDays)})`, labels },
    {
      record: SLO_RECORDS.currentBurnRate,
      expr: `${SLO_RECORDS.errorRatio(windows.shortestWindow)}{${sel}}\n/ ${on}\n${SLO_RECORDS.errorBudget}{${sel}}`,
      labels,
    },
    {
      record: SLO_RECORDS.periodBurnRate,
      expr: `${SLO_RECORDS.errorRatio(windows.periodWindow)}{${sel}}\n/ ${on}\n${SLO_RECORDS.errorBudget}{${sel}}`,
      labels,
    },
    { record: SLO_RECORDS.budgetRemaining, expr: `1 - ${SLO_RECORDS.periodBurnRate}{${sel}}`, labels },
    {
      record: SLO_RECORDS.info,
      expr: 'vector(1)',
      labels: {
        ...labels,
        sloth_mode: 'promstack',
        sloth_objective: String(slo.objective),
        sloth_spec: 'prometheus/v1',
      },
    },
  ];
}

/** The rule text of one condition: the ratio above factor × budget over its short and its long window. */
function conditionExpr(sel: string, budget: number, { short, long, factor }: BurnCondition): string {
  const over = (window: string) =>
    `  max(${SLO_RECORDS.errorRatio(window)}{${sel}} > (${ruleNumber(factor)} * ${budget})) without (${SLO_LABELS.window})`;
  return ['(', over(short), '  and', over(long), ')'].join('\n');
}

/**
 * What a burn alert means, in words: the SLO, its objective and period, and per condition the burn
 * factor, both windows, and the share of the period's budget the long window consumes at that factor.
 * Plain text (no template), so the generated tests state it exactly.
 */
function burnDescription(ctx: ServiceContext, slo: SloSpec, conditions: readonly BurnCondition[]): string {
  const period = slo.period ?? DEFAULT_SLO_PERIOD;
  const parts = conditions.map(
    (c) =>
      `${formatG4(c.factor)}x the sustainable rate over the last ${c.long} (and still over the last ${c.short}), which spends ${formatG4(c.budgetPercent)}% of the ${period} error budget in ${c.long}`,
  );
  return (
    `The ${slo.name} SLO of ${ctx.service.name} (objective ${slo.objective}% of requests succeed over ${period}) ` +
    `is burning its error budget at ${parts.join('; or at ')}.`
  );
}

function burnAlert(ctx: ServiceContext, slo: SloSpec, kind: BurnKind): GeneratedAlert {
  const windows = sloWindows(slo.period);
  const budget = errorBudget(slo.objective);
  const sel = sloSelector(ctx, slo);
  const title = `(${kind}) {{ $labels.sloth_service }} {{ $labels.sloth_slo }} SLO error budget burn rate is too fast.`;
  const summary = `{{ $labels.sloth_service }} {{ $labels.sloth_slo }} SLO error budget burn rate is over expected.`;
  const description = burnDescription(ctx, slo, windows[kind]);
  const render = (text: string) =>
    text
      .replace('{{ $labels.sloth_service }}', ctx.service.name)
      .replace('{{ $labels.sloth_slo }}', slo.name);
  const red = ctx.service.red!;
  const labels = {
    failing: `${red.requests}{${requestLabels(ctx, true)}}`,
    succeeding: `${red.requests}{${requestLabels(ctx, false)}}`,
  };
  // Each condition: just above its factor fires, just below and gated by its short window stay silent.
  // No scenario sets off the twin alert of the other severity (same name), so none lists it.
  const firing = {
    outputLabels: sloLabels(ctx, slo),
    annotations: { description, summary: render(summary), title: render(title) },
  };
  const cases: AlertCase[] = burnScenarios(kind, windows, budget).map((s) => ({
    name: s.name,
    series: seriesOf(s, labels),
    evalTime: minutes(s.evalMinute),
    ...(s.fires ? { fires: firing } : {}),
  }));
  // The quick condition's first two are the alert's `fires` and `stays silent`.
  const [above, below, ...rest] = cases;
  const fires: AlertScenario = { series: above.series, evalTime: above.evalTime, ...firing };
  const twin: BurnKind = kind === 'page' ? 'ticket' : 'page';
  return {
    key: `SloBurn:${slo.name}:${kind}`,
    threshold: 0,
    rule: () => ({
      alert: sloAlertName(slo),
      expr: windows[kind].map((c) => conditionExpr(sel, budget, c)).join('\nor\n'),
      labels: { ...ctx.alertLabels, severity: SEVERITY[kind], slo: slo.name, [SLO_LABELS.severity]: kind },
      annotations: { description, summary, title },
    }),
    tests: () => ({
      fires,
      silent: { series: below.series, evalTime: below.evalTime },
      cases: rest,
      sameName: [`SloBurn:${slo.name}:${twin}`],
    }),
  };
}
