/**
 * What a Pulumi program sends, as files a user can read and feed to other tools: every Kubernetes object
 * as a YAML manifest (for `kubectl diff`, kubeconform, GitOps), every Docker resource as JSON. Built from
 * the resources the mock engine recorded (mock-engine.ts), so it is the program's own output, not a
 * second rendering of it.
 */
import { stringify } from 'yaml';
import { compareText } from '../model/errors';
import { renderJson, stripUndefined } from '../model/yaml';
import { unwrapSecrets, type Registered } from './mock-engine';

/** A Kubernetes object as the API server receives it. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [field: string]: unknown;
}

/**
 * The value the program is given for a secret when rendering manifests: its name, never its value, so
 * the manifests show which secret goes where. They are written with every secret envelope opened:
 * Pulumi marks a whole input secret when any part of it is (a container's uploads, a Secret's
 * stringData), and the config files beside the markers are worth reading.
 */
export function secretMarker(name: string): string {
  return `<secret:${name}>`;
}

const KUBERNETES_TYPE = /^kubernetes:([^:]+):(\w+)$/;

/**
 * Kinds in the order `kubectl apply -f DIR` must create them (files apply in name order): namespaces,
 * then what pods need (accounts, access, configuration, claims), then the workloads and what selects
 * them. Helm installs in this order too.
 */
const APPLY_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'PersistentVolumeClaim',
  'Role',
  'RoleBinding',
  'Service',
  'Deployment',
  'StatefulSet',
  // Guards pods that exist; last, so that the files before it keep their numbers.
  'PodDisruptionBudget',
];

/**
 * The Kubernetes objects among the recorded resources, as sent: apiVersion and kind from the type token
 * (`kubernetes:apps/v1:StatefulSet`), the rest from the state the provider returned (inputs, with the
 * generated name of an autonamed object). In apply order, then namespace and name.
 */
export function kubernetesManifests(outputs: ReadonlyMap<Registered, Record<string, unknown>>): Manifest[] {
  const manifests: Manifest[] = [];
  for (const [resource, state] of outputs) {
    const match = KUBERNETES_TYPE.exec(resource.type);
    if (!match || !resource.custom || resource.read) continue;
    const [, group, kind] = match;
    const {
      apiVersion: _a,
      kind: _k,
      metadata,
      ...rest
    } = sortedKeys(stripUndefined(unwrapSecrets(state))) as Record<string, unknown>;
    manifests.push({
      apiVersion: group.startsWith('core/') ? group.slice('core/'.length) : group,
      kind,
      metadata: metadata as Manifest['metadata'],
      ...rest,
    });
  }
  return manifests.sort(
    (a, b) =>
      applyRank(a.kind) - applyRank(b.kind) ||
      compareText(a.kind, b.kind) ||
      compareText(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
      compareText(a.metadata.name, b.metadata.name),
  );
}

/** Keys in code-unit order at every depth: the bytes do not depend on the order fields were set in. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort(compareText)
      .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
  );
}

function applyRank(kind: string): number {
  const rank = APPLY_ORDER.indexOf(kind);
  return rank === -1 ? APPLY_ORDER.length : rank;
}

/** Where a manifest is written: `NN-kind-namespace-name.yaml`, NN its apply rank so files apply in order. */
export function manifestFileName(manifest: Manifest): string {
  const rank = String(applyRank(manifest.kind)).padStart(2, '0');
  const parts = [rank, manifest.kind.toLowerCase(), manifest.metadata.namespace, manifest.metadata.name];
  return `${parts.filter((p) => p !== undefined).join('-')}.yaml`;
}

/**
 * One manifest as YAML. File contents in a ConfigMap read best as block text, which the yaml library
 * writes for any multi-line string; no line folding, no anchors, so equal objects give equal bytes.
 */
export function manifestYaml(manifest: Manifest): string {
  return stringify(manifest, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** A Docker resource as the provider receives it: its type token, Pulumi name and inputs. */
export interface DockerResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** The Docker resources (containers, networks, volumes, images) among the recorded ones, by name. */
export function dockerResources(resources: readonly Registered[]): DockerResource[] {
  return resources
    .filter((r) => r.custom && r.type.startsWith('docker:'))
    .map((r) => ({
      type: r.type,
      name: r.name,
      inputs: stripUndefined(unwrapSecrets(r.inputs)) as Record<string, unknown>,
    }))
    .sort((a, b) => compareText(a.name, b.name));
}

/**
 * The files of a program's resources below `manifests/`: a YAML file per Kubernetes object, a JSON file
 * per Docker resource (`docker-<kind>-<name>.json`). An object in a namespace the stack only reads says
 * so in a comment: applying it where the namespace is missing fails with NotFound.
 */
export function manifestFiles(
  resources: readonly Registered[],
  outputs: ReadonlyMap<Registered, Record<string, unknown>>,
): Record<string, string> {
  const files: Record<string, string> = {};
  const read = new Set(
    [...outputs]
      .filter(([r]) => r.read && r.type === 'kubernetes:core/v1:Namespace')
      .map(([, state]) => (state.metadata as { name: string }).name),
  );
  for (const manifest of kubernetesManifests(outputs)) {
    const namespace = manifest.metadata.namespace;
    const note =
      namespace !== undefined && read.has(namespace)
        ? `# Needs namespace ${namespace}: the stack reads it and does not create it ` +
          `(kubernetes.createDiscoveryNamespaces: true creates it).\n`
        : '';
    files[`manifests/${manifestFileName(manifest)}`] = note + manifestYaml(manifest);
  }
  for (const resource of dockerResources(resources)) {
    const kind = resource.type.split(':').pop()!.toLowerCase();
    files[`manifests/docker-${kind}-${resource.name}.json`] = renderJson(resource);
  }
  return files;
}
