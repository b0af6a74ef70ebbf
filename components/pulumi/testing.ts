/**
 * Pulumi mock harness for the component and program tests. One installMocks per test file: a second
 * setMocks while resources are still registering crashes the jest worker.
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
}

/** Options of a resource as its constructor set them (seen through a legacy transformation). */
export interface CapturedOptions {
  type: string;
  parentName?: string;
  parentType?: string;
  deleteBeforeReplace?: boolean;
  retainOnDelete?: boolean;
  replaceOnChanges?: string[];
}

export interface MockHarness {
  /** Every resource registered so far, in registration order. */
  resources: Registered[];
  /** Options by resource name; filled for resources below a component given `transformations`. */
  options: Map<string, CapturedOptions>;
  /** Pass as `transformations` to the outermost component to capture its children's options. */
  transformation: pulumi.ResourceTransformation;
  /** Waits until registrations stop arriving. */
  settle(): Promise<void>;
  ofType(type: string): Registered[];
  named(name: string): Registered;
  /**
   * The outputs the engine keeps for each resource, as serialised (secrets in their envelope): what a
   * custom resource's provider returned (here the mock's state), or what a component registered with
   * registerOutputs. By resource, for every resource registered so far.
   */
  outputs(): Map<Registered, Record<string, unknown>>;
  /** The outputs of one resource (see `outputs`). */
  outputsOf(resource: Registered): Record<string, unknown>;
}

/** The mock engine's record of each resource: its URN and its outputs, serialised. */
interface EngineRecord {
  urn: string;
  state: Record<string, unknown> | { toJavaScript(): Record<string, unknown> };
}

/** The resources the mock engine holds, by `type::name` (the end of their URN). */
function engineRecords(): Map<string, EngineRecord> {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    getRegisteredResources(): Map<string, EngineRecord>;
  };
  const byKey = new Map<string, EngineRecord>();
  for (const record of monitor.getRegisteredResources().values()) {
    // urn:pulumi:<stack>::<project>::<parent types $ type>::<name>
    const [, , qualifiedType, name] = record.urn.split('::');
    byKey.set(`${qualifiedType.split('$').pop()}::${name}`, record);
  }
  return byKey;
}

/** A record's outputs as plain data: a component's registered outputs arrive as a protobuf Struct. */
function outputsOfRecord(record: EngineRecord | undefined): Record<string, unknown> {
  if (!record) return {};
  const { state } = record;
  return typeof state.toJavaScript === 'function'
    ? (state as { toJavaScript(): Record<string, unknown> }).toJavaScript()
    : (state as Record<string, unknown>);
}

/** Autonamed ConfigMaps and Secrets get a name from their content, as a new name follows new data. */
function autoname(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const state: Record<string, unknown> = { ...args.inputs };
  const metadata = (args.inputs.metadata ?? {}) as Record<string, unknown>;
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

export function installMocks(stack = 'test', project = 'promstack'): MockHarness {
  const resources: Registered[] = [];
  const options = new Map<string, CapturedOptions>();
  void pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom ?? false,
        });
        return { id: `${args.name}-id`, state: autoname(args) };
      },
      call: (args) => args.inputs,
    },
    project,
    stack,
    false,
  );
  const transformation: pulumi.ResourceTransformation = ({ type, name, opts }) => {
    const parent = opts.parent as (pulumi.Resource & { __name?: string; __pulumiType?: string }) | undefined;
    options.set(name, {
      type,
      parentName: parent?.__name,
      parentType: parent?.__pulumiType,
      deleteBeforeReplace: (opts as pulumi.CustomResourceOptions).deleteBeforeReplace,
      retainOnDelete: opts.retainOnDelete,
      replaceOnChanges: opts.replaceOnChanges,
    });
    return undefined;
  };
  return {
    resources,
    options,
    transformation,
    async settle() {
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
    },
    ofType: (type) => resources.filter((r) => r.type === type),
    outputs() {
      const records = engineRecords();
      return new Map(resources.map((r) => [r, outputsOfRecord(records.get(`${r.type}::${r.name}`))]));
    },
    outputsOf: (resource) => outputsOfRecord(engineRecords().get(`${resource.type}::${resource.name}`)),
    named(name) {
      const found = resources.find((r) => r.name === name);
      if (!found)
        throw new Error(`no resource named ${name}; have ${resources.map((r) => r.name).join(', ')}`);
      return found;
    },
  };
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

/** The value with every secret envelope replaced by `[secret]`: what state and previews show in clear. */
export function plainPart(value: unknown): unknown {
  if (isSecretEnvelope(value)) return '[secret]';
  if (Array.isArray(value)) return value.map(plainPart);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainPart(v)]));
}

/** Resolves an Output in a test (mocks run with preview=false, so every value is known). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
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

/**
 * Runs a program module (e.g. `() => require('./index')`) as the root stack, as the Pulumi CLI does, with
 * the harness capturing every resource's options; resolves to the stack outputs (the module's exports).
 */
export async function runProgram(mocks: MockHarness, load: () => unknown): Promise<Record<string, unknown>> {
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(mocks.transformation);
    return load();
  });
  await mocks.settle();
  return (outputs ?? {}) as Record<string, unknown>;
}
