import { BigValueColorMode } from '@grafana/grafana-foundation-sdk/common';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { SloSpec } from '../components/service';
import {
  SLO_LABELS,
  sloWindows,
  type BurnCondition,
  type BurnKind,
  type SloWindows,
} from '../components/service/slo-conventions';
import type { ServiceContext } from '../rules/context';
import { formatG4 } from '../rules/humanize';
import { SLO_RECORDS, sloAlertName, sloId } from '../rules/slo';
import {
  instantQuery,
  rangeQuery,
  statPanel,
  thresholdLines,
  thresholdSteps,
  timeseriesPanel,
} from './panels';
import {
  BURN_RATE_UNIT,
  budgetRemainingSteps,
  burnFactors,
  burnRateSteps,
  conditionSteps,
  periodBurnRateSteps,
} from './slo-thresholds';

/**
 * The row of one SLO on its service's dashboard: where the SLO stands now (objective, budget left, burn
 * rates), how the budget went over the last period, and each alert window's burn rate against the factors
 * its alert compares. Every query reads Sloth's metadata and SLI records by `sloth_id`, whatever the SLI.
 */

/** The row's title, as the dashboard lists it. */
export function sloRowTitle(slo: SloSpec): string {
  return `SLO ${slo.name}: ${slo.objective}% over ${sloWindows(slo.period).period}`;
}

/** Decimals that show an objective as written: 99.95 needs two, 99 none. */
export function objectiveDecimals(objective: number): number {
  return String(objective).split('.')[1]?.length ?? 0;
}

/** The window's error ratio over the budget: how many times faster than sustainable it burns. */
export function windowBurnRate(selector: string, window: string): string {
  return `${SLO_RECORDS.errorRatio(window)}${selector} / on (${SLO_LABELS.id}) group_left () ${SLO_RECORDS.errorBudget}${selector}`;
}

/** A legend that tells a grouped SLO's series apart: `5m {{route}}`; the name alone when ungrouped. */
export function sloLegend(slo: SloSpec, name: string): string {
  return [name, ...(slo.groupBy ?? []).map((label) => `{{${label}}}`)].join(' ');
}

/**
 * What the panels of any SLO with these windows say about them. sloWindows keeps one SloWindows a period,
 * so each period's text is made once rather than for every SLO of every service.
 */
interface WindowsText {
  /** The window the current burn rate is computed over, in words. */
  shortest: string;
  /** The lowest factor of each kind that fires, formatted as the alert writes it. */
  slowest: Record<BurnKind, string>;
  /** When the alert of each kind fires: `above 14.4x over both 1h and 5m, or ...`. */
  when: Record<BurnKind, string>;
  /** The windows of each kind, shortest first. */
  windows: Record<BurnKind, readonly string[]>;
}

const textByWindows = new WeakMap<SloWindows, WindowsText>();

function windowsText(windows: SloWindows): WindowsText {
  let text = textByWindows.get(windows);
  if (text) return text;
  const shortestMinutes = windows.page[0].shortMs / 60e3;
  const when = (kind: BurnKind) =>
    windows[kind].map((c) => `above ${formatG4(c.factor)}x over both ${c.long} and ${c.short}`).join(', or ');
  text = {
    shortest: Number.isInteger(shortestMinutes) ? `${shortestMinutes} minutes` : windows.shortestWindow,
    slowest: {
      ticket: formatG4(burnFactors(windows, 'ticket')[0]),
      page: formatG4(burnFactors(windows, 'page')[0]),
    },
    when: { ticket: when('ticket'), page: when('page') },
    windows: { ticket: windowsOf(windows.ticket), page: windowsOf(windows.page) },
  };
  textByWindows.set(windows, text);
  return text;
}

export function sloPanels(
  ctx: ServiceContext,
  slo: SloSpec,
): (stat.PanelBuilder | timeseries.PanelBuilder)[] {
  const sel = `{${SLO_LABELS.id}="${sloId(ctx, slo)}"}`;
  const windows = sloWindows(slo.period);
  const { period } = windows;
  const text = windowsText(windows);
  const alert = sloAlertName(slo);
  return [
    statPanel(`${slo.name} objective`, 'percentunit')
      .description(slo.description ?? `Share of requests that must succeed over ${period}.`)
      .colorMode(BigValueColorMode.None)
      .decimals(objectiveDecimals(slo.objective))
      .withTarget(instantQuery(`${SLO_RECORDS.objective}${sel}`, 'objective')),
    statPanel(`${slo.name} error budget remaining`, 'percentunit')
      .description(`Share of the ${period} error budget not yet spent; below 0 the SLO is missed.`)
      .decimals(1)
      .thresholds(thresholdSteps(budgetRemainingSteps()))
      .withTarget(instantQuery(`${SLO_RECORDS.budgetRemaining}${sel}`, sloLegend(slo, 'remaining'))),
    statPanel(`${slo.name} current burn rate`, BURN_RATE_UNIT)
      .description(
        `Error ratio over ${text.shortest} divided by the error budget: 1 spends the budget exactly in ${period}. ${alert} opens a ticket from ${text.slowest.ticket}x and pages from ${text.slowest.page}x over its windows.`,
      )
      .decimals(2)
      .thresholds(thresholdSteps(burnRateSteps(windows)))
      .withTarget(instantQuery(`${SLO_RECORDS.currentBurnRate}${sel}`, sloLegend(slo, 'burn rate'))),
    statPanel(`${slo.name} period burn rate`, BURN_RATE_UNIT)
      .description(
        `Error ratio over the last ${period} divided by the error budget: from 1 the whole budget is spent.`,
      )
      .decimals(2)
      .thresholds(thresholdSteps(periodBurnRateSteps()))
      .withTarget(instantQuery(`${SLO_RECORDS.periodBurnRate}${sel}`, sloLegend(slo, 'burn rate'))),
    burnDown(slo, sel, period),
    burnRateByWindow(slo, sel, alert, windows, 'page'),
    burnRateByWindow(slo, sel, alert, windows, 'ticket'),
  ];
}

/**
 * The budget left of the rolling period at each moment of the last period: the panel's own time range is
 * the period, so the graph covers the errors its right end counts.
 */
function burnDown(slo: SloSpec, sel: string, period: string): timeseries.PanelBuilder {
  return thresholdLines(
    timeseriesPanel(`${slo.name} error budget remaining over ${period}`, 'percentunit')
      .description(
        `Share of the error budget left of the ${period} before each moment, over the last ${period}; it falls while errors spend it and recovers as old errors leave the window. Below the line the SLO is missed.`,
      )
      .timeFrom(period)
      .decimals(1)
      .withTarget(rangeQuery(`${SLO_RECORDS.budgetRemaining}${sel}`, sloLegend(slo, 'remaining'))),
    budgetRemainingSteps(),
  ).span(24);
}

/** Both windows of each condition of one kind, shortest first, each once. */
function windowsOf(conditions: readonly BurnCondition[]): string[] {
  const byLength = new Map<number, string>();
  for (const c of conditions) {
    byLength.set(c.shortMs, c.short);
    byLength.set(c.longMs, c.long);
  }
  return [...byLength.entries()].sort(([a], [b]) => a - b).map(([, name]) => name);
}

function burnRateByWindow(
  slo: SloSpec,
  sel: string,
  alert: string,
  windows: SloWindows,
  kind: BurnKind,
): timeseries.PanelBuilder {
  const text = windowsText(windows);
  const action = kind === 'page' ? 'pages' : 'opens a ticket';
  return thresholdLines(
    timeseriesPanel(`${slo.name} ${kind} burn rate by window`, BURN_RATE_UNIT)
      .description(
        `Burn rate over the ${kind} alert's windows: ${alert} ${action} when it is ${text.when[kind]}.`,
      )
      .min(0)
      .targets(text.windows[kind].map((w) => rangeQuery(windowBurnRate(sel, w), sloLegend(slo, w)))),
    conditionSteps(windows, kind),
  );
}
