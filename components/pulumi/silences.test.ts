import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { services } from '../../infra/services';
import { dockerRunProblem } from '../platforms/docker-silences';
import { networkPolicySpecs } from '../platforms/kubernetes-network';
import { projectedFiles, clusterData } from '../platforms/testing';
import type { StackConfigInput } from '../stack';
import { imagePinProblem, IMAGES } from '../stack/images';
import { apiSilences } from '../stack/silences';
import { secretValues, testStackConfig, TEST_STACK_SECRETS, type TestStackName } from '../stack/testing';
import { MonitoringStack, planMonitoringStack } from './stack';
import { installMocks, unwrapSecrets } from './testing';

const mocks = installMocks('prod');

const SECRETS = secretValues(TEST_STACK_SECRETS.kubernetes);
const SILENCES = [
  {
    matchers: ['service="orders"', 'alertname=~"High.*"', 'severity!="critical"'],
    startsAt: '2026-12-01T22:00:00Z',
    endsAt: '2026-12-02T02:00:00Z',
    createdBy: 'platform team',
    comment: 'a planned load test of orders',
  },
];
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function stackOf(name: TestStackName, silences: unknown[]): StackConfigInput {
  return { ...testStackConfig(name), silences } as StackConfigInput;
}
const later = [{ ...SILENCES[0], endsAt: '2026-12-02T04:00:00Z' }];
const capture = { transformations: [mocks.transformation] };
const deploy = (name: string, platform: TestStackName, silences: unknown[]) =>
  new MonitoringStack(
    name,
    {
      stack: stackOf(platform, silences),
      services,
      environment: platform === 'docker' ? 'dev' : 'prod',
      secrets: SECRETS,
    },
    capture,
  );
deploy('k8s', 'kubernetes', SILENCES);
deploy('k8s-later', 'kubernetes', later);
deploy('k8s-none', 'kubernetes', []);
deploy('docker', 'docker', SILENCES);
deploy('docker-none', 'docker', []);
deploy('docker-later', 'docker', later);

beforeAll(() => mocks.settle());

/** The state of each resource of a type below the stack named `stack`, secrets opened. */
function statesOf(type: string, stack: string): Obj[] {
  return (
    [...mocks.outputs()]
      // `k8s-` would also take `k8s-later-…`: a stack's own resources carry no second stack name.
      .filter(([r]) => r.type === type && r.name.startsWith(`${stack}-`))
      .filter(([r]) => stack.includes('-') || !/^(k8s|docker)-(later|none)-/.test(r.name))
      .map(([, outputs]) => unwrapSecrets(outputs) as Obj)
  );
}
const jobs = (stack: string) => statesOf('kubernetes:batch/v1:Job', stack);

describe('silences on a Kubernetes deploy', () => {
  it('are applied by a Job running the pinned node image on apply-silences.js and the rendered silences', () => {
    const [job] = jobs('k8s');
    expect(jobs('k8s')).toHaveLength(1);
    expect(job.metadata).toMatchObject({
      namespace: 'monitoring',
      name: expect.stringMatching(/^alertmanager-silences-[0-9a-f]{12}$/),
    });
    const pod = job.spec.template.spec;
    const [container] = pod.containers;
    expect(container.image).toBe(IMAGES.node);
    expect(imagePinProblem(container.image)).toBeUndefined();
    expect(container.command).toEqual([
      'node',
      '/etc/promstack/silences/apply-silences.js',
      '/etc/promstack/silences/silences.json',
    ]);
    const env = Object.fromEntries((container.env as Obj[]).map((e) => [e.name, e.value]));
    expect(env).toEqual({
      ALERTMANAGER_PASSWORD_FILE: '/etc/promstack/silences-secrets/web-password',
      ALERTMANAGER_URL: 'http://alertmanager-api.monitoring.svc:9093',
      ALERTMANAGER_USERNAME: 'promstack',
      ALERTMANAGER_WAIT_SECONDS: '60',
    });
    // What the kubelet would write into the pod: the very script, the silences, the password file.
    const files = projectedFiles(pod, clusterData(mocks));
    expect(files.get('/etc/promstack/silences/apply-silences.js')).toBe(
      readFileSync(join(__dirname, '../platforms/apply-silences.js'), 'utf8'),
    );
    expect(JSON.parse(files.get('/etc/promstack/silences/silences.json')!)).toEqual(apiSilences(SILENCES));
    expect(files.get(env.ALERTMANAGER_PASSWORD_FILE)).toBe(SECRETS['web-password']);
  });

  it('runs as a restricted, read-only, bounded pod that Kubernetes retries and Pulumi waits for', () => {
    const [job] = jobs('k8s');
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    // A failed Job (Alertmanager down all along) is replaced, so run again, by the next deploy.
    expect(job.metadata.annotations).toEqual({ 'pulumi.com/replaceUnready': 'true' });
    const pod = job.spec.template.spec;
    expect(pod).toMatchObject({
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { memory: '64Mi' },
    });
  });

  it('keeps the password out of the ConfigMap and the Job', () => {
    const text = JSON.stringify([
      ...statesOf('kubernetes:core/v1:ConfigMap', 'k8s-silences'),
      ...jobs('k8s'),
    ]);
    expect(text).not.toContain(SECRETS['web-password']);
  });

  it('is a new Job when the silences change, and the same Job when they do not', () => {
    const name = (silences: unknown[]) =>
      planMonitoringStack({
        stack: stackOf('kubernetes', silences),
        services,
        environment: 'prod',
        secrets: SECRETS,
      }).silencesApplier!.digest;
    expect(jobs('k8s-later')[0].metadata.name).not.toBe(jobs('k8s')[0].metadata.name);
    expect(jobs('k8s')[0].metadata.name).toBe(`alertmanager-silences-${name(SILENCES)}`);
    expect(name(SILENCES)).toBe(name(structuredClone(SILENCES)));
  });

  it('is absent when the stack config has no silences', () => {
    expect(jobs('k8s-none')).toEqual([]);
    expect(mocks.resources.filter((r) => r.name.startsWith('k8s-none-silences'))).toEqual([]);
  });

  it('may reach Alertmanager and the cluster DNS only, and Alertmanager lets it in', () => {
    const plan = planMonitoringStack({
      stack: stackOf('kubernetes', SILENCES),
      services,
      environment: 'prod',
      secrets: SECRETS,
    });
    const specs = networkPolicySpecs(plan.synth, plan.workloads, services);
    const applierPods = {
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/name': 'alertmanager-silences',
          'app.kubernetes.io/part-of': 'promstack',
        },
      },
    };
    const applier = specs.find((s) => s.name === 'alertmanager-silences')!;
    expect(applier).toMatchObject({
      podSelector: applierPods.podSelector,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
    });
    expect(applier.egress.slice(1)).toEqual([
      {
        to: [
          {
            podSelector: {
              matchLabels: {
                'app.kubernetes.io/name': 'alertmanager',
                'app.kubernetes.io/part-of': 'promstack',
              },
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 9093 }],
      },
    ]);
    expect(applier.egress[0].ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    const alertmanager = specs.find((s) => s.name === 'alertmanager')!;
    expect(alertmanager.ingress[0].from).toContainEqual(applierPods);
    const none = planMonitoringStack({
      stack: stackOf('kubernetes', []),
      services,
      environment: 'prod',
      secrets: SECRETS,
    });
    expect(networkPolicySpecs(none.synth, none.workloads, services).map((s) => s.name)).not.toContain(
      'alertmanager-silences',
    );
  });
});

describe('silences on a Docker deploy', () => {
  const containers = (stack: string) =>
    statesOf('docker:index/container:Container', stack).filter((c) =>
      c.name.endsWith('-alertmanager-silences'),
    );

  it('are applied by a one-shot container on the stack network that Pulumi waits for', () => {
    const [container] = containers('docker');
    expect(containers('docker')).toHaveLength(1);
    expect(container).toMatchObject({
      name: 'promstack-dev-alertmanager-silences',
      command: ['node', '/etc/promstack/silences/apply-silences.js', '/etc/promstack/silences/silences.json'],
      user: '1000:1000',
      attach: true,
      mustRun: false,
      restart: 'no',
      networksAdvanced: [{ name: 'promstack-dev' }],
      capabilities: { drops: ['ALL'] },
      securityOpts: ['no-new-privileges:true'],
    });
    expect(container.envs).toContain('ALERTMANAGER_URL=http://alertmanager:9093');
    const uploads = Object.fromEntries((container.uploads as Obj[]).map((u) => [u.file, u]));
    expect(uploads['/etc/promstack/silences/apply-silences.js'].content).toBe(
      readFileSync(join(__dirname, '../platforms/apply-silences.js'), 'utf8'),
    );
    expect(JSON.parse(uploads['/etc/promstack/silences/silences.json'].content)).toEqual(
      apiSilences(SILENCES),
    );
    expect(uploads['/etc/promstack/silences-secrets/web-password']).toMatchObject({
      content: SECRETS['web-password'],
      permissions: '0400',
      owner: '1000',
    });
    const images = statesOf('docker:index/remoteImage:RemoteImage', 'docker-silences');
    expect(images.map((i) => i.name)).toEqual([IMAGES.node]);
  });

  it('is absent when the stack config has no silences', () => {
    expect(containers('docker-none')).toEqual([]);
  });

  it('runs again when the silences change: new uploads replace the container, the old one going first', () => {
    const silencesFile = (stack: string) =>
      (containers(stack)[0].uploads as Obj[]).find((u) => u.file.endsWith('/silences.json'))!.content;
    expect(JSON.parse(silencesFile('docker-later'))).toEqual(apiSilences(later));
    expect(silencesFile('docker-later')).not.toBe(silencesFile('docker'));
    expect(mocks.options.get('docker-silences-container')).toMatchObject({ deleteBeforeReplace: true });
  });

  it('fails the deploy when the run exits with an error (the provider only records it), saying what to do', () => {
    expect(dockerRunProblem(0, 'promstack-dev-alertmanager-silences')).toBeUndefined();
    expect(dockerRunProblem(undefined, 'promstack-dev-alertmanager-silences')).toBeUndefined();
    expect(dockerRunProblem(1, 'promstack-dev-alertmanager-silences')).toBe(
      'the silences were not applied: promstack-dev-alertmanager-silences exited with 1 (docker logs ' +
        'promstack-dev-alertmanager-silences says why); once Alertmanager answers, docker start -a ' +
        'promstack-dev-alertmanager-silences runs it again',
    );
  });
});
