import * as pulumi from '@pulumi/pulumi';
import { engineOutputs, recordResources, settled, setProgramConfig } from '../components/pulumi/mock-engine';
import { manifestFiles, secretMarker } from '../components/pulumi/manifests';
import { stackSecretNames } from '../components/platforms/stack-secrets';
import type { SynthResult } from '../components/stack';

/**
 * Runs the Pulumi program (infra/index.ts) for one stack under the mock engine, as `pulumi up` would run
 * it with Pulumi.<env>.yaml, and returns what it would create as files below `manifests/`. The CLI holds
 * no secret values (it never reads `promstack:secrets`): each secret the stack reads is given as its
 * marker, `<secret:NAME>`, so the manifests show which secret goes where and nothing of its value.
 * Once per process: the program registers its resources when its module loads.
 */
export async function programManifests(
  environment: string,
  stackInput: unknown,
  synth: SynthResult,
): Promise<Record<string, string>> {
  const resources = recordResources(environment);
  setProgramConfig(stackInput, secretMarkers(synth));
  await pulumi.runtime.runInPulumiStack(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../infra/index');
  });
  await settled(resources);
  return manifestFiles(resources, engineOutputs(resources));
}

/** A marker for every secret the stack's workloads read. */
function secretMarkers(synth: SynthResult): Record<string, string> {
  return Object.fromEntries(stackSecretNames(synth).map((name) => [name, secretMarker(name)]));
}
