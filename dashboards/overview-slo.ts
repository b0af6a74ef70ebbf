import {
  TableCellBackgroundDisplayMode,
  TableCellDisplayMode,
  TableSortByFieldStateBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as table from '@grafana/grafana-foundation-sdk/table';
import type { ServiceDefinition } from '../components/service';
import { SLO_LABELS, SLO_RECORDS, sloWindows, type SloWindows } from '../components/service/slo-conventions';
import { PROMETHEUS, instantQuery, thresholdSteps } from './panels';
import { objectiveDecimals } from './service-slo';
import { BURN_RATE_UNIT, budgetRemainingSteps, burnRateSteps, periodBurnRateSteps } from './slo-thresholds';

/**
 * The overview's SLO row: every SLO of the stack in one table per period, worst budget first. A table per
 * period because the burn factors, and so the colours, follow the period; each table keeps its SLOs by
 * Sloth's `slo:time_period:days` record, so every query reads the metadata records whatever the SLI.
 */

export const SLO_ROW_TITLE = 'SLOs';

/** The table's columns: its queries' refIds, the column titles, and the fields they come from. */
const COLUMNS = {
  objective: 'Objective',
  remaining: 'Error budget remaining',
  current: 'Current burn rate',
  period: 'Period burn rate',
} as const;
type Column = keyof typeof COLUMNS;

/** Grafana names a table query's value field `Value #<refId>`. */
const valueField = (column: Column) => `Value #${column}`;

/** One row per SLO whatever its labels: a grouped SLO shows its worst group. */
const ROW_LABELS = `${SLO_LABELS.service}, ${SLO_LABELS.slo}`;

interface PeriodGroup {
  windows: SloWindows;
  objectives: number[];
}

/** The stack's SLO periods, shortest first, each with the objectives of its SLOs. */
function periodGroups(services: readonly ServiceDefinition[]): PeriodGroup[] {
  const groups = new Map<number, PeriodGroup>();
  for (const service of services) {
    for (const slo of service.slos ?? []) {
      const windows = sloWindows(slo.period);
      const group = groups.get(windows.periodDays) ?? { windows, objectives: [] };
      group.objectives.push(slo.objective);
      groups.set(windows.periodDays, group);
    }
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

/** The tables of the SLO row; none when no service has an SLO, so the overview gets no empty row. */
export function sloOverviewPanels(services: readonly ServiceDefinition[]): table.PanelBuilder[] {
  return periodGroups(services).map(sloTable);
}

function sloTable({ windows, objectives }: PeriodGroup): table.PanelBuilder {
  const inPeriod = `on (${SLO_LABELS.id}) (${SLO_RECORDS.periodDays} == ${windows.periodDays})`;
  const query = (column: Column, aggregate: 'min' | 'max', record: string) =>
    instantQuery(`${aggregate} by (${ROW_LABELS}) (${record} and ${inPeriod})`)
      .format(PromQueryFormat.Table)
      .refId(column);
  const colour = (mode: TableCellDisplayMode) =>
    mode === TableCellDisplayMode.ColorBackground
      ? { type: mode, mode: TableCellBackgroundDisplayMode.Basic }
      : { type: mode };
  return (
    new table.PanelBuilder()
      .title(`SLOs over ${windows.period}`)
      .description(
        `Every SLO with a ${windows.period} period. Burn rates are multiples of the sustainable rate (1x spends the budget exactly in ${windows.period}); the current one is over the last ${windows.shortestWindow}.`,
      )
      .datasource(PROMETHEUS)
      .span(24)
      .height(8)
      .noValue('No SLO has data yet')
      .sortBy([new TableSortByFieldStateBuilder().displayName(COLUMNS.remaining)])
      .withTarget(query('objective', 'max', SLO_RECORDS.objective))
      .withTarget(query('remaining', 'min', SLO_RECORDS.budgetRemaining))
      .withTarget(query('current', 'max', SLO_RECORDS.currentBurnRate))
      .withTarget(query('period', 'max', SLO_RECORDS.periodBurnRate))
      // One frame per query, joined on the SLO's labels into one row per SLO.
      .withTransformation({ id: 'merge', options: {} })
      .withTransformation({
        id: 'organize',
        options: {
          excludeByName: { Time: true },
          indexByName: Object.fromEntries(
            [
              SLO_LABELS.service,
              SLO_LABELS.slo,
              ...Object.keys(COLUMNS).map((c) => valueField(c as Column)),
            ].map((field, index) => [field, index]),
          ),
          renameByName: {
            [SLO_LABELS.service]: 'Service',
            [SLO_LABELS.slo]: 'SLO',
            ...Object.fromEntries(
              Object.entries(COLUMNS).map(([c, title]) => [valueField(c as Column), title]),
            ),
          },
        },
      })
      // Overrides match the names the columns show, after the rename.
      .overrideByName(COLUMNS.objective, [
        { id: 'unit', value: 'percentunit' },
        { id: 'decimals', value: Math.max(...objectives.map(objectiveDecimals)) },
      ])
      .overrideByName(COLUMNS.remaining, [
        { id: 'unit', value: 'percentunit' },
        { id: 'decimals', value: 1 },
        { id: 'thresholds', value: thresholdSteps(budgetRemainingSteps()).build() },
        { id: 'custom.cellOptions', value: colour(TableCellDisplayMode.ColorText) },
      ])
      .overrideByName(COLUMNS.current, [
        { id: 'unit', value: BURN_RATE_UNIT },
        { id: 'decimals', value: 2 },
        { id: 'thresholds', value: thresholdSteps(burnRateSteps(windows)).build() },
        { id: 'custom.cellOptions', value: colour(TableCellDisplayMode.ColorBackground) },
      ])
      .overrideByName(COLUMNS.period, [
        { id: 'unit', value: BURN_RATE_UNIT },
        { id: 'decimals', value: 2 },
        { id: 'thresholds', value: thresholdSteps(periodBurnRateSteps()).build() },
        { id: 'custom.cellOptions', value: colour(TableCellDisplayMode.ColorText) },
      ])
  );
}
