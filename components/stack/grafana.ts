import type { GrafanaProvisioningInput } from '../model/grafana';
import type { StackConfig } from './config';
import type { Endpoints, StackLayout } from './layout';

/** Datasources for Prometheus (the first instance) and Alertmanager, and the dashboard folder. */
export function grafanaProvisioningOf(
  config: StackConfig,
  endpoints: Endpoints,
  layout: StackLayout,
): GrafanaProvisioningInput {
  return {
    datasources: [
      {
        type: 'prometheus',
        name: 'Prometheus',
        uid: 'prometheus',
        url: `http://${endpoints.prometheus[0]}`,
        isDefault: true,
        jsonData: { timeInterval: config.prometheus.scrapeInterval, httpMethod: 'POST' },
      },
      {
        type: 'alertmanager',
        name: 'Alertmanager',
        uid: 'alertmanager',
        url: `http://${endpoints.alertmanagers[0]}`,
        jsonData: { implementation: 'prometheus' },
      },
    ],
    providers: [{ name: 'promstack', folder: 'promstack', options: { path: layout.grafanaDashboardsDir } }],
  };
}
