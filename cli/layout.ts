import { join } from 'node:path';
import type { StackLayout } from '../components/stack';

/**
 * The container paths mapped below one folder, so that the real tools find the rule files, templates and
 * secret files that the rendered configs name.
 */
export function layoutUnder(root: string): StackLayout {
  return {
    prometheusConfigDir: join(root, 'prometheus'),
    prometheusSecretsDir: join(root, 'prometheus', 'secrets'),
    alertmanagerConfigDir: join(root, 'alertmanager'),
    alertmanagerSecretsDir: join(root, 'alertmanager', 'secrets'),
    grafanaConfigDir: join(root, 'grafana'),
    grafanaDashboardsDir: join(root, 'grafana', 'dashboards'),
    grafanaSecretsDir: join(root, 'grafana', 'secrets'),
  };
}
