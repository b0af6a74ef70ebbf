import { beforeAll } from '@jest/globals';
import { installMocks, runProgram, setProgramConfig, unwrapSecrets } from '../components/pulumi/testing';
import { synthStack, type SynthResult } from '../components/stack/synth';
import { repoStackConfig } from '../components/stack/testing';
import { vendoredRuleFiles } from './rule-files';
import { services } from './services';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The Pulumi program (infra/index.ts) of one repository stack under mocks, run once before the test
 * file's tests with Pulumi.<environment>.yaml and the given secret values.
 */
export function programUnderMocks(environment: string, secrets: Record<string, string>) {
  const mocks = installMocks(environment);
  setProgramConfig(repoStackConfig(environment), secrets);
  const program = {
    mocks,
    /** The stack outputs, once the program ran (in beforeAll). */
    outputs: {} as Record<string, unknown>,
    /**
     * The stack rendered as the program renders it (same config, catalogue and vendored rules): the
     * text of the files, which the outputs carry only as digests.
     */
    synth: synthStack(repoStackConfig(environment), services, {
      environment,
      ruleFiles: vendoredRuleFiles(),
    }) as SynthResult,
    /** The inputs of the resource named `name`, secrets unwrapped. */
    inputs: (name: string) => unwrapSecrets(mocks.named(name).inputs) as Obj,
  };
  beforeAll(async () => {
    // The program runs when it is loaded: after its config is set.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    program.outputs = await runProgram(mocks, () => require('./index'));
  });
  return program;
}
