import { join, resolve } from 'node:path';
import type { StackLayout } from '../../stack/layout';

/** The folders of a local stack below its data folder (default `.promstack/local/<stack>/`). */
export interface LocalPaths {
  root: string;
  /** Rendered configs, rewritten on every start (a file a removed service left would still load). */
  config: string;
  /** One file per stack secret, mode 0600, kept between runs. */
  secrets: string;
  /** TSDB, Alertmanager state, Grafana database: kept between runs. */
  data: string;
  /** Output of every process, appended per run. */
  logs: string;
  /** Pid of the process that runs the stack, so that a second one on the same folder is refused. */
  lock: string;
}

export function localPaths(root: string): LocalPaths {
  const dir = resolve(root);
  return {
    root: dir,
    config: join(dir, 'config'),
    secrets: join(dir, 'secrets'),
    data: join(dir, 'data'),
    logs: join(dir, 'logs'),
    lock: join(dir, 'promstack-local.pid'),
  };
}

/**
 * The container paths mapped into the data folder. Secrets live apart from the configs, so that the
 * configs can be replaced wholesale while the secret files persist.
 */
export function localLayout(paths: LocalPaths): StackLayout {
  return {
    prometheusConfigDir: join(paths.config, 'prometheus'),
    prometheusSecretsDir: paths.secrets,
    alertmanagerConfigDir: join(paths.config, 'alertmanager'),
    alertmanagerSecretsDir: paths.secrets,
    grafanaConfigDir: join(paths.config, 'grafana'),
    grafanaDashboardsDir: join(paths.config, 'grafana', 'dashboards'),
    grafanaSecretsDir: paths.secrets,
  };
}

/** Data folder of each process: Alertmanager members each have their own state. */
export function localDataDirs(paths: LocalPaths, alertmanagerReplicas: number) {
  return {
    prometheus: join(paths.data, 'prometheus'),
    alertmanagers: Array.from({ length: alertmanagerReplicas }, (_, i) =>
      join(paths.data, alertmanagerReplicas === 1 ? 'alertmanager' : `alertmanager-${i}`),
    ),
    grafana: join(paths.data, 'grafana'),
  };
}
