/**
 * Pulumi mock harness for the component and program tests. One installMocks per test file: a second
 * setMocks while resources are still registering crashes the jest worker.
 */
import * as pulumi from '@pulumi/pulumi';
import { engineOutputs, isSecretEnvelope, recordResources, settled, type Registered } from './mock-engine';

export {
  isSecretEnvelope,
  SECRET_SIGNATURE_KEY,
  setProgramConfig,
  unwrapSecrets,
  type Registered,
} from './mock-engine';

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

export function installMocks(stack = 'test', project = 'promstack'): MockHarness {
  const resources = recordResources(stack, project);
  const options = new Map<string, CapturedOptions>();
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
    settle: () => settled(resources),
    ofType: (type) => resources.filter((r) => r.type === type),
    outputs: () => engineOutputs(resources),
    outputsOf: (resource) => engineOutputs([resource]).get(resource) ?? {},
    named(name) {
      const found = resources.find((r) => r.name === name);
      if (!found)
        throw new Error(`no resource named ${name}; have ${resources.map((r) => r.name).join(', ')}`);
      return found;
    },
  };
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
