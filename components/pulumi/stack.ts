import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../model/errors';
import { deployDockerWorkload, dockerNetwork } from '../platforms/docker';
import { alertInboxWorkload, exampleBackendWorkload } from '../platforms/dev-extras';
import { silencesApplier, type SilencesApplier } from '../platforms/silences-applier';
import { kubernetesNamespace } from '../platforms/kubernetes';
import { deployNetworkPolicies, networkPolicySpecs } from '../platforms/kubernetes-network';
import {
  alertmanagerWorkload,
  discoveryNamespaces,
  grafanaWorkload,
  prometheusWorkload,
  type Workload,
} from '../platforms/workload';
import type { ServiceDefinition } from '../service';
import { synthStack, type SynthResult } from '../stack/synth';
import { watchdogReceiverProblem } from '../stack/team-routing';
import { Alertmanager } from './alertmanager';
import { fileDigests, filesSummary, type FileDigest, type FilesSummary } from './file-digests';
import { Grafana } from './grafana';
import { Prometheus } from './prometheus';
import { MonitoredService } from './service';
import { AlertmanagerSilences } from './silences';
import { workloadIssues, type Placement, type SecretValues } from './workload-component';

/** Arguments of {@link MonitoringStack}. */
export interface MonitoringStackArgs {
  /**
   * The `promstack:stack` object of `Pulumi.<env>.yaml`, as read (validated here: every problem is
   * reported at once, named by its path, e.g. `stack.teams.shop.critical[0]`).
   */
  stack: unknown;
  /** The services to monitor (the catalogue, infra/services). Default none: only the stack itself. */
  services?: readonly ServiceDefinition[];
  /** Environment: the `environment` external label and the prefix of Docker names. Default: the stack name. */
  environment?: string;
  /**
   * Stack secret values by name (`promstack:secrets`). Every secret the rendered configs read, and
   * Grafana's admin password, must be here. Values are wrapped as Pulumi secrets. Default none.
   */
  secrets?: SecretValues;
  /** Folder the example backend's build context is relative to. Default: this repository. */
  repositoryRoot?: string;
  /** Existing rule files (community rules, vendored mixins) to deploy beside the generated ones, by name. */
  ruleFiles?: Readonly<Record<string, string>>;
}

/** The workloads of a stack, all validated: what MonitoringStack deploys. */
export interface StackPlan {
  environment: string;
  synth: SynthResult;
  workloads: {
    prometheus: Workload;
    alertmanager: Workload;
    grafana: Workload;
    exampleBackend?: Workload;
    alertInbox?: Workload;
  };
  discoveryNamespaces: string[];
  /** The run that creates the stack config's silences in Alertmanager; none without silences. */
  silencesApplier?: SilencesApplier;
}

/**
 * Renders and checks a whole stack without creating anything: the stack config and services (through
 * synthStack), then every secret the configs read and every file the platform must carry. Throws one
 * ValidationError with all problems.
 */
export function planMonitoringStack(args: MonitoringStackArgs): StackPlan {
  const environment = args.environment ?? pulumi.getStack();
  const services = args.services ?? [];
  const synth = synthStack(args.stack, services, { environment, ruleFiles: args.ruleFiles });
  const platform = synth.config.platform;
  const secrets = args.secrets ?? {};
  const workloads: StackPlan['workloads'] = {
    prometheus: prometheusWorkload(synth),
    alertmanager: alertmanagerWorkload(synth),
    grafana: grafanaWorkload(synth),
    exampleBackend:
      platform === 'docker' && synth.config.docker.exampleBackend ? exampleBackendWorkload(synth) : undefined,
    alertInbox:
      platform === 'docker' && synth.config.docker.alertInbox ? alertInboxWorkload(synth) : undefined,
  };
  const issues = Object.values(workloads).flatMap((w) => (w ? workloadIssues(w, platform, secrets) : []));
  const watchdog = watchdogReceiverProblem(synth.config, environment);
  if (watchdog) issues.unshift({ path: 'stack.watchdogReceiver', message: watchdog });
  // A secret read by two workloads is one thing to fix: report it once.
  const seen = new Set<string>();
  const unique = issues.filter((issue) => {
    if (!issue.path.startsWith('secrets.')) return true;
    if (seen.has(issue.path)) return false;
    seen.add(issue.path);
    return true;
  });
  if (unique.length > 0) throw new ValidationError(unique);
  return {
    environment,
    synth,
    workloads,
    discoveryNamespaces: discoveryNamespaces(services),
    silencesApplier: silencesApplier(synth, workloads.alertmanager),
  };
}

/**
 * The whole monitoring stack of one environment: renders every config once (synthStack), then runs
 * Prometheus, Alertmanager and Grafana on the platform the stack config names: Docker (a private
 * network, containers, named volumes, the example backend when `docker.exampleBackend`, the alert inbox
 * when `docker.alertInbox`) or
 * Kubernetes (a namespace with StatefulSets, a Deployment, ConfigMaps, Secrets, Services, RBAC).
 * Nothing is created when the config, the services or the secrets have a problem.
 */
export class MonitoringStack extends pulumi.ComponentResource {
  readonly prometheusUrl: pulumi.Output<string>;
  readonly alertmanagerUrl: pulumi.Output<string>;
  readonly grafanaUrl: pulumi.Output<string>;
  /** Names of the monitored services. */
  readonly services: pulumi.Output<string[]>;
  /**
   * Every rendered file by synth path (`prometheus/prometheus.yml`, ...): digest and size. The text is in
   * `plan.synth` (and `promstack synth`); in state it would double what the deployed configs hold.
   */
  readonly fileDigests: pulumi.Output<Record<string, FileDigest>>;
  /** How many rendered files, how many bytes, by folder. */
  readonly filesSummary: pulumi.Output<FilesSummary>;
  /** The validated plan, as plain data (synth result and workloads). */
  readonly plan: StackPlan;

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = planMonitoringStack(args);
    super('promstack:index:MonitoringStack', name, {}, opts);
    const { synth, environment } = plan;
    const config = synth.config;
    const secrets = args.secrets ?? {};

    let placement: Placement;
    if (config.platform === 'docker') {
      const base = {
        prefix: `promstack-${environment}`,
        retainVolumes: config.docker.retainVolumes,
        labels: { 'promstack.environment': environment },
      };
      placement = { platform: 'docker', ...base, network: dockerNetwork(name, base, { parent: this }) };
    } else {
      const labels = { 'app.kubernetes.io/managed-by': 'pulumi', 'promstack.io/environment': environment };
      const namespace = kubernetesNamespace(name, config.kubernetes.namespace, labels, { parent: this });
      placement = {
        platform: 'kubernetes',
        namespace: namespace.metadata.name,
        namespaceName: config.kubernetes.namespace,
        storageClass: config.kubernetes.storageClass,
        labels,
      };
    }

    const child = { parent: this };
    for (const service of args.services ?? []) {
      new MonitoredService(`${name}-service-${service.name}`, { service, synth }, child);
    }
    const alertmanager = new Alertmanager(`${name}-alertmanager`, { synth, placement, secrets }, child);
    if (plan.silencesApplier)
      new AlertmanagerSilences(
        `${name}-silences`,
        { applier: plan.silencesApplier, placement, secrets },
        { parent: this, dependsOn: [alertmanager] },
      );
    const prometheus = new Prometheus(
      `${name}-prometheus`,
      {
        synth,
        placement,
        secrets,
        discoveryNamespaces: plan.discoveryNamespaces,
        createDiscoveryNamespaces: config.kubernetes.createDiscoveryNamespaces,
      },
      child,
    );
    const grafana = new Grafana(`${name}-grafana`, { synth, placement, secrets }, child);
    if (placement.platform === 'kubernetes' && config.kubernetes.networkPolicies.enabled) {
      const specs = networkPolicySpecs(synth, plan.workloads, args.services ?? []);
      deployNetworkPolicies(name, specs, placement, child);
    }
    // Dev helpers built from this repository: Docker only.
    const built = { parent: this, secrets, repositoryRoot: args.repositoryRoot };
    if (plan.workloads.exampleBackend && placement.platform === 'docker')
      deployDockerWorkload(`${name}-example-backend`, plan.workloads.exampleBackend, placement, built);
    if (plan.workloads.alertInbox && placement.platform === 'docker')
      deployDockerWorkload(`${name}-alert-inbox`, plan.workloads.alertInbox, placement, built);

    this.plan = plan;
    this.prometheusUrl = prometheus.url;
    this.alertmanagerUrl = alertmanager.url;
    this.grafanaUrl = grafana.url;
    this.services = pulumi.output(synth.summary.services);
    this.fileDigests = pulumi.output(fileDigests(synth.files));
    this.filesSummary = pulumi.output(filesSummary(synth.files));
    this.registerOutputs({
      prometheusUrl: this.prometheusUrl,
      alertmanagerUrl: this.alertmanagerUrl,
      grafanaUrl: this.grafanaUrl,
      services: this.services,
      fileDigests: this.fileDigests,
      filesSummary: this.filesSummary,
    });
  }
}
