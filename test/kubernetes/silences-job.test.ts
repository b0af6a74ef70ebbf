/**
 * The Job that applies the stack config's silences, as the Pulumi program would send it for the
 * Kubernetes test stack with silences (under the mock engine, as `promstack synth --manifests` runs it),
 * checked as schema.test.ts checks every object: the OpenAPI schema, the restricted Pod Security
 * Standard, its mounts and the files its command and environment name.
 */
import { services } from '../../infra/services';
import { kubernetesManifests } from '../../components/pulumi/manifests';
import { MonitoringStack } from '../../components/pulumi/stack';
import { installMocks } from '../../components/pulumi/testing';
import type { StackConfigInput } from '../../components/stack';
import { secretValues, testStackConfig, TEST_STACK_SECRETS } from '../../components/stack/testing';
import { crossReferenceProblems, schemaProblems } from './cluster-checks';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const mocks = installMocks('prod');
const SECRETS = secretValues(TEST_STACK_SECRETS.kubernetes);
const stack = {
  ...testStackConfig('kubernetes'),
  silences: [
    {
      matchers: ['service="orders"', 'alertname="HighLatency"'],
      startsAt: '2026-12-01T22:00:00Z',
      endsAt: '2026-12-02T02:00:00Z',
      createdBy: 'promstack tests',
      comment: 'a planned load test of orders',
    },
  ],
} as StackConfigInput;
new MonitoringStack('prod', { stack, services, environment: 'prod', secrets: SECRETS });

let manifests: Obj[] = [];
beforeAll(async () => {
  await mocks.settle();
  manifests = kubernetesManifests(mocks.outputs()) as Obj[];
});

describe('the Kubernetes manifests with silences', () => {
  const job = () => manifests.find((m) => m.kind === 'Job');

  it('hold the Job that applies them, in the stack namespace', () => {
    expect(manifests.filter((m) => m.kind === 'Job').map((m) => m.metadata.name)).toEqual([
      expect.stringMatching(/^alertmanager-silences-[0-9a-f]{12}$/),
    ]);
    expect(job()!.metadata.namespace).toBe('monitoring');
  });

  it('validate against the Kubernetes OpenAPI schemas, the Job included', () => {
    expect(manifests.filter((m) => m.kind === 'NetworkPolicy').map((m) => m.metadata.name)).toContain(
      'promstack-alertmanager-silences',
    );
    expect(schemaProblems(manifests)).toEqual([]);
  });

  it('give the Job a restricted pod whose mounts and files exist', () => {
    expect(crossReferenceProblems(manifests, ['shop'])).toEqual([]);
  });

  it('would show a Job that breaks the restricted standard or names a file it does not mount', () => {
    const copy = structuredClone(manifests);
    const broken = copy.find((m) => m.kind === 'Job')!;
    const container = broken.spec.template.spec.containers[0];
    container.securityContext.allowPrivilegeEscalation = true;
    container.command[2] = '/etc/promstack/silences/silence.json';
    broken.spec.backoffLimit = 'four';
    const name = `Job monitoring/${broken.metadata.name}`;
    expect(schemaProblems(copy)).toEqual([expect.stringMatching(new RegExp(`^${name}: .*backoffLimit`))]);
    expect(crossReferenceProblems(copy, ['shop'])).toEqual([
      `${name} container alertmanager-silences: allowPrivilegeEscalation must be false (restricted)`,
      `${name} container alertmanager-silences: /etc/promstack/silences/silence.json is not a file of the volume mounted at /etc/promstack/silences`,
    ]);
  });
});
