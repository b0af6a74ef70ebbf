/**
 * What a Kubernetes cluster would refuse or trip on in a set of manifests, without a cluster: each
 * object against the Kubernetes OpenAPI schema (kubernetes-models, validated with ajv), then the
 * references between objects that only the API server, the kubelet or a Service's endpoints controller
 * check: selectors, mounts, files named by flags, probe ports, ConfigMap keys and sizes, the restricted
 * Pod Security Standard, Services reaching their pods, namespaces, RBAC references, disruption budgets
 * guarding pods without blocking drains, and Grafana's datasources reaching a Service its
 * NetworkPolicies let it reach.
 */
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { parse } from 'yaml';
import { projectedFiles, type ClusterData } from '../../components/platforms/testing';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A model class of kubernetes-models: constructed from an object, `validate()` throws on a violation. */
type Model = new (data: Obj) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap as unknown as Model,
  'v1/Namespace': Namespace as unknown as Model,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim as unknown as Model,
  'v1/Secret': Secret as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'v1/ServiceAccount': ServiceAccount as unknown as Model,
  'apps/v1/Deployment': Deployment as unknown as Model,
  'apps/v1/StatefulSet': StatefulSet as unknown as Model,
  'batch/v1/Job': Job as unknown as Model,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as Model,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as Model,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as Model,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as Model,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as Model,
};

/** `Kind namespace/name`, how each problem names its object. */
export function objectName(m: Obj): string {
  const ns = m.metadata?.namespace;
  return `${m.kind} ${ns ? `${ns}/` : ''}${m.metadata?.name}`;
}

/** Schema violations of each object, as `Kind ns/name: message`; an unknown kind is one too. */
export function schemaProblems(manifests: readonly Obj[]): string[] {
  const problems: string[] = [];
  for (const m of manifests) {
    const model = MODELS[`${m.apiVersion}/${m.kind}`];
    if (!model) {
      problems.push(`${objectName(m)}: no schema for ${m.apiVersion} ${m.kind}`);
      continue;
    }
    try {
      new model(m).validate();
    } catch (error) {
      problems.push(`${objectName(m)}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** A ConfigMap's or Secret's data may not exceed 1 MiB (the API server's limit, MaxSecretSize). */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;
/** Keys of ConfigMap and Secret data: what the API server accepts (IsConfigMapKey). */
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** A port name (IANA_SVC_NAME): 1-15 lower-case letters, digits and inner single dashes, a letter in it. */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;
/** Volume types the restricted Pod Security Standard allows. */
const RESTRICTED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** What every other check needs: the objects by kind and namespace. */
interface Index {
  manifests: readonly Obj[];
  inNamespace(kind: string, namespace: string): Obj[];
}

function indexOf(manifests: readonly Obj[]): Index {
  return {
    manifests,
    inNamespace: (kind, namespace) =>
      manifests.filter((m) => m.kind === kind && m.metadata.namespace === namespace),
  };
}

/**
 * Every cross-reference problem, as `Kind ns/name: message`. `existingNamespaces` are namespaces the
 * objects may live in without creating them (those the stack reads).
 */
export function crossReferenceProblems(
  manifests: readonly Obj[],
  existingNamespaces: readonly string[] = [],
): string[] {
  const index = indexOf(manifests);
  return [
    ...namespaceProblems(index, existingNamespaces),
    ...configDataProblems(index),
    ...manifests.filter(isWorkload).flatMap((w) => workloadProblems(w, index)),
    ...manifests.filter((m) => m.kind === 'Service').flatMap((s) => serviceProblems(s, index)),
    ...manifests.filter((m) => m.kind === 'Ingress').flatMap((i) => ingressProblems(i, index)),
    ...manifests.filter((m) => m.kind === 'RoleBinding').flatMap((b) => bindingProblems(b, index)),
    ...manifests.filter((m) => m.kind === 'PodDisruptionBudget').flatMap((b) => budgetProblems(b, index)),
    ...datasourceProblems(index),
  ];
}

/** What runs pods from a template: the controllers, and the silences Job. */
function isWorkload(m: Obj): boolean {
  return m.kind === 'Deployment' || m.kind === 'StatefulSet' || m.kind === 'Job';
}

function namespaceProblems(index: Index, existing: readonly string[]): string[] {
  const known = new Set([
    ...existing,
    ...index.manifests.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name as string),
  ]);
  return index.manifests
    .filter((m) => m.kind !== 'Namespace' && !known.has(m.metadata.namespace))
    .map((m) => `${objectName(m)}: namespace ${m.metadata.namespace} is neither created nor known to exist`);
}

function configDataProblems(index: Index): string[] {
  const problems: string[] = [];
  for (const m of index.manifests.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret')) {
    const data: Obj = { ...m.data, ...m.binaryData, ...m.stringData };
    for (const key of Object.keys(data)) {
      if (!CONFIG_KEY.test(key) || key.length > 253)
        problems.push(`${objectName(m)}: key ${JSON.stringify(key)} is not a valid ConfigMap key`);
    }
    const bytes = Object.entries(data).reduce(
      (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(String(value)),
      0,
    );
    if (bytes > CONFIG_MAP_MAX_BYTES)
      problems.push(
        `${objectName(m)}: holds ${bytes} bytes, over the ${CONFIG_MAP_MAX_BYTES} the API server accepts`,
      );
  }
  return problems;
}

/** The data a pod's volumes can project: ConfigMaps' data and Secrets' stringData, by name. */
function clusterData(index: Index, namespace: string): ClusterData {
  const byName = (kind: string, field: string) =>
    new Map(
      index
        .inNamespace(kind, namespace)
        .map((m) => [m.metadata.name as string, (m[field] ?? {}) as Record<string, string>]),
    );
  return { configMaps: byName('ConfigMap', 'data'), secrets: byName('Secret', 'stringData') };
}

function workloadProblems(w: Obj, index: Index): string[] {
  const name = objectName(w);
  const namespace: string = w.metadata.namespace;
  const problems: string[] = [];
  const selector: Record<string, string> = w.spec.selector?.matchLabels ?? {};
  const labels: Record<string, string> = w.spec.template.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(selector)) {
    if (labels[key] !== value)
      problems.push(`${name}: selector ${key}=${value} does not match the pod template's labels`);
  }
  const pod: Obj = w.spec.template.spec;
  const volumes = new Set<string>([
    ...((pod.volumes ?? []) as Obj[]).map((v) => v.name as string),
    ...((w.spec.volumeClaimTemplates ?? []) as Obj[]).map((c) => c.metadata.name as string),
  ]);
  if (
    pod.serviceAccountName &&
    index.inNamespace('ServiceAccount', namespace).every((a) => a.metadata.name !== pod.serviceAccountName)
  )
    problems.push(`${name}: serviceAccountName ${pod.serviceAccountName} names no ServiceAccount`);
  for (const volume of (pod.volumes ?? []) as Obj[]) {
    const claim = volume.persistentVolumeClaim?.claimName;
    if (
      claim &&
      index.inNamespace('PersistentVolumeClaim', namespace).every((c) => c.metadata.name !== claim)
    )
      problems.push(`${name}: volume ${volume.name} claims ${claim}, which does not exist`);
  }
  problems.push(...restrictedProblems(name, pod));
  for (const container of pod.containers as Obj[]) {
    const where = `${name} container ${container.name}`;
    const mounts = (container.volumeMounts ?? []) as Obj[];
    for (const mount of mounts) {
      if (!volumes.has(mount.name)) problems.push(`${where}: volumeMount ${mount.name} names no volume`);
    }
    problems.push(...portProblems(where, container));
    problems.push(...fileProblems(where, pod, container, clusterData(index, namespace)));
    problems.push(...settleProblems(where, w, container));
  }
  return problems;
}

/** Alertmanager's `--cluster.settle-timeout` when unset: its push-pull interval, 60 s. */
const UPSTREAM_SETTLE_TIMEOUT_SECONDS = 60;

/**
 * A gossiping Alertmanager answers /-/ready before it has settled, and settles by its settle timeout at
 * the latest: a rollout that waits less than that after a pod's readiness may stop the next member of a
 * cluster whose new member has not settled.
 */
function settleProblems(where: string, w: Obj, container: Obj): string[] {
  const args = (container.args ?? container.command ?? []) as string[];
  if (!args.some((a) => a.startsWith('--cluster.peer='))) return [];
  const flag = args.find((a) => a.startsWith('--cluster.settle-timeout='));
  const timeout = flag
    ? goDurationSeconds(flag.slice(flag.indexOf('=') + 1))
    : UPSTREAM_SETTLE_TIMEOUT_SECONDS;
  const minReady: number = w.spec.minReadySeconds ?? 0;
  if (timeout === undefined) return [`${where}: ${flag} is not a duration`];
  return minReady < timeout
    ? [
        `${where}: minReadySeconds ${minReady} ends before its gossip may settle ` +
          `(${flag ?? 'no --cluster.settle-timeout'}: ${timeout} s), so a rollout may stop the next member first`,
      ]
    : [];
}

/** Seconds of a Go duration (`16s`, `1m30s`, `200ms`), undefined when it is none. */
function goDurationSeconds(text: string): number | undefined {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * units[unit], 0);
}

function portProblems(where: string, container: Obj): string[] {
  const problems: string[] = [];
  const ports = (container.ports ?? []) as Obj[];
  for (const port of ports) {
    if (port.name !== undefined && (!PORT_NAME.test(port.name) || port.name.length > 15))
      problems.push(`${where}: port name ${JSON.stringify(port.name)} is not an IANA service name`);
  }
  for (const probeName of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const port = container[probeName]?.httpGet?.port ?? container[probeName]?.tcpSocket?.port;
    if (port === undefined) continue;
    const declared = ports.some((p) =>
      typeof port === 'number' ? p.containerPort === port : p.name === port,
    );
    if (!declared)
      problems.push(`${where}: ${probeName} probes port ${port}, which the container does not declare`);
  }
  return problems;
}

/**
 * Every absolute path a flag, a command argument or a `_FILE` variable names must be in the container: a
 * file its projected volumes hold (as the kubelet writes them), or a path at or below a mount.
 */
function fileProblems(where: string, pod: Obj, container: Obj, cluster: ClusterData): string[] {
  let files: Map<string, string>;
  try {
    files = projectedFiles({ ...pod, containers: [container] }, cluster);
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
  const mountPaths = ((container.volumeMounts ?? []) as Obj[]).map((m) => m.mountPath as string);
  const projectedDirs = new Set(
    ((container.volumeMounts ?? []) as Obj[])
      .filter((m) => (pod.volumes as Obj[]).find((v) => v.name === m.name)?.projected)
      .map((m) => m.mountPath as string),
  );
  const paths = [
    ...((container.args ?? []) as string[]).map((arg) => /^--[\w.-]+=(\/\S*)$/.exec(arg)?.[1]),
    // A command's file arguments (the silences Job: node, its script, its silences file).
    ...((container.command ?? []) as string[]).slice(1).filter((arg) => arg.startsWith('/')),
    ...((container.env ?? []) as Obj[]).filter((e) => /_FILE$/.test(e.name)).map((e) => e.value as string),
  ].filter((p): p is string => p !== undefined);
  const problems: string[] = [];
  for (const path of paths) {
    const mount = mountPaths
      .filter((m) => path === m || path.startsWith(`${m}/`))
      .sort((a, b) => b.length - a.length)[0];
    if (mount === undefined) problems.push(`${where}: ${path} is not in any mounted volume`);
    // A path inside a read-only projection must be one of its files (or a folder of them).
    else if (
      projectedDirs.has(mount) &&
      path !== mount &&
      !files.has(path) &&
      ![...files.keys()].some((f) => f.startsWith(`${path}/`))
    )
      problems.push(`${where}: ${path} is not a file of the volume mounted at ${mount}`);
  }
  return problems;
}

/** The restricted Pod Security Standard (the stack's namespace enforces it), as its admission checks it. */
function restrictedProblems(name: string, pod: Obj): string[] {
  const problems: string[] = [];
  const podContext: Obj = pod.securityContext ?? {};
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (pod[field]) problems.push(`${name}: ${field} is not allowed (restricted)`);
  }
  for (const volume of (pod.volumes ?? []) as Obj[]) {
    const type = Object.keys(volume).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUMES.includes(type))
      problems.push(`${name}: volume ${volume.name} of type ${type} is not allowed (restricted)`);
  }
  for (const container of [...(pod.initContainers ?? []), ...pod.containers] as Obj[]) {
    const where = `${name} container ${container.name}`;
    const context: Obj = container.securityContext ?? {};
    if (context.privileged) problems.push(`${where}: privileged (restricted)`);
    if (context.allowPrivilegeEscalation !== false)
      problems.push(`${where}: allowPrivilegeEscalation must be false (restricted)`);
    if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true)
      problems.push(`${where}: runAsNonRoot must be true on the pod or the container (restricted)`);
    if ((context.runAsUser ?? podContext.runAsUser) === 0)
      problems.push(`${where}: runAsUser 0 (restricted)`);
    const seccomp = (context.seccompProfile ?? podContext.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      problems.push(`${where}: seccompProfile must be RuntimeDefault or Localhost (restricted)`);
    const caps: Obj = context.capabilities ?? {};
    if (!((caps.drop ?? []) as string[]).includes('ALL'))
      problems.push(`${where}: capabilities must drop ALL (restricted)`);
    for (const added of (caps.add ?? []) as string[]) {
      if (added !== 'NET_BIND_SERVICE') problems.push(`${where}: adds capability ${added} (restricted)`);
    }
    for (const port of (container.ports ?? []) as Obj[]) {
      if (port.hostPort) problems.push(`${where}: hostPort ${port.hostPort} (restricted: baseline)`);
    }
  }
  return problems;
}

/** A Service must select pods of a workload and point each port at a port those pods declare. */
/** Each backend of an Ingress names a Service of its namespace and one of its ports; every TLS host has a rule. */
function ingressProblems(ingress: Obj, index: Index): string[] {
  const name = objectName(ingress);
  const services = index.inNamespace('Service', ingress.metadata.namespace);
  const rules = (ingress.spec.rules ?? []) as Obj[];
  const problems: string[] = [];
  for (const rule of rules) {
    for (const path of (rule.http?.paths ?? []) as Obj[]) {
      const backend = path.backend.service as Obj;
      const service = services.find((s) => s.metadata.name === backend.name);
      const port = backend.port.name ?? backend.port.number;
      if (!service) problems.push(`${name}: backend Service ${backend.name} does not exist`);
      else if (!((service.spec.ports ?? []) as Obj[]).some((p) => p.name === port || p.port === port))
        problems.push(`${name}: backend Service ${backend.name} has no port ${port}`);
    }
  }
  for (const tls of (ingress.spec.tls ?? []) as Obj[])
    for (const host of (tls.hosts ?? []) as string[])
      if (!rules.some((r) => r.host === host)) problems.push(`${name}: TLS host ${host} has no rule`);
  return problems;
}

function serviceProblems(service: Obj, index: Index): string[] {
  const name = objectName(service);
  const selector: Record<string, string> = service.spec.selector ?? {};
  if (Object.keys(selector).length === 0) return [];
  const workloads = index.manifests.filter(
    (w) =>
      isWorkload(w) &&
      w.metadata.namespace === service.metadata.namespace &&
      Object.entries(selector).every(([k, v]) => w.spec.template.metadata?.labels?.[k] === v),
  );
  if (workloads.length === 0) return [`${name}: selects no pods of any workload`];
  const problems: string[] = [];
  for (const port of (service.spec.ports ?? []) as Obj[]) {
    const target = port.targetPort ?? port.port;
    for (const w of workloads) {
      const declared = (w.spec.template.spec.containers as Obj[]).some((c) =>
        ((c.ports ?? []) as Obj[]).some(
          (p) =>
            (typeof target === 'number' ? p.containerPort === target : p.name === target) &&
            (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'),
        ),
      );
      if (!declared)
        problems.push(
          `${name}: port ${port.name} targets ${target}, which the pods of ${objectName(w)} do not declare`,
        );
    }
  }
  return problems;
}

/** A RoleBinding must bind a Role of its namespace to a ServiceAccount that exists. */
function bindingProblems(binding: Obj, index: Index): string[] {
  const name = objectName(binding);
  const problems: string[] = [];
  const { roleRef } = binding;
  if (
    roleRef.kind === 'Role' &&
    index.inNamespace('Role', binding.metadata.namespace).every((r) => r.metadata.name !== roleRef.name)
  )
    problems.push(`${name}: roleRef names Role ${roleRef.name}, which is not in its namespace`);
  for (const subject of (binding.subjects ?? []) as Obj[]) {
    if (subject.kind !== 'ServiceAccount') continue;
    if (index.inNamespace('ServiceAccount', subject.namespace).every((a) => a.metadata.name !== subject.name))
      problems.push(`${name}: subject ServiceAccount ${subject.namespace}/${subject.name} does not exist`);
  }
  return problems;
}

/** The workloads of a namespace whose pods carry every label of `selector`. */
function workloadsSelected(index: Index, namespace: string, selector: Record<string, string>): Obj[] {
  return index.manifests.filter(
    (w) =>
      isWorkload(w) &&
      w.metadata.namespace === namespace &&
      Object.entries(selector).every(([k, v]) => w.spec.template.metadata?.labels?.[k] === v),
  );
}

/**
 * A PodDisruptionBudget must guard the pods of one workload, and leave a drain room both ways: at
 * least one pod it may stop (else the drain waits forever), at least one it must keep (else a drain may
 * stop them all). Percentages are not checked.
 */
function budgetProblems(budget: Obj, index: Index): string[] {
  const name = objectName(budget);
  const selector: Record<string, string> = budget.spec.selector?.matchLabels ?? {};
  const workloads = workloadsSelected(index, budget.metadata.namespace, selector);
  if (Object.keys(selector).length === 0 || workloads.length !== 1)
    return [`${name}: selects the pods of ${workloads.length} workloads, not of one`];
  const replicas: number = workloads[0].spec.replicas ?? 1;
  const { maxUnavailable, minAvailable } = budget.spec;
  const allowed =
    typeof maxUnavailable === 'number'
      ? maxUnavailable
      : typeof minAvailable === 'number'
        ? replicas - minAvailable
        : undefined;
  if (allowed === undefined) return [];
  const where = `${name} (${replicas} replicas of ${objectName(workloads[0])})`;
  if (allowed <= 0) return [`${where}: lets a drain stop no pod, so every drain of their nodes waits`];
  if (allowed >= replicas) return [`${where}: lets a drain stop all of them at once`];
  return [];
}

/** `http://<service>.<namespace>.svc[.cluster.local]:<port>`, or a pod's name below its Service. */
const SERVICE_HOST = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?$/;
const POD_HOST = /^([a-z0-9-]+)\.([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?$/;

/**
 * Each Grafana datasource (a ConfigMap key holding datasource provisioning) must name a Service with a
 * cluster IP, on a port it has, which reaches every ready replica and no pod that is not ready; and the
 * NetworkPolicies must let the pods that mount the ConfigMap reach that Service's pods on its target port.
 */
function datasourceProblems(index: Index): string[] {
  const problems: string[] = [];
  for (const configMap of index.manifests.filter((m) => m.kind === 'ConfigMap')) {
    const namespace: string = configMap.metadata.namespace;
    const clients = index.manifests.filter(
      (w) => isWorkload(w) && w.metadata.namespace === namespace && projects(w, configMap.metadata.name),
    );
    for (const [key, text] of Object.entries((configMap.data ?? {}) as Record<string, string>)) {
      if (!/^datasources:/m.test(text)) continue;
      const provisioning = parse(text) as Obj | null;
      if (!Array.isArray(provisioning?.datasources)) continue;
      for (const source of provisioning.datasources as Obj[]) {
        const where = `${objectName(configMap)} ${key} datasource ${source.name}`;
        if (typeof source.url !== 'string') continue;
        const url = new URL(source.url);
        const pod = POD_HOST.exec(url.hostname);
        if (pod) {
          problems.push(
            `${where}: ${url.host} is one pod of Service ${pod[2]}, not a Service of every replica`,
          );
          continue;
        }
        const host = SERVICE_HOST.exec(url.hostname);
        if (!host) {
          problems.push(`${where}: ${url.host} is not a Service's cluster DNS name`);
          continue;
        }
        const [, serviceName, serviceNamespace] = host;
        const service = index
          .inNamespace('Service', serviceNamespace)
          .find((m) => m.metadata.name === serviceName);
        if (!service) {
          problems.push(`${where}: no Service ${serviceNamespace}/${serviceName}`);
          continue;
        }
        if (service.spec.clusterIP === 'None') {
          problems.push(
            `${where}: Service ${serviceName} is headless: its DNS answer is pod addresses, not a ready replica`,
          );
          continue;
        }
        const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
        const servicePort = ((service.spec.ports ?? []) as Obj[]).find((p) => p.port === port);
        if (!servicePort) {
          problems.push(`${where}: Service ${serviceName} has no port ${port}`);
          continue;
        }
        const servers = workloadsSelected(index, serviceNamespace, service.spec.selector ?? {});
        for (const client of clients) {
          for (const server of servers) {
            const target = containerPort(server, servicePort.targetPort ?? servicePort.port);
            if (target !== undefined && !policiesAllow(index, client, server, target))
              problems.push(
                `${where}: the NetworkPolicies keep ${objectName(client)} from ${objectName(server)} on port ${target}`,
              );
          }
        }
      }
    }
  }
  return problems;
}

/** Whether a workload's pods project or mount a ConfigMap. */
function projects(w: Obj, configMap: string): boolean {
  return ((w.spec.template.spec.volumes ?? []) as Obj[]).some(
    (v) =>
      v.configMap?.name === configMap ||
      ((v.projected?.sources ?? []) as Obj[]).some((s) => s.configMap?.name === configMap),
  );
}

/** The container port a Service's target port names (by name or number) in a workload's pods. */
function containerPort(w: Obj, target: string | number): number | undefined {
  if (typeof target === 'number') return target;
  for (const container of w.spec.template.spec.containers as Obj[])
    for (const port of (container.ports ?? []) as Obj[]) if (port.name === target) return port.containerPort;
  return undefined;
}

/**
 * Whether TCP from the pods of `client` to those of `server` on `port` passes the NetworkPolicies of
 * their namespaces, as a network plugin decides: a pod that policies select in a direction is isolated
 * there, and then only their rules let traffic through; the client's egress and the server's ingress
 * must both allow it. Peers by pod and namespace labels only (an address range is not a pod here).
 */
function policiesAllow(index: Index, client: Obj, server: Obj, port: number): boolean {
  const labels = (w: Obj): Record<string, string> => w.spec.template.metadata?.labels ?? {};
  const matches = (selector: Obj | undefined, of: Record<string, string>) =>
    Object.entries((selector?.matchLabels ?? {}) as Record<string, string>).every(([k, v]) => of[k] === v);
  const peerSelects = (peer: Obj, policyNamespace: string, w: Obj) =>
    !peer.ipBlock &&
    (peer.namespaceSelector
      ? matches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': w.metadata.namespace })
      : w.metadata.namespace === policyNamespace) &&
    matches(peer.podSelector, labels(w));
  // An empty or missing list of ports or peers matches all of them.
  const portFits = (ports: Obj[] | undefined) =>
    !ports?.length ||
    ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === port));
  const passes = (w: Obj, direction: 'Ingress' | 'Egress', other: Obj): boolean => {
    const applying = index
      .inNamespace('NetworkPolicy', w.metadata.namespace)
      .filter(
        (p) =>
          matches(p.spec.podSelector, labels(w)) &&
          ((p.spec.policyTypes ?? ['Ingress']) as string[]).includes(direction),
      );
    if (applying.length === 0) return true;
    return applying.some((p) =>
      ((direction === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? ([] as Obj[])).some((rule: Obj) => {
        const peers = (direction === 'Ingress' ? rule.from : rule.to) as Obj[] | undefined;
        return (
          portFits(rule.ports) &&
          (!peers?.length || peers.some((peer) => peerSelects(peer, p.metadata.namespace, other)))
        );
      }),
    );
  };
  return passes(client, 'Egress', server) && passes(server, 'Ingress', client);
}
