export { GRAFANA_UID, GRAFANA_UID_MAX_LENGTH, grafanaUid, grafanaUidProblem } from './uid';
export {
  datasource,
  deleteDatasource,
  type Datasource,
  type DatasourceInput,
  type DeleteDatasourceInput,
} from './datasources';
export { dashboardProvider, type DashboardProvider, type DashboardProviderInput } from './providers';
export {
  DASHBOARDS_FILE,
  DATASOURCES_FILE,
  grafanaProvisioning,
  renderGrafanaProvisioning,
  validateGrafanaProvisioning,
  type GrafanaProvisioning,
  type GrafanaProvisioningFiles,
  type GrafanaProvisioningInput,
  type RenderGrafanaOptions,
} from './provisioning';
