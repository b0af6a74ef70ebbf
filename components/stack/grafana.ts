import type { GrafanaProvisioningInput } from '../model/grafana';
import type { StackConfig } from './config';
import type { Endpoints, StackLayout } from './layout';

/**
 * Datasources for Prometheus and Alertmanager through names that reach any ready replica (Grafana reads
 * one: Prometheus replicas hold the same series, Alertmanager members share silences by gossip), and the
 * dashboard folder.
 */
export function grafanaProvisioningOf(
  config: StackConfig,
  endpoints: Endpoints,
  layout: StackLayout,
): GrafanaProvisioningInput {
  // Grafana's server-side proxy logs in; the provisioning file names the password file, never its value.
  const login = {
    basicAuthUser: config.webAuth.username,
    basicAuthPassword_file: { secret: config.webAuth.passwordSecret },
  };
  // With webAuth.tls the servers speak only HTTPS, verified with the stack's CA.
  const tls = config.webAuth.tls;
  const scheme = tls ? 'https' : 'http';
  const verify = tls && { tlsCACert_file: { secret: tls.caSecret } };
  return {
    datasources: [
      {
        type: 'prometheus',
        name: 'Prometheus',
        uid: 'prometheus',
        url: `${scheme}://${endpoints.datasources?.prometheus ?? endpoints.prometheus[0]}`,
        isDefault: true,
        ...login,
        ...verify,
        jsonData: { timeInterval: config.prometheus.scrapeInterval, httpMethod: 'POST' },
      },
      {
        type: 'alertmanager',
        name: 'Alertmanager',
        uid: 'alertmanager',
        url: `${scheme}://${endpoints.datasources?.alertmanager ?? endpoints.alertmanagers[0]}`,
        ...login,
        ...verify,
        jsonData: { implementation: 'prometheus' },
      },
    ],
    providers: [{ name: 'promstack', folder: 'promstack', options: { path: layout.grafanaDashboardsDir } }],
  };
}
