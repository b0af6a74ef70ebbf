import * as pulumi from '@pulumi/pulumi';
import { serviceDashboardUid } from '../../dashboards';
import type { ServiceDefinition } from '../service';
import type { AlertSummary, SynthResult } from '../stack/synth';
import { ruleFilePath } from '../stack/paths';
import { fileDigest, type FileDigest } from './file-digests';

/** Arguments of {@link MonitoredService}. */
export interface MonitoredServiceArgs {
  /** The service, as declared with defineService in the catalogue. */
  service: ServiceDefinition;
  /** The stack's rendered files, from which the service's own artifacts are read. */
  synth: SynthResult;
}

/**
 * One monitored service in the stack's resource tree: `pulumi preview` lists each service, and its
 * outputs say what the stack derived from it (scrape job, alerts, dashboard, rule file digest). It creates
 * nothing itself: the rendered files travel with Prometheus and Grafana.
 */
export class MonitoredService extends pulumi.ComponentResource {
  /** The scrape job, which is also the `service` label of every series and alert. */
  readonly job: pulumi.Output<string>;
  readonly team: pulumi.Output<string>;
  /** Generated and custom alerts: key → alert name and severity, and whether promtool tests cover it. */
  readonly alerts: pulumi.Output<Record<string, { alertname: string; severity: string; tested: boolean }>>;
  /** Uid of the service's Grafana dashboard. */
  readonly dashboardUid: pulumi.Output<string>;
  /** Path, digest and size of the service's rendered rule file (the text is in the Prometheus ConfigMaps). */
  readonly ruleFile: pulumi.Output<{ path: string } & FileDigest>;

  constructor(name: string, args: MonitoredServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('promstack:index:MonitoredService', name, {}, opts);
    const { service, synth } = args;
    const alerts: Record<string, { alertname: string; severity: string; tested: boolean }> = {};
    for (const alert of alertsOf(synth, service.name)) {
      alerts[alert.key] = { alertname: alert.alertname, severity: alert.severity, tested: alert.tested };
    }
    this.job = pulumi.output(service.name);
    this.team = pulumi.output(service.team);
    this.alerts = pulumi.output(alerts);
    this.dashboardUid = pulumi.output(serviceDashboardUid(service.name));
    const rulePath = ruleFilePath(service.name);
    this.ruleFile = pulumi.output({ path: rulePath, ...fileDigest(synth.files[rulePath] ?? '') });
    this.registerOutputs({
      job: this.job,
      team: this.team,
      alerts: this.alerts,
      dashboardUid: this.dashboardUid,
      ruleFile: this.ruleFile,
    });
  }
}

/** Alerts by service, built once per synth result: a stack makes one MonitoredService per service. */
const alertIndexes = new WeakMap<
  readonly AlertSummary[],
  { size: number; byService: Map<string, AlertSummary[]> }
>();

/** The summary's alerts of one service, in summary order. */
function alertsOf(synth: SynthResult, service: string): AlertSummary[] {
  const alerts = synth.summary.alerts;
  let index = alertIndexes.get(alerts);
  if (!index || index.size !== alerts.length) {
    index = { size: alerts.length, byService: new Map() };
    for (const alert of alerts) {
      const list = index.byService.get(alert.service);
      if (list) list.push(alert);
      else index.byService.set(alert.service, [alert]);
    }
    alertIndexes.set(alerts, index);
  }
  return index.byService.get(service) ?? [];
}
