import {
  BigValueColorMode,
  BigValueGraphMode,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
  type DataSourceRef,
} from '@grafana/grafana-foundation-sdk/common';
import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type Threshold,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/**
 * Building blocks for promstack dashboards with the SDK's defaults fixed where they are wrong for us:
 * every panel reads the Prometheus picked in the `datasource` variable, and time series show their legend.
 */

export const DATASOURCE_VARIABLE = 'datasource';

/** The Prometheus chosen in the dashboard's datasource variable. */
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

/** The `datasource` variable every panel refers to; defaults to Grafana's default Prometheus. */
export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Data source').type('prometheus');
}

/**
 * A multi-value variable over the values of one label, `All` included. All stands for `.+` rather than the
 * list of values, so `label=~"$name"` stays short and still needs the label to be present.
 */
export function labelValuesVariable(name: string, label: string, metric: string): QueryVariableBuilder {
  const query = `label_values(${metric}, ${label})`;
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+');
}

/** A query over the dashboard's time range, one series per legend entry. */
export function rangeQuery(expr: string, legendFormat = '__auto'): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).range().legendFormat(legendFormat);
}

/** A query for the latest value only (stat panels). */
export function instantQuery(expr: string, legendFormat = '__auto'): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).instant().legendFormat(legendFormat);
}

/** A half-width time series with a visible table legend (the SDK hides it) and a sorted shared tooltip. */
export function timeseriesPanel(title: string, unit: string): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .datasource(PROMETHEUS)
    .unit(unit)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(['lastNotNull', 'max']),
    )
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
    .span(12)
    .height(8);
}

/** A quarter-width single number: the last value of its query. */
export function statPanel(title: string, unit: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .datasource(PROMETHEUS)
    .unit(unit)
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Value)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .span(6)
    .height(4);
}

/** Absolute thresholds: each step's colour holds from its value up to the next step. */
export function thresholdSteps(steps: Threshold[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** A time series with a dashed line at every step but the base, coloured as the steps are. */
export function thresholdLines(panel: timeseries.PanelBuilder, steps: Threshold[]): timeseries.PanelBuilder {
  return panel
    .thresholds(thresholdSteps(steps))
    .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
}
