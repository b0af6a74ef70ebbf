import type { RecordingRuleInput } from '../components/model/rules';
import { sortKeys } from '../components/model/names';
import type { SloSpec } from '../components/service';
import {
  DEFAULT_SLO_PERIOD,
  SLO_LABELS,
  SLO_RECORDS,
  WINDOW_PLACEHOLDER,
  bucketLabel,
  errorBudget,
  ruleNumber,
  sliKind,
  sloAlertName,
  sloBudgetExhaustedAlertName,
  sloWindows,
  type BurnCondition,
  type BurnKind,
} from '../components/service/slo-conventions';
import { errorValues, targetLabels, type ServiceContext } from './context';
import { formatG4 } from './humanize';
import {
  burnScenarios,
  exhaustionScenarios,
  recordedScenarios,
  trafficValues,
  type TrafficValues,
} from './slo-tests';
import {
  minutes,
  type AlertCase,
  type AlertScenario,
  type GeneratedAlert,
  type InputSeries,
  type RuleSet,
} from './types';

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

/** The SLO's own labels (its `labels`) and Sloth's, as every recording rule of the SLO carries them. */
function sloLabels(ctx: ServiceContext, slo: SloSpec): Record<string, string> {
  return {
    ...slo.labels,
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
    const series = sloSeries(ctx, slo);
    rules.alerts.push(burnAlert(ctx, slo, 'page', series), burnAlert(ctx, slo, 'ticket', series));
    if (slo.budgetExhausted) rules.alerts.push(exhaustedAlert(ctx, slo, series));
  }
  return rules;
}

/** `sum(…)`, or `sum by (route) (…)` for a grouped SLO: what keeps one ratio per group. */
function sum(slo: SloSpec, inner: string): string {
  return slo.groupBy?.length ? `sum by (${slo.groupBy.join(', ')}) (${inner})` : `sum(${inner})`;
}

/** The latency SLI's histogram and its threshold as the `le` label reads. */
function latencyOf(ctx: ServiceContext, slo: SloSpec): { histogram: string; le: string } {
  const { latency } = slo.sli as { latency: { histogram?: string; le: string | number } };
  return { histogram: latency.histogram ?? ctx.service.red!.latency!, le: bucketLabel(Number(latency.le)) };
}

/**
 * The bad and all events over a window, as Sloth writes its SLI (`(errors)\n/\n(total)`): the RED
 * counters' errors; a histogram's requests slower than the threshold (its count less its bucket at the
 * threshold, as Sloth's Kubernetes API server example); or an events SLI's queries, window filled in.
 */
function sliQueries(ctx: ServiceContext, slo: SloSpec, window: string): { errors: string; total: string } {
  const sel = `job="${ctx.job}"`;
  const kind = sliKind(slo);
  if (kind === 'availability') {
    const red = ctx.service.red!;
    return {
      errors: sum(slo, `rate(${red.requests}{${sel},${red.errors.label}=~"${red.errors.regex}"}[${window}])`),
      total: sum(slo, `rate(${red.requests}{${sel}}[${window}])`),
    };
  }
  if (kind === 'latency') {
    const { histogram, le } = latencyOf(ctx, slo);
    const total = sum(slo, `rate(${histogram}_count{${sel}}[${window}])`);
    const fast = sum(slo, `rate(${histogram}_bucket{${sel},le="${le}"}[${window}])`);
    return { errors: `(\n  ${total}\n  -\n  ${fast}\n)`, total };
  }
  const { events } = slo.sli as { events: { errors: string; total: string } };
  const fill = (query: string) => query.replaceAll(WINDOW_PLACEHOLDER, window).trim();
  return { errors: fill(events.errors), total: fill(events.total) };
}

function sliRecords(ctx: ServiceContext, slo: SloSpec): RecordingRuleInput[] {
  const windows = sloWindows(slo.period);
  const labels = sloLabels(ctx, slo);
  const records = windows.sliWindows.map((window): RecordingRuleInput => {
    const { errors, total } = sliQueries(ctx, slo, window);
    return {
      record: SLO_RECORDS.errorRatio(window),
      expr: `(${errors})\n/\n(${total})`,
      labels: { ...labels, [SLO_LABELS.window]: window },
    };
  });
  // The period's ratio from the shortest window's, as Sloth does: cheaper than a rate over the period.
  const shortest = `${SLO_RECORDS.errorRatio(windows.shortestWindow)}{${sloSelector(ctx, slo)}}`;
  const period = windows.periodWindow;
  records.push({
    record: SLO_RECORDS.errorRatio(period),
    expr: `sum_over_time(${shortest}[${period}])\n/ ignoring (${SLO_LABELS.window})\ncount_over_time(${shortest}[${period}])`,
    labels: { ...labels, [SLO_LABELS.window]: period },
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
      labels: sortKeys({
        ...labels,
        sloth_mode: 'promstack',
        sloth_objective: String(slo.objective),
        sloth_spec: 'prometheus/v1',
      }),
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
    `The ${slo.name} SLO of ${ctx.service.name} (objective ${slo.objective}% of ${goodEvents(ctx, slo)} over ${period}) ` +
    `is burning its error budget at ${parts.join('; or at ')}.`
  );
}

function burnAlert(ctx: ServiceContext, slo: SloSpec, kind: BurnKind, series: SloSeries): GeneratedAlert {
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
  // Each condition: just above its factor fires, just below and gated by its short window stay silent.
  // No scenario sets off the twin alert of the other severity (same name), so none lists it.
  const firing = {
    outputLabels: { ...sloLabels(ctx, slo), ...testGroup(slo, GROUP) },
    annotations: { description, summary: render(summary), title: render(title) },
  };
  const cases: AlertCase[] =
    sliKind(slo) === 'events'
      ? recordedScenarios(kind, windows, budget).map((s) => ({
          name: s.name,
          series: series.recorded(s.ratios, s.evalMinute),
          evalTime: minutes(s.evalMinute),
          ...(s.fires ? { fires: firing } : {}),
        }))
      : burnScenarios(kind, windows, budget).map((s) => ({
          name: s.name,
          series: series.traffic(s.values),
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
      labels: {
        ...ctx.alertLabels,
        ...slo.labels,
        severity: SEVERITY[kind],
        slo: slo.name,
        // What the SLO measures: Alertmanager lets only an availability page stand for HighErrorRate.
        sli: sliKind(slo),
        [SLO_LABELS.severity]: kind,
      },
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

/** What the objective counts, in words: `requests succeed`, `requests take at most 0.5s`, `events are good`. */
function goodEvents(ctx: ServiceContext, slo: SloSpec): string {
  const kind = sliKind(slo);
  if (kind === 'availability') return 'requests succeed';
  if (kind === 'latency') return `requests take at most ${Number(latencyOf(ctx, slo).le)}s`;
  return 'events are good';
}

/**
 * The group a test burns in, and a second one kept clean: with `groupBy` the clean group's traffic sits
 * beside the burning one's, so a ratio that forgot to group would be diluted below the factor.
 */
const GROUP = 'a';
const CLEAN_GROUP = 'b';
const testGroup = (slo: SloSpec, value: string): Record<string, string> =>
  Object.fromEntries((slo.groupBy ?? []).map((label) => [label, `${label}-${value}`]));

/**
 * The input series of an SLO's scenarios. Every scenario names the same series, with other values: the
 * names are written once per SLO, when first needed.
 */
interface SloSeries {
  /** A traffic, as the SLI's metrics carry it: RED counters or histogram series. */
  traffic(values: TrafficValues): InputSeries[];
  /** Recorded error ratios fed as input (an events SLI), held constant until `minutesHeld`. */
  recorded(ratios: Record<string, number>, minutesHeld: number): InputSeries[];
}

function sloSeries(ctx: ServiceContext, slo: SloSpec): SloSeries {
  let traffic: ((values: TrafficValues) => InputSeries[]) | undefined;
  const recorded = new Map<string, string>();
  return {
    traffic: (values) => (traffic ??= trafficSeries(ctx, slo))(values),
    recorded: (ratios, minutesHeld) =>
      Object.entries(ratios).map(([window, ratio]) => {
        let name = recorded.get(window);
        if (name === undefined) {
          name = recordedSeriesName(ctx, slo, window);
          recorded.set(window, name);
        }
        return { series: name, values: `${ruleNumber(ratio)}+0x${minutesHeld}` };
      }),
  };
}

function trafficSeries(ctx: ServiceContext, slo: SloSpec): (values: TrafficValues) => InputSeries[] {
  const grouped = (slo.groupBy?.length ?? 0) > 0;
  if (sliKind(slo) === 'latency') {
    const { histogram, le } = latencyOf(ctx, slo);
    const bucket = (group: string) =>
      `${histogram}_bucket{${targetLabels(ctx, { ...testGroup(slo, group), le })}}`;
    const count = (group: string) => `${histogram}_count{${targetLabels(ctx, testGroup(slo, group))}}`;
    const fast = bucket(GROUP);
    const all = count(GROUP);
    if (!grouped) {
      return (values) => [
        { series: fast, values: values.succeeding },
        { series: all, values: values.total },
      ];
    }
    const cleanFast = bucket(CLEAN_GROUP);
    const cleanAll = count(CLEAN_GROUP);
    return (values) => [
      { series: fast, values: values.succeeding },
      { series: all, values: values.total },
      { series: cleanFast, values: values.total },
      { series: cleanAll, values: values.total },
    ];
  }
  const red = ctx.service.red!;
  const values_ = errorValues(red.errors.regex)!;
  const request = (group: string, failing: boolean) =>
    `${red.requests}{${targetLabels(ctx, { ...testGroup(slo, group), [red.errors.label]: failing ? values_.error : values_.success })}}`;
  const failing = request(GROUP, true);
  const succeeding = request(GROUP, false);
  if (!grouped) {
    return (values) => [
      { series: failing, values: values.failing },
      { series: succeeding, values: values.succeeding },
    ];
  }
  const clean = request(CLEAN_GROUP, false);
  return (values) => [
    { series: failing, values: values.failing },
    { series: succeeding, values: values.succeeding },
    { series: clean, values: values.total },
  ];
}

/** The recorded error ratio of a window, as its series is fed in. */
function recordedSeriesName(ctx: ServiceContext, slo: SloSpec, window: string): string {
  const labels = { ...sloLabels(ctx, slo), ...testGroup(slo, GROUP), [SLO_LABELS.window]: window };
  const text = Object.entries(sortKeys(labels))
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(',');
  return `${SLO_RECORDS.errorRatio(window)}{${text}}`;
}

/**
 * The optional alert once the period's error budget is spent (remaining <= 0): a ticket-level warning,
 * since a burn that spent it has paged already; it tells that releases should wait for the budget.
 */
function exhaustedAlert(ctx: ServiceContext, slo: SloSpec, series: SloSeries): GeneratedAlert {
  const period = slo.period ?? DEFAULT_SLO_PERIOD;
  const budget = errorBudget(slo.objective);
  const summary = `${ctx.service.name} ${slo.name} SLO has spent its ${period} error budget.`;
  const description =
    `The ${slo.name} SLO of ${ctx.service.name} (objective ${slo.objective}% of ${goodEvents(ctx, slo)} over ${period}) ` +
    `has no error budget left: over the last ${period} more than ${formatG4(budget * 100)}% of events were bad.`;
  // The remaining budget is recorded from the period's ratio, whose sloth_window it keeps.
  const firing = {
    outputLabels: {
      ...sloLabels(ctx, slo),
      ...testGroup(slo, GROUP),
      [SLO_LABELS.window]: sloWindows(slo.period).periodWindow,
    },
    annotations: { description, summary },
  };
  const shortest = sloWindows(slo.period).shortestWindow;
  const [above, below] = exhaustionScenarios(budget).map((s) => {
    const evalMinute = s.phases.reduce((sum, p) => sum + p.minutes, 0);
    return {
      series:
        sliKind(slo) === 'events'
          ? series.recorded({ [shortest]: s.phases[0].errorShare }, evalMinute)
          : series.traffic(trafficValues(s.phases)),
      evalTime: minutes(evalMinute),
    };
  });
  return {
    key: `SloBudgetExhausted:${slo.name}`,
    threshold: 0,
    rule: () => ({
      alert: sloBudgetExhaustedAlertName(slo),
      expr: `${SLO_RECORDS.budgetRemaining}{${sloSelector(ctx, slo)}} <= 0`,
      labels: { ...ctx.alertLabels, ...slo.labels, severity: SEVERITY.ticket, slo: slo.name },
      annotations: { description, summary },
    }),
    tests: () => ({ fires: { ...above, ...firing }, silent: below }),
  };
}
