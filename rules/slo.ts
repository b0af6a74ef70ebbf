import type { RecordingRuleInput } from '../components/model/rules';
import type { SloSpec } from '../components/service';
import { requestLabels, type ServiceContext } from './context';
import { minutes, type AlertScenario, type GeneratedAlert, type RuleSet } from './types';

/**
 * Multi-window multi-burn-rate SLO rules, compatible with Sloth's output: the same recording rule names
 * and `sloth_*` labels, so Sloth's Grafana dashboards work on them unchanged. Windows and factors are the
 * SRE workbook's for a 30-day period: page at 14.4x over 1h/5m or 6x over 6h/30m, ticket at 3x over
 * 1d/2h or 1x over 3d/6h.
 */
export const SLO_RECORDS = {
  errorRatio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  periodDays: 'slo:time_period:days',
  currentBurnRate: 'slo:current_burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
  budgetRemaining: 'slo:period_error_budget_remaining:ratio',
  info: 'sloth_slo_info',
} as const;

/** One alert name per SLO (`availability` → `AvailabilityErrorBudgetBurn`), page and ticket alike, as Sloth does. */
export function sloAlertName(slo: SloSpec): string {
  const pascal = slo.name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${pascal}ErrorBudgetBurn`;
}

const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

interface BurnCondition {
  short: string;
  long: string;
  factor: number;
}

export const BURN_ALERTS = {
  page: {
    severity: 'critical',
    conditions: [
      { short: '5m', long: '1h', factor: 14.4 },
      { short: '30m', long: '6h', factor: 6 },
    ],
    // The longest window must hold data for the rate to reflect the scenario.
    evalMinutes: 70,
  },
  ticket: {
    severity: 'warning',
    conditions: [
      { short: '2h', long: '1d', factor: 3 },
      { short: '6h', long: '3d', factor: 1 },
    ],
    evalMinutes: 130,
  },
} as const satisfies Record<
  string,
  { severity: string; conditions: readonly BurnCondition[]; evalMinutes: number }
>;

export type BurnKind = keyof typeof BURN_ALERTS;

/** Avoids 1 - 0.999 = 0.0010000000000000009 in rendered rules. */
export function errorBudget(objectivePercent: number): number {
  return Number((1 - objectivePercent / 100).toPrecision(12));
}

export function sloId(ctx: ServiceContext, slo: SloSpec): string {
  return `${ctx.service.name}-${slo.name}`;
}

function sloSelector(ctx: ServiceContext, slo: SloSpec): string {
  return `sloth_id="${sloId(ctx, slo)}", sloth_service="${ctx.service.name}", sloth_slo="${slo.name}"`;
}

function sloLabels(ctx: ServiceContext, slo: SloSpec): Record<string, string> {
  return { sloth_id: sloId(ctx, slo), sloth_service: ctx.service.name, sloth_slo: slo.name };
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
  const period = slo.period ?? '30d';
  const windows = SLI_WINDOWS.map((window): RecordingRuleInput => ({
    record: SLO_RECORDS.errorRatio(window),
    expr: [
      `(sum(rate(${red.requests}{${sel},${red.errors.label}=~"${red.errors.regex}"}[${window}])))`,
      '/',
      `(sum(rate(${red.requests}{${sel}}[${window}])))`,
    ].join('\n'),
    labels: { ...sloLabels(ctx, slo), sloth_window: window },
  }));
  const sel5m = `${SLO_RECORDS.errorRatio('5m')}{${sloSelector(ctx, slo)}}`;
  windows.push({
    record: SLO_RECORDS.errorRatio(period),
    expr: `sum_over_time(${sel5m}[${period}])\n/ ignoring (sloth_window)\ncount_over_time(${sel5m}[${period}])`,
    labels: { ...sloLabels(ctx, slo), sloth_window: period },
  });
  return windows;
}

function metaRecords(ctx: ServiceContext, slo: SloSpec): RecordingRuleInput[] {
  const labels = sloLabels(ctx, slo);
  const sel = sloSelector(ctx, slo);
  const period = slo.period ?? '30d';
  const on = 'on (sloth_id, sloth_slo, sloth_service) group_left';
  return [
    {
      record: SLO_RECORDS.objective,
      expr: `vector(${Number((slo.objective / 100).toPrecision(12))})`,
      labels,
    },
    { record: SLO_RECORDS.errorBudget, expr: `vector(${errorBudget(slo.objective)})`, labels },
    { record: SLO_RECORDS.periodDays, expr: `vector(${parseInt(period, 10)})`, labels },
    {
      record: SLO_RECORDS.currentBurnRate,
      expr: `${SLO_RECORDS.errorRatio('5m')}{${sel}}\n/ ${on}\n${SLO_RECORDS.errorBudget}{${sel}}`,
      labels,
    },
    {
      record: SLO_RECORDS.periodBurnRate,
      expr: `${SLO_RECORDS.errorRatio(period)}{${sel}}\n/ ${on}\n${SLO_RECORDS.errorBudget}{${sel}}`,
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

function burnAlert(ctx: ServiceContext, slo: SloSpec, kind: BurnKind): GeneratedAlert {
  const spec = BURN_ALERTS[kind];
  const budget = errorBudget(slo.objective);
  const sel = sloSelector(ctx, slo);
  const condition = ({ short, long, factor }: BurnCondition) =>
    [
      `(`,
      `  max(${SLO_RECORDS.errorRatio(short)}{${sel}} > (${factor} * ${budget})) without (sloth_window)`,
      `  and`,
      `  max(${SLO_RECORDS.errorRatio(long)}{${sel}} > (${factor} * ${budget})) without (sloth_window)`,
      `)`,
    ].join('\n');
  const title = `(${kind}) {{ $labels.sloth_service }} {{ $labels.sloth_slo }} SLO error budget burn rate is too fast.`;
  const summary = `{{ $labels.sloth_service }} {{ $labels.sloth_slo }} SLO error budget burn rate is over expected.`;
  const render = (text: string) =>
    text
      .replace('{{ $labels.sloth_service }}', ctx.service.name)
      .replace('{{ $labels.sloth_slo }}', slo.name);
  const scenario = (errorShare: number) => {
    // 1000 requests a minute, so that shares down to 0.1% stay whole numbers of errors.
    const length = spec.evalMinutes + 5;
    const errors = Math.round(1000 * errorShare * 1000) / 1000;
    const red = ctx.service.red!;
    return [
      { series: `${red.requests}{${requestLabels(ctx, true)}}`, values: `0+${errors}x${length}` },
      {
        series: `${red.requests}{${requestLabels(ctx, false)}}`,
        values: `0+${Math.round((1000 - errors) * 1000) / 1000}x${length}`,
      },
    ];
  };
  // A page burn (twice the fastest factor) is also a ticket burn; a ticket burn at 4.5x stays below
  // both page factors. Half the error budget sets off nothing.
  const firingShare = kind === 'page' ? Math.min(1, budget * 14.4 * 2) : budget * 4.5;
  const annotationsOf = (k: BurnKind) => ({
    summary: render(summary),
    title: render(title).replace(`(${kind})`, `(${k})`),
  });
  const fires: AlertScenario = {
    series: scenario(firingShare),
    evalTime: minutes(spec.evalMinutes),
    outputLabels: sloLabels(ctx, slo),
    annotations: annotationsOf(kind),
    alsoFiring:
      kind === 'page'
        ? [
            {
              key: `SloBurn:${slo.name}:ticket`,
              outputLabels: sloLabels(ctx, slo),
              annotations: annotationsOf('ticket'),
            },
          ]
        : undefined,
  };
  return {
    key: `SloBurn:${slo.name}:${kind}`,
    threshold: 0,
    rule: () => ({
      alert: sloAlertName(slo),
      expr: spec.conditions.map(condition).join('\nor\n'),
      labels: { ...ctx.alertLabels, severity: spec.severity, slo: slo.name, sloth_severity: kind },
      annotations: { summary, title },
    }),
    tests: () => ({ fires, silent: { series: scenario(budget / 2), evalTime: minutes(spec.evalMinutes) } }),
  };
}
