/**
 * A Pulumi engine stand-in (pulumi.runtime.setMocks) that records every resource the program registers,
 * with its inputs, and answers as a provider would without touching a cluster or a Docker daemon. The
 * component tests run under it, and `promstack synth --manifests` renders what the program would send.
 * One per process (or jest test file): a second setMocks while resources still register crashes it.
 */
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';

/** Marker of a secret value as the engine (and the mocks) receive it. */
export const SECRET_SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIGNATURE = '1b47061264138c4ac30d75fd1eb44270';

/** A resource as the mock engine received it. */
export interface Registered {
  type: string;
  name: string;
  /** Inputs as sent: secret properties still wrapped in their envelope. */
  inputs: Record<string, unknown>;
  custom: boolean;
  /** Read from the cluster (`Namespace.get`), not created: the program needs it to exist. */
  read: boolean;
}

export function isSecretEnvelope(value: unknown): value is { value: unknown } {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as Record<string, unknown>)[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE
  );
}

/** The value with every secret envelope opened. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretEnvelope(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/**
 * What the mock provider returns for a new resource: its inputs, plus what the real provider would add.
 * An autonamed Kubernetes object gets `<name>-<8 hex>` as Pulumi names it; the hex comes from the
 * content instead of a random draw, so that renders are reproducible and new data gets a new name.
 */
function providerState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const state: Record<string, unknown> = { ...args.inputs };
  const metadata = (args.inputs.metadata ?? {}) as Record<string, unknown>;
  // A cluster-scoped object read by its id is the object of that name (a namespaced id is `ns/name`).
  if (args.id && args.type.startsWith('kubernetes:')) {
    const [namespace, name] = args.id.includes('/') ? args.id.split('/') : [undefined, args.id];
    state.metadata = { ...metadata, name, ...(namespace ? { namespace } : {}) };
    return state;
  }
  if (args.type.startsWith('kubernetes:') && metadata.name === undefined) {
    const content = JSON.stringify([args.inputs.data, args.inputs.stringData, args.inputs.spec]);
    const suffix = createHash('sha256').update(content).digest('hex').slice(0, 8);
    state.metadata = { ...metadata, name: `${args.name}-${suffix}` };
  }
  if (args.type === 'docker:index/remoteImage:RemoteImage')
    state.imageId = `sha256:id-of-${args.inputs.name}`;
  if (args.type === 'docker:index/image:Image') state.repoDigest = `${args.inputs.imageName}@sha256:built`;
  return state;
}

/**
 * Installs the mock engine for a stack; returns the list it appends each registered resource to, in
 * registration order.
 */
export function recordResources(stack: string, project = 'promstack'): Registered[] {
  const resources: Registered[] = [];
  void pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom ?? false,
          read: Boolean(args.id),
        });
        return { id: args.id || `${args.name}-id`, state: providerState(args) };
      },
      call: (args) => args.inputs,
    },
    project,
    stack,
    false,
  );
  return resources;
}

/** The mock engine's record of each resource: its URN and its outputs, serialised. */
interface EngineRecord {
  urn: string;
  state: Record<string, unknown> | { toJavaScript(): Record<string, unknown> };
}

/**
 * The outputs the engine keeps for each resource, as serialised (secrets in their envelope): what a
 * custom resource's provider returned, or what a component registered with registerOutputs.
 */
export function engineOutputs(resources: readonly Registered[]): Map<Registered, Record<string, unknown>> {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    getRegisteredResources(): Map<string, EngineRecord>;
  };
  const byKey = new Map<string, EngineRecord>();
  for (const record of monitor.getRegisteredResources().values()) {
    // urn:pulumi:<stack>::<project>::<parent types $ type>::<name>
    const [, , qualifiedType, name] = record.urn.split('::');
    byKey.set(`${qualifiedType.split('$').pop()}::${name}`, record);
  }
  return new Map(resources.map((r) => [r, outputsOfRecord(byKey.get(`${r.type}::${r.name}`))]));
}

/** A record's outputs as plain data: a component's registered outputs arrive as a protobuf Struct. */
function outputsOfRecord(record: EngineRecord | undefined): Record<string, unknown> {
  if (!record) return {};
  const { state } = record;
  return typeof state.toJavaScript === 'function'
    ? (state as { toJavaScript(): Record<string, unknown> }).toJavaScript()
    : (state as Record<string, unknown>);
}

/** Waits until registrations stop arriving (the program's Outputs resolve in later ticks). */
export async function settled(resources: readonly Registered[]): Promise<void> {
  let seen = -1;
  let quiet = 0;
  while (quiet < 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (resources.length === seen) quiet++;
    else {
      seen = resources.length;
      quiet = 0;
    }
  }
}

/**
 * Sets the program's config as `pulumi up` would from Pulumi.<stack>.yaml: `promstack:stack` in clear,
 * `promstack:secrets` as a secret key.
 */
export function setProgramConfig(stack: unknown, secrets?: Record<string, string>): void {
  const config: Record<string, string> = { 'promstack:stack': JSON.stringify(stack) };
  if (secrets) config['promstack:secrets'] = JSON.stringify(secrets);
  pulumi.runtime.setAllConfig(config, secrets ? ['promstack:secrets'] : []);
}
