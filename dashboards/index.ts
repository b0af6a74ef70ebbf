export type {
  PlainDashboard,
  PlainDatasourceRef,
  PlainGridPos,
  PlainPanel,
  PlainTarget,
  PlainVariable,
} from './types';
export { refIdName, renderDashboardJson, toPlainDashboard } from './plain';
export {
  GRAFANA_BUILTIN_VARIABLES,
  grafanaVariableRefs,
  substituteGrafanaMacros,
  type GrafanaVariableRef,
  type MacroContext,
} from './macros';
export { assertDashboards, checkDashboard, checkDashboardIdentities, checkDashboards } from './check';
export { dashboardQueriesAsRuleFile, panelQueries, type PanelQuery } from './queries';
export {
  DATASOURCE_VARIABLE,
  PROMETHEUS,
  datasourceVariable,
  instantQuery,
  labelValuesVariable,
  rangeQuery,
  statPanel,
  timeseriesPanel,
} from './panels';
export { stackOverviewDashboard, type StackOverviewOptions } from './overview';
export { serviceDashboard, serviceDashboardUid } from './service';
