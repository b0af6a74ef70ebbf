import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../model/errors';
import { planConfigVolumes } from './configmaps';
import { configChecksum, type Workload } from './workload';

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
  /** An extra Service port mapped to the `http` port, e.g. Grafana's configured port. */
  extraServicePort?: number;
  /** Pulumi keeps a Deployment's claim when the stack is destroyed. Default true. */
  retainClaims?: boolean;
}

export interface KubernetesWorkloadResources {
  configMaps: k8s.core.v1.ConfigMap[];
  secret?: k8s.core.v1.Secret;
  claims: k8s.core.v1.PersistentVolumeClaim[];
  controller: k8s.apps.v1.StatefulSet | k8s.apps.v1.Deployment;
  service: k8s.core.v1.Service;
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
  namespaces: readonly string[],
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
  for (const ns of namespaces) {
    // The stack's own namespace through its Output, so that the Role waits for it.
    const namespace = ns === placement.namespaceName ? placement.namespace : ns;
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

function probe(path: string, port: number, extra: Partial<k8s.types.input.core.v1.Probe> = {}) {
  return { httpGet: { path, port }, periodSeconds: 10, timeoutSeconds: 5, ...extra };
}

/**
 * Runs a workload on Kubernetes: ConfigMaps (auto-named, so a change creates a new one and rolls the
 * pods before the old one goes; split below 1 MiB each), one Secret with its secret files, projected
 * read-only volumes at its config folders, a StatefulSet or Deployment with a `checksum/config` pod
 * annotation, the restricted security context, probes and resources, and a Service (headless for a
 * StatefulSet, whose pods are then reachable as `<name>-N.<name>.<namespace>.svc`).
 */
export function deployKubernetesWorkload(
  name: string,
  workload: Workload,
  placement: KubernetesPlacement,
  options: KubernetesWorkloadOptions,
): KubernetesWorkloadResources {
  const { plan, issues } = planConfigVolumes(workload);
  if (issues.length > 0) throw new ValidationError(issues);
  const missing = workload.secretFiles.filter((s) => options.secrets[s.secretName] === undefined);
  if (missing.length > 0) {
    throw new Error(`${name}: no value for secret(s) ${missing.map((s) => s.secretName).join(', ')}`);
  }
  const parent = options.parent;
  const selector = selectorLabels(workload);
  const labels = { ...placement.labels, ...selector };
  const metadata = (objectName?: string) => ({ name: objectName, namespace: placement.namespace, labels });

  // No metadata.name: Pulumi names them, so a data change is create-new, roll, delete-old.
  const configMaps = plan.configMaps.map(
    (chunk) =>
      new k8s.core.v1.ConfigMap(
        `${name}-${chunk.id}`,
        { metadata: metadata(), data: chunk.data, immutable: true },
        { parent },
      ),
  );
  const secret =
    workload.secretFiles.length > 0
      ? new k8s.core.v1.Secret(
          `${name}-secrets`,
          {
            metadata: metadata(),
            type: 'Opaque',
            stringData: pulumi.secret(
              pulumi.all(
                Object.fromEntries(
                  workload.secretFiles.map((s) => [s.secretName, options.secrets[s.secretName]]),
                ),
              ),
            ),
            immutable: true,
          },
          { parent },
        )
      : undefined;

  const volumes: k8s.types.input.core.v1.Volume[] = plan.dirs.map((dir, i) => ({
    name: `config-${i}`,
    projected: {
      defaultMode: 0o444,
      sources: [
        ...plan.configMaps.flatMap((chunk, c) => {
          const items = chunk.items
            .filter((item) => item.dir === dir)
            .map(({ key, path }) => ({ key, path }));
          return items.length > 0 ? [{ configMap: { name: configMaps[c].metadata.name, items } }] : [];
        }),
        ...(secret && plan.secretItems.some((item) => item.dir === dir)
          ? [
              {
                secret: {
                  name: secret.metadata.name,
                  // Readable by the pod's group (fsGroup) only.
                  items: plan.secretItems
                    .filter((item) => item.dir === dir)
                    .map(({ key, path }) => ({ key, path, mode: 0o440 })),
                },
              },
            ]
          : []),
      ],
    },
  }));
  const volumeMounts = [
    ...plan.dirs.map((dir, i) => ({ name: `config-${i}`, mountPath: dir, readOnly: true })),
    ...workload.volumes.map((vol) => ({ name: vol.name, mountPath: vol.path })),
  ];

  const http = workload.ports.find((p) => p.name === 'http') ?? workload.ports[0];
  const containerPorts = workload.ports.flatMap((port) => [
    { name: port.name, containerPort: port.container, protocol: 'TCP' },
    ...(port.udp ? [{ name: `${port.name}-udp`, containerPort: port.container, protocol: 'UDP' }] : []),
  ]);
  const env = [
    ...Object.entries(workload.env).map(([key, value]) => ({ name: key, value })),
    ...(options.podNameEnv
      ? [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]
      : []),
  ];
  const health = workload.healthCheck;
  const container: k8s.types.input.core.v1.Container = {
    name: workload.name,
    image: workload.image,
    args: workload.args,
    env,
    ports: containerPorts,
    volumeMounts,
    livenessProbe: probe(health.httpPath, health.port, { failureThreshold: 6 }),
    readinessProbe: probe(health.readyPath ?? health.httpPath, health.port, { failureThreshold: 3 }),
    startupProbe: probe(health.httpPath, health.port, {
      failureThreshold: Math.max(3, Math.ceil(health.startPeriodSeconds / 10)),
    }),
    resources: workload.resources && {
      requests: { cpu: workload.resources.cpu, memory: workload.resources.memory },
      // No CPU limit: throttling a TSDB compaction or a rule evaluation only makes it late.
      limits: { memory: workload.resources.memory },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: workload.readOnlyRootFilesystem,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
  };
  const claimSpec = (vol: Workload['volumes'][number]) => ({
    accessModes: ['ReadWriteOnce'],
    storageClassName: placement.storageClass,
    resources: { requests: { storage: vol.sizeHint } },
  });
  const stateful = options.controller === 'StatefulSet';
  // A StatefulSet claims per replica through its templates; a Deployment mounts one claim made here.
  const claims = stateful
    ? []
    : workload.volumes.map(
        (vol) =>
          new k8s.core.v1.PersistentVolumeClaim(
            `${name}-${vol.name}`,
            { metadata: metadata(`${workload.name}-${vol.name}`), spec: claimSpec(vol) },
            { parent, retainOnDelete: options.retainClaims ?? true },
          ),
      );
  const template: k8s.types.input.core.v1.PodTemplateSpec = {
    metadata: { labels, annotations: { 'checksum/config': configChecksum(workload) } },
    spec: {
      serviceAccountName: options.serviceAccountName,
      automountServiceAccountToken: options.serviceAccountName !== undefined,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: workload.user.uid,
        runAsGroup: workload.user.gid,
        fsGroup: workload.user.gid,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      // Prometheus flushes its head block on SIGTERM.
      terminationGracePeriodSeconds: 120,
      containers: [container],
      volumes: [
        ...volumes,
        ...claims.map((claim, i) => ({
          name: workload.volumes[i].name,
          persistentVolumeClaim: { claimName: claim.metadata.name },
        })),
      ],
    },
  };

  const controller = stateful
    ? new k8s.apps.v1.StatefulSet(
        `${name}-statefulset`,
        {
          metadata: metadata(workload.name),
          spec: {
            serviceName: workload.name,
            replicas: workload.replicas,
            // Replicas are peers, not a sequence: start them together.
            podManagementPolicy: 'Parallel',
            selector: { matchLabels: selector },
            template,
            // Claim templates cannot change after creation: only the stable selector labels here.
            volumeClaimTemplates: workload.volumes.map((vol) => ({
              metadata: { name: vol.name, labels: selector },
              spec: claimSpec(vol),
            })),
          },
        },
        { parent },
      )
    : new k8s.apps.v1.Deployment(
        `${name}-deployment`,
        {
          metadata: metadata(workload.name),
          spec: {
            replicas: workload.replicas,
            // A ReadWriteOnce claim is held by one pod: stop the old one before the new one starts.
            strategy: { type: 'Recreate' },
            selector: { matchLabels: selector },
            template,
          },
        },
        { parent },
      );

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
  const service = new k8s.core.v1.Service(
    `${name}-service`,
    {
      metadata: metadata(workload.name),
      spec: {
        selector,
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
    { parent },
  );
  return { configMaps, secret, claims, controller, service };
}
