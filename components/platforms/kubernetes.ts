import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../model/errors';
import { planConfigVolumes, type ConfigVolumePlan } from './configmaps';
import { configReloaderContainer } from './kubernetes-reloader';
import {
  balancedServiceOf,
  disruptionBudgetOf,
  replicaSpreading,
  rollingChanges,
  type HighAvailability,
} from './kubernetes-availability';
import { healthCommand } from './health';
import { missingSecrets, secretFileValue } from './secret-values';
import { configChecksum, httpPortOf, type HealthCheck, type Workload } from './workload';
import { restrictedSecurityContext } from './hardening';
import { kubernetesResources } from './container-limits';

/** Where workloads run on Kubernetes: one namespace of the stack. */
export interface KubernetesPlacement {
  platform: 'kubernetes';
  /** Namespace name (an Output of the Namespace resource, so that it is created first). */
  namespace: pulumi.Input<string>;
  /** The namespace as plain text, for DNS names and Role names. */
  namespaceName: string;
  /** StorageClass of the volume claims; default: the cluster's default class. */
  storageClass?: string;
  /** Labels on every object. */
  labels: Record<string, string>;
}

export interface KubernetesWorkloadOptions {
  parent: pulumi.Resource;
  /** Stack secret values by name; must hold every secret file of the workload. */
  secrets: Record<string, pulumi.Input<string>>;
  /** StatefulSet (stable pod names, a claim per replica) or Deployment (one shared claim). */
  controller: 'StatefulSet' | 'Deployment';
  /** The pods run as this ServiceAccount with its token mounted; default none, no token. */
  serviceAccountName?: pulumi.Input<string>;
  /** Sets POD_NAME from the pod's name (Prometheus's `replica` external label expands it). */
  podNameEnv?: boolean;
  /** Sets POD_IP from the pod's address (Alertmanager advertises it to its gossip peers as `$(POD_IP)`). */
  podIpEnv?: boolean;
  /** An extra Service port mapped to the `http` port, e.g. Grafana's configured port. */
  extraServicePort?: number;
  /** Pulumi keeps a Deployment's claim when the stack is destroyed. Default true. */
  retainClaims?: boolean;
  /**
   * A StatefulSet's replicas kept apart, its disruption budget and rolling changes
   * (kubernetes-availability.ts). Default none of them.
   */
  highAvailability?: HighAvailability;
}

export interface KubernetesWorkloadResources {
  configMaps: k8s.core.v1.ConfigMap[];
  secret?: k8s.core.v1.Secret;
  claims: k8s.core.v1.PersistentVolumeClaim[];
  controller: k8s.apps.v1.StatefulSet | k8s.apps.v1.Deployment;
  service: k8s.core.v1.Service;
  /** A StatefulSet's ClusterIP Service, reaching any ready replica (`service` is headless). */
  balancedService?: k8s.core.v1.Service;
  disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
}

/** Labels that select a workload's pods; never change them (selectors are immutable). */
export function selectorLabels(workload: Workload): Record<string, string> {
  return { 'app.kubernetes.io/name': workload.name, 'app.kubernetes.io/part-of': 'promstack' };
}

/**
 * The stack's namespace, enforcing the `restricted` Pod Security Standard: every pod of the stack meets
 * it, and nothing less secure can be started next to them.
 */
export function kubernetesNamespace(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name: namespace,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    },
    opts,
  );
}

/**
 * Read access for Prometheus's Kubernetes service discovery: a ServiceAccount in the stack's namespace
 * and, in each namespace it discovers pods in, a Role (pods, endpoints, services: get, list, watch) bound
 * to it. Namespaced Roles instead of a ClusterRole: Prometheus sees only what the catalogue names.
 */
export function prometheusDiscoveryAccess(
  name: string,
  workload: Workload,
  placement: KubernetesPlacement,
  namespaces: readonly (string | { name: string; ref: pulumi.Input<string> })[],
  opts: pulumi.CustomResourceOptions,
): {
  serviceAccount: k8s.core.v1.ServiceAccount;
  roles: k8s.rbac.v1.Role[];
  bindings: k8s.rbac.v1.RoleBinding[];
} {
  const labels = { ...placement.labels, ...selectorLabels(workload) };
  const serviceAccount = new k8s.core.v1.ServiceAccount(
    `${name}-service-account`,
    { metadata: { name: workload.name, namespace: placement.namespace, labels } },
    opts,
  );
  // Several stacks may watch one namespace: the Role's name says whose it is.
  const roleName = `${placement.namespaceName}-${workload.name}-discovery`;
  const roles: k8s.rbac.v1.Role[] = [];
  const bindings: k8s.rbac.v1.RoleBinding[] = [];
  for (const entry of namespaces) {
    const ns = typeof entry === 'string' ? entry : entry.name;
    // Through an Output (the stack's namespace, or one created or read), so that the Role waits for it.
    const namespace =
      ns === placement.namespaceName ? placement.namespace : typeof entry === 'string' ? ns : entry.ref;
    const role = new k8s.rbac.v1.Role(
      `${name}-discovery-${ns}`,
      {
        metadata: { name: roleName, namespace, labels },
        rules: [
          { apiGroups: [''], resources: ['pods', 'endpoints', 'services'], verbs: ['get', 'list', 'watch'] },
        ],
      },
      opts,
    );
    roles.push(role);
    bindings.push(
      new k8s.rbac.v1.RoleBinding(
        `${name}-discovery-${ns}`,
        {
          metadata: { name: roleName, namespace, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
          subjects: [
            { kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace: placement.namespace },
          ],
        },
        opts,
      ),
    );
  }
  return { serviceAccount, roles, bindings };
}

/** An HTTP GET; behind a login, the same request from inside the container (healthCommand). */
function probe(health: HealthCheck, path: string, extra: Partial<k8s.types.input.core.v1.Probe> = {}) {
  const check = health.basicAuth
    ? { exec: { command: healthCommand(health, path) } }
    : { httpGet: { path, port: health.port } };
  return { ...check, periodSeconds: 10, timeoutSeconds: 5, ...extra };
}

/**
 * Runs a workload on Kubernetes: ConfigMaps (auto-named, so a change creates a new one and rolls the
 * pods before the old one goes; split below 1 MiB each), one Secret with its secret files, a projected
 * read-only volume at each folder of files, a StatefulSet or Deployment with a `checksum/config` pod
 * annotation, the restricted security context, probes and resources, and a Service (headless for a
 * StatefulSet, whose pods are then reachable as `<name>-N.<name>.<namespace>.svc`).
 */
export function deployKubernetesWorkload(
  name: string,
  workload: Workload,
  placement: KubernetesPlacement,
  options: KubernetesWorkloadOptions,
): KubernetesWorkloadResources {
  const plan = deployablePlan(name, workload, options.secrets);
  const selector = selectorLabels(workload);
  const labels = { ...placement.labels, ...selector };
  const objects: WorkloadObjects = {
    name,
    workload,
    placement,
    selector,
    labels,
    parent: options.parent,
    metadata: (objectName?: string) => ({ name: objectName, namespace: placement.namespace, labels }),
  };
  const configMaps = configMapsOf(objects, plan);
  const secret = secretOf(objects, options.secrets);
  const stateful = options.controller === 'StatefulSet';
  // A StatefulSet claims per replica through its templates; a Deployment mounts one claim made here.
  const claims = stateful ? [] : deploymentClaims(objects, options.retainClaims ?? true);
  const template = podTemplate(objects, options, {
    container: workloadContainer(workload, plan, options),
    reloader: workload.reload && configReloaderContainer(workload, workload.reload, plan, configVolumeName),
    volumes: [
      ...configVolumes(plan, configMaps, secret),
      ...claims.map((claim, i) => ({
        name: workload.volumes[i].name,
        persistentVolumeClaim: { claimName: claim.metadata.name },
      })),
      ...workload.scratchDirs.map((dir, i) => ({
        name: scratchVolumeName(i),
        emptyDir: { sizeLimit: dir.sizeHint },
      })),
    ],
  });
  const controller = controllerOf(objects, template, stateful, options.highAvailability);
  const service = serviceOf(objects, options, stateful);
  const ha = options.highAvailability;
  return {
    configMaps,
    secret,
    claims,
    controller,
    service,
    balancedService: stateful ? balancedServiceOf(objects) : undefined,
    disruptionBudget: stateful && ha ? disruptionBudgetOf(objects, ha) : undefined,
  };
}

/** What every object of one workload shares: its Pulumi name, namespace, labels and parent. */
interface WorkloadObjects {
  name: string;
  workload: Workload;
  placement: KubernetesPlacement;
  selector: Record<string, string>;
  labels: Record<string, string>;
  parent: pulumi.Resource;
  metadata: (objectName?: string) => k8s.types.input.meta.v1.ObjectMeta;
}

/** The ConfigMaps and projections of the workload's files; throws when a file cannot be carried. */
function deployablePlan(
  name: string,
  workload: Workload,
  secrets: KubernetesWorkloadOptions['secrets'],
): ConfigVolumePlan {
  const { plan, issues } = planConfigVolumes(workload);
  if (issues.length > 0) throw new ValidationError(issues);
  const missing = missingSecrets(workload, secrets);
  if (missing.length > 0) throw new Error(`${name}: no value for secret(s) ${missing.join(', ')}`);
  return plan;
}

/**
 * A workload that reloads its files gets named, mutable ConfigMaps: a data change is applied to the
 * same object, the kubelet refreshes the mounted files, the reloader signals the process, and the pod
 * spec stays as it was. Otherwise no metadata.name: Pulumi names them, so a data change is create-new,
 * roll, delete-old.
 */
function configMapsOf(o: WorkloadObjects, plan: ConfigVolumePlan): k8s.core.v1.ConfigMap[] {
  const reloaded = o.workload.reload !== undefined;
  return plan.configMaps.map(
    (chunk) =>
      new k8s.core.v1.ConfigMap(
        `${o.name}-${chunk.id}`,
        reloaded
          ? { metadata: o.metadata(chunk.id), data: chunk.data }
          : { metadata: o.metadata(), data: chunk.data, immutable: true },
        { parent: o.parent },
      ),
  );
}

/** One Secret with every secret file of the workload, when it has any. */
function secretOf(
  o: WorkloadObjects,
  secrets: KubernetesWorkloadOptions['secrets'],
): k8s.core.v1.Secret | undefined {
  const files = o.workload.secretFiles;
  if (files.length === 0) return undefined;
  return new k8s.core.v1.Secret(
    `${o.name}-secrets`,
    {
      metadata: o.metadata(),
      type: 'Opaque',
      stringData: pulumi.secret(
        pulumi.all(Object.fromEntries(files.map((s) => [s.secretName, secretFileValue(s, secrets)]))),
      ),
      immutable: true,
    },
    { parent: o.parent },
  );
}

/**
 * A read-only projected volume per folder: the folder's ConfigMaps whole (their keys are the file names)
 * and its secret items. No ConfigMap lists its files, so the pod spec does not grow with the catalogue. A
 * subfolder's volume is mounted inside its parent's: the kubelet makes the mount point in the parent
 * (MakeNestedMountpoints) before the container starts, and the runtime mounts parents first.
 */
function configVolumes(
  plan: ConfigVolumePlan,
  configMaps: readonly k8s.core.v1.ConfigMap[],
  secret: k8s.core.v1.Secret | undefined,
): k8s.types.input.core.v1.Volume[] {
  return plan.dirs.map((dir, i) => {
    const secretItems = plan.secretItems
      .filter((item) => item.dir === dir)
      // Readable by the pod's group (fsGroup) only.
      .map(({ key, path }) => ({ key, path, mode: 0o440 }));
    return {
      name: configVolumeName(i),
      projected: {
        defaultMode: 0o444,
        sources: [
          ...plan.configMaps.flatMap((chunk, c) =>
            chunk.dir === dir ? [{ configMap: { name: configMaps[c].metadata.name } }] : [],
          ),
          ...(secret && secretItems.length > 0
            ? [{ secret: { name: secret.metadata.name, items: secretItems } }]
            : []),
        ],
      },
    };
  });
}

function configVolumeName(index: number): string {
  return `config-${index}`;
}

/** The emptyDir of a scratch folder: writable, gone with the pod, capped (the kubelet evicts beyond it). */
function scratchVolumeName(index: number): string {
  return `scratch-${index}`;
}

/** The one container: image, flags, env, ports, mounts, probes, resources, restricted security. */
function workloadContainer(
  workload: Workload,
  plan: ConfigVolumePlan,
  options: KubernetesWorkloadOptions,
): k8s.types.input.core.v1.Container {
  const volumeMounts = [
    ...plan.dirs.map((dir, i) => ({ name: configVolumeName(i), mountPath: dir, readOnly: true })),
    ...workload.volumes.map((vol) => ({ name: vol.name, mountPath: vol.path })),
    ...workload.scratchDirs.map((dir, i) => ({ name: scratchVolumeName(i), mountPath: dir.path })),
  ];
  const containerPorts = workload.ports.flatMap((port) => [
    { name: port.name, containerPort: port.container, protocol: 'TCP' },
    ...(port.udp ? [{ name: `${port.name}-udp`, containerPort: port.container, protocol: 'UDP' }] : []),
  ]);
  const env = [
    ...Object.entries(workload.env).map(([key, value]) => ({ name: key, value })),
    ...(options.podNameEnv
      ? [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]
      : []),
    ...(options.podIpEnv ? [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] : []),
  ];
  const health = workload.healthCheck;
  return {
    name: workload.name,
    image: workload.image,
    args: workload.args,
    env,
    ports: containerPorts,
    volumeMounts,
    livenessProbe: probe(health, health.httpPath, { failureThreshold: 6 }),
    readinessProbe: probe(health, health.readyPath ?? health.httpPath, { failureThreshold: 3 }),
    startupProbe: probe(health, health.httpPath, {
      failureThreshold: Math.max(3, Math.ceil(health.startPeriodSeconds / 10)),
    }),
    resources: kubernetesResources(workload.resources),
    securityContext: restrictedSecurityContext(workload.readOnlyRootFilesystem),
  };
}

function claimSpec(vol: Workload['volumes'][number], placement: KubernetesPlacement) {
  return {
    accessModes: ['ReadWriteOnce'],
    storageClassName: placement.storageClass,
    resources: { requests: { storage: vol.sizeHint } },
  };
}

/** A Deployment's claims, one per volume, kept on destroy unless `retain` is false. */
function deploymentClaims(o: WorkloadObjects, retain: boolean): k8s.core.v1.PersistentVolumeClaim[] {
  return o.workload.volumes.map(
    (vol) =>
      new k8s.core.v1.PersistentVolumeClaim(
        `${o.name}-${vol.name}`,
        { metadata: o.metadata(`${o.workload.name}-${vol.name}`), spec: claimSpec(vol, o.placement) },
        { parent: o.parent, retainOnDelete: retain },
      ),
  );
}

/** The pods: non-root as the image's user, seccomp RuntimeDefault, the config checksum annotation. */
function podTemplate(
  o: WorkloadObjects,
  options: KubernetesWorkloadOptions,
  pod: {
    container: k8s.types.input.core.v1.Container;
    reloader?: k8s.types.input.core.v1.Container;
    volumes: k8s.types.input.core.v1.Volume[];
  },
): k8s.types.input.core.v1.PodTemplateSpec {
  const { user } = o.workload;
  return {
    metadata: { labels: o.labels, annotations: { 'checksum/config': configChecksum(o.workload) } },
    spec: {
      serviceAccountName: options.serviceAccountName,
      automountServiceAccountToken: options.serviceAccountName !== undefined,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: user.uid,
        runAsGroup: user.gid,
        fsGroup: user.gid,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      // Prometheus flushes its head block on SIGTERM.
      terminationGracePeriodSeconds: 120,
      ...(options.highAvailability && replicaSpreading(o.selector, options.highAvailability)),
      // The reloader's signal must reach the tool's process.
      ...(pod.reloader && { shareProcessNamespace: true }),
      containers: pod.reloader ? [pod.container, pod.reloader] : [pod.container],
      volumes: pod.volumes,
    },
  };
}

/** A StatefulSet (stable pod names, a claim per replica) or a Deployment, running the pod template. */
function controllerOf(
  o: WorkloadObjects,
  template: k8s.types.input.core.v1.PodTemplateSpec,
  stateful: boolean,
  ha: HighAvailability | undefined,
): k8s.apps.v1.StatefulSet | k8s.apps.v1.Deployment {
  const metadata = o.metadata(o.workload.name);
  const common = { replicas: o.workload.replicas, selector: { matchLabels: o.selector }, template };
  if (!stateful) {
    // A ReadWriteOnce claim is held by one pod: stop the old one before the new one starts.
    const spec = { ...common, strategy: { type: 'Recreate' } };
    return new k8s.apps.v1.Deployment(`${o.name}-deployment`, { metadata, spec }, { parent: o.parent });
  }
  const spec = {
    ...common,
    serviceName: o.workload.name,
    // Replicas are peers, not a sequence: start them together (updates still go one at a time).
    podManagementPolicy: 'Parallel',
    ...(ha && rollingChanges(ha)),
    // Claim templates cannot change after creation: only the stable selector labels here.
    volumeClaimTemplates: o.workload.volumes.map((vol) => ({
      metadata: { name: vol.name, labels: o.selector },
      spec: claimSpec(vol, o.placement),
    })),
  };
  return new k8s.apps.v1.StatefulSet(`${o.name}-statefulset`, { metadata, spec }, { parent: o.parent });
}

/** Its ports by name (and `http-alt` when asked); headless for a StatefulSet, whose members need DNS. */
function serviceOf(
  o: WorkloadObjects,
  options: KubernetesWorkloadOptions,
  stateful: boolean,
): k8s.core.v1.Service {
  const { workload } = o;
  const http = httpPortOf(workload);
  const servicePorts = workload.ports.flatMap((port) => [
    { name: port.name, port: port.container, targetPort: port.name, protocol: 'TCP' },
    ...(port.udp
      ? [{ name: `${port.name}-udp`, port: port.container, targetPort: `${port.name}-udp`, protocol: 'UDP' }]
      : []),
  ]);
  if (options.extraServicePort !== undefined && options.extraServicePort !== http.container) {
    servicePorts.push({
      name: 'http-alt',
      port: options.extraServicePort,
      targetPort: http.name,
      protocol: 'TCP',
    });
  }
  return new k8s.core.v1.Service(
    `${o.name}-service`,
    {
      metadata: o.metadata(workload.name),
      spec: {
        selector: o.selector,
        ports: servicePorts,
        ...(stateful
          ? {
              clusterIP: 'None',
              // Cluster members must find each other before they are ready.
              publishNotReadyAddresses: workload.cluster !== undefined,
            }
          : { type: 'ClusterIP' }),
      },
    },
    { parent: o.parent },
  );
}
