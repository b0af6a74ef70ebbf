import * as pulumi from '@pulumi/pulumi';
import { services } from '../../infra/services';
import { installMocks, unwrapSecrets, type Registered } from '../pulumi/testing';
import { synthStack, type SynthResult } from '../stack';
import type { StackConfigInput } from '../stack/config';
import { testStackConfig } from '../stack/testing';
import { deployKubernetesWorkload, kubernetesNamespace, type KubernetesPlacement } from './kubernetes';
import { alertmanagerWorkload, grafanaWorkload, prometheusWorkload, type Workload } from './workload';

const mocks = installMocks('prod');

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super('test:index:Parent', name, {}, { transformations: [mocks.transformation] });
  }
}

/** The test stack with other replicas and `kubernetes.highAvailability`. */
function stackWith(replicas: { prometheus: number; alertmanager: number }, ha: object = {}): SynthResult {
  const input = testStackConfig('kubernetes') as StackConfigInput & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  return synthStack(
    {
      ...input,
      prometheus: { ...input.prometheus, replicas: replicas.prometheus },
      alertmanager: { ...input.alertmanager, replicas: replicas.alertmanager },
      kubernetes: { ...input.kubernetes, highAvailability: ha },
    },
    services,
    { environment: 'prod' },
  );
}

/**
 * The three workloads as the Pulumi components deploy them. Without their secret files: none of what
 * is tested here reads a secret.
 */
function deploy(name: string, synth: SynthResult): void {
  const parent = new Parent(name);
  const ns = kubernetesNamespace(name, synth.config.kubernetes.namespace, { env: name }, { parent });
  const placement: KubernetesPlacement = {
    platform: 'kubernetes',
    namespace: ns.metadata.name,
    namespaceName: synth.config.kubernetes.namespace,
    labels: { env: name },
  };
  const bare = (workload: Workload): Workload => ({ ...workload, secretFiles: [] });
  const highAvailability = synth.config.kubernetes.highAvailability;
  for (const [component, workload] of [
    ['prometheus', prometheusWorkload(synth)],
    ['alertmanager', alertmanagerWorkload(synth)],
  ] as const)
    deployKubernetesWorkload(`${name}-${component}`, bare(workload), placement, {
      parent,
      secrets: {},
      controller: 'StatefulSet',
      highAvailability,
    });
  deployKubernetesWorkload(`${name}-grafana`, bare(grafanaWorkload(synth)), placement, {
    parent,
    secrets: {},
    controller: 'Deployment',
  });
}

deploy('prod', stackWith({ prometheus: 2, alertmanager: 3 }));
deploy(
  'strict',
  stackWith(
    { prometheus: 3, alertmanager: 5 },
    { podAntiAffinity: 'required', zoneSpread: 'DoNotSchedule', maxUnavailable: 2, minReadySeconds: 60 },
  ),
);
deploy('single', stackWith({ prometheus: 1, alertmanager: 1 }));

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const inputs = (name: string): Obj => unwrapSecrets(mocks.named(name).inputs) as Obj;
const of = (stack: string, type: string): Registered[] =>
  mocks.ofType(type).filter((r) => r.name.startsWith(`${stack}-`));
const BUDGET = 'kubernetes:policy/v1:PodDisruptionBudget';
const SERVICE = 'kubernetes:core/v1:Service';

beforeAll(() => mocks.settle());

describe('replicated StatefulSets (the test stack: two Prometheus, three Alertmanagers)', () => {
  it.each(['prometheus', 'alertmanager'])(
    '%s: a disruption budget lets a drain stop one replica, and evict pods that are not ready',
    (component) => {
      const budget = inputs(`prod-${component}-disruption-budget`);
      const set = inputs(`prod-${component}-statefulset`);
      expect(budget.metadata).toMatchObject({ name: component, namespace: 'monitoring' });
      expect(budget.spec).toEqual({
        selector: { matchLabels: set.spec.selector.matchLabels },
        maxUnavailable: 1,
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      });
      // The budget guards the StatefulSet's pods: its selector is in their labels.
      expect(set.spec.template.metadata.labels).toMatchObject(budget.spec.selector.matchLabels);
    },
  );

  it.each(['prometheus', 'alertmanager'])(
    '%s: replicas preferably on different nodes, spread over zones where the scheduler can',
    (component) => {
      const set = inputs(`prod-${component}-statefulset`);
      const selector = { matchLabels: set.spec.selector.matchLabels };
      const pod = set.spec.template.spec;
      expect(pod.affinity).toEqual({
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: { labelSelector: selector, topologyKey: 'kubernetes.io/hostname' },
            },
          ],
        },
      });
      expect(pod.topologySpreadConstraints).toEqual([
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: selector,
        },
      ]);
    },
  );

  it.each(['prometheus', 'alertmanager'])(
    '%s: a rolling change replaces one pod at a time, each ready for 20 s before the next stops',
    (component) => {
      const { spec } = inputs(`prod-${component}-statefulset`);
      // RollingUpdate (not OnDelete) with no partition and no maxUnavailable: the controller stops the
      // highest ordinal, waits until its replacement has been ready for minReadySeconds, then the next.
      // Of three Alertmanagers two keep serving throughout; Parallel only starts new replicas together.
      expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
      expect(spec.minReadySeconds).toBe(20);
      expect(spec.podManagementPolicy).toBe('Parallel');
      // Ready means /-/ready: after the WAL replay for Prometheus, once the API serves for Alertmanager.
      expect(spec.template.spec.containers[0].readinessProbe).toBeDefined();
    },
  );

  it.each([
    ['prometheus', 9090],
    ['alertmanager', 9093],
  ] as const)(
    '%s: a ClusterIP Service with session affinity reaches any ready replica; the headless one stays',
    (component, port) => {
      const set = inputs(`prod-${component}-statefulset`);
      const balanced = inputs(`prod-${component}-balanced-service`);
      expect(balanced.metadata.name).toBe(`${component}-api`);
      expect(balanced.spec).toEqual({
        type: 'ClusterIP',
        selector: set.spec.selector.matchLabels,
        ports: [{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }],
        sessionAffinity: 'ClientIP',
      });
      const headless = inputs(`prod-${component}-service`);
      expect(headless.metadata.name).toBe(set.spec.serviceName);
      expect(headless.spec.clusterIP).toBe('None');
    },
  );

  it('leaves Grafana, one Deployment on one claim, without any of it', () => {
    const deployment = inputs('prod-grafana-deployment');
    expect(deployment.spec.template.spec.affinity).toBeUndefined();
    expect(deployment.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(deployment.spec.minReadySeconds).toBeUndefined();
    expect(
      of('prod', BUDGET)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['prod-alertmanager-disruption-budget', 'prod-prometheus-disruption-budget']);
    expect(of('prod', SERVICE).filter((r) => r.name.startsWith('prod-grafana'))).toHaveLength(1);
  });
});

describe('kubernetes.highAvailability set otherwise', () => {
  it('requires different nodes and zones, lets a drain stop two of five, waits 60 s per pod', () => {
    const set = inputs('strict-alertmanager-statefulset');
    const pod = set.spec.template.spec;
    expect(pod.affinity.podAntiAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          labelSelector: { matchLabels: set.spec.selector.matchLabels },
          topologyKey: 'kubernetes.io/hostname',
        },
      ],
    });
    expect(pod.topologySpreadConstraints[0].whenUnsatisfiable).toBe('DoNotSchedule');
    expect(set.spec.minReadySeconds).toBe(60);
    expect(set.spec.replicas).toBe(5);
    expect(inputs('strict-alertmanager-disruption-budget').spec.maxUnavailable).toBe(2);
    expect(inputs('strict-prometheus-disruption-budget').spec.maxUnavailable).toBe(2);
  });
});

describe('one replica of each', () => {
  it('has no disruption budget: it could only block a drain, or protect nothing', () => {
    expect(of('single', BUDGET)).toEqual([]);
  });

  it('keeps the spreading in the pod template, so that scaling up does not restart the running pod', () => {
    for (const component of ['prometheus', 'alertmanager']) {
      const single = inputs(`single-${component}-statefulset`).spec.template.spec;
      const replicated = inputs(`prod-${component}-statefulset`).spec.template.spec;
      expect(single.affinity).toEqual(replicated.affinity);
      expect(single.topologySpreadConstraints).toEqual(replicated.topologySpreadConstraints);
    }
  });

  it('still has the ClusterIP Service that the datasources name', () => {
    expect(
      of('single', SERVICE)
        .map((r) => (r.inputs.metadata as Obj).name)
        .sort(),
    ).toEqual(['alertmanager', 'alertmanager-api', 'grafana', 'prometheus', 'prometheus-api']);
  });
});
