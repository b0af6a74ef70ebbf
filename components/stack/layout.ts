import { join } from 'node:path';
import type { StackConfig } from './config';

export type Platform = 'docker' | 'kubernetes' | 'local';

/** Where each tool finds its files. Containers use the fixed paths below; `promstack local` maps them. */
export interface StackLayout {
  prometheusConfigDir: string;
  prometheusSecretsDir: string;
  alertmanagerConfigDir: string;
  alertmanagerSecretsDir: string;
  grafanaConfigDir: string;
  grafanaDashboardsDir: string;
  grafanaSecretsDir: string;
}

export const CONTAINER_LAYOUT: StackLayout = {
  prometheusConfigDir: '/etc/prometheus',
  prometheusSecretsDir: '/etc/prometheus/secrets',
  alertmanagerConfigDir: '/etc/alertmanager',
  alertmanagerSecretsDir: '/etc/alertmanager/secrets',
  // A folder of its own, not the image's /etc/grafana (its grafana.ini): on Docker one read-only config
  // volume takes the place of this folder, holding provisioning, dashboards and secrets (docker-config.ts).
  grafanaConfigDir: '/etc/grafana/promstack',
  // Outside Grafana's data volume, so that a dashboard removed from the code leaves Grafana too.
  grafanaDashboardsDir: '/etc/grafana/promstack/dashboards',
  grafanaSecretsDir: '/etc/grafana/promstack/secrets',
};

/**
 * The container paths mapped below one folder, so that the real tools find the rule files, templates and
 * secret files the rendered configs name (promstack check, the local runtime, the tests).
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

/** `host:port` of every instance of each component, as Prometheus and Grafana reach them. */
export interface Endpoints {
  prometheus: string[];
  alertmanagers: string[];
  /**
   * Absent where no Grafana runs (a local stack without grafana-server): Prometheus then has no grafana
   * job, which would only ever be down and set off MonitoringComponentDown.
   */
  grafana?: string;
  /**
   * Where Grafana's datasources read each component: one name that reaches every ready replica (a
   * ClusterIP Service on Kubernetes, the name all replicas share on Docker). Default: the first instance.
   */
  datasources?: { prometheus: string; alertmanager: string };
}

export const PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  alertmanagerCluster: 9094,
  grafana: 3000,
} as const;

/** Stable names of the stack's workloads: Docker network aliases, Kubernetes StatefulSet and Service names. */
export const NAMES = {
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  grafana: 'grafana',
  /** The one-shot run that creates the stack config's silences (platforms/silences-applier.ts). */
  silencesApplier: 'alertmanager-silences',
} as const;

/**
 * The ClusterIP Service in front of the ready replicas of a StatefulSet, which clients that need any one
 * of them use (Grafana). The headless Service, named as the workload, gives each pod its DNS name for
 * gossip and for clients that must reach every replica (Prometheus's alerting and self-scrapes).
 */
export function balancedServiceName(workload: string): string {
  return `${workload}-api`;
}

/**
 * Endpoints on Docker and Kubernetes. Every Alertmanager is listed individually: Prometheus must send
 * each alert to all of them, never through a load balancer (Alertmanager's HA docs).
 */
export function platformEndpoints(config: StackConfig): Endpoints {
  const am = config.alertmanager.replicas;
  if (config.platform === 'docker') {
    return {
      prometheus: [`${NAMES.prometheus}:${PORTS.prometheus}`],
      alertmanagers:
        am === 1
          ? [`${NAMES.alertmanager}:${PORTS.alertmanager}`]
          : Array.from({ length: am }, (_, i) => `${NAMES.alertmanager}-${i}:${PORTS.alertmanager}`),
      grafana: `${NAMES.grafana}:${PORTS.grafana}`,
      datasources: {
        prometheus: `${NAMES.prometheus}:${PORTS.prometheus}`,
        // Every Alertmanager replica has the alias `alertmanager` too, which Docker's DNS answers with all.
        alertmanager: `${NAMES.alertmanager}:${PORTS.alertmanager}`,
      },
    };
  }
  const ns = config.kubernetes.namespace;
  const pod = (name: string, i: number, p: number) => `${name}-${i}.${name}.${ns}.svc:${p}`;
  return {
    prometheus: Array.from({ length: config.prometheus.replicas }, (_, i) =>
      pod(NAMES.prometheus, i, PORTS.prometheus),
    ),
    alertmanagers: Array.from({ length: am }, (_, i) => pod(NAMES.alertmanager, i, PORTS.alertmanager)),
    grafana: `${NAMES.grafana}.${ns}.svc:${PORTS.grafana}`,
    datasources: {
      prometheus: `${balancedServiceName(NAMES.prometheus)}.${ns}.svc:${PORTS.prometheus}`,
      alertmanager: `${balancedServiceName(NAMES.alertmanager)}.${ns}.svc:${PORTS.alertmanager}`,
    },
  };
}
