import { services } from '../../infra/services';
import { orders } from '../../infra/services/orders';
import { defineService, type ServiceDefinition } from '../service';
import { synthStack } from '../stack';
import { secretValues, testStackConfig, TEST_STACK_SECRETS, type TestStackName } from '../stack/testing';
import { planConfigVolumes } from '../platforms/configmaps';
import { MonitoringStack } from './stack';
import { installMocks, unwrapSecrets, type Registered } from './testing';

/**
 * One alert tuned in a service: only the rules and what carries them may change, so that a tuning never
 * touches data (volumes, claims) or anything else, and Prometheus takes it by reload, its containers and
 * pods as they were.
 */
const mocks = installMocks('dev');

const SECRETS = secretValues(TEST_STACK_SECRETS.kubernetes);
/** Changes of one service: a threshold (its rules and its dashboard), and a `for` (its rules only). */
const CHANGES = {
  threshold: [defineService({ ...orders, alerts: { overrides: { HighErrorRate: { threshold: 0.1 } } } })],
  for: [defineService({ ...orders, alerts: { overrides: { HighErrorRate: { for: '10m' } } } })],
} satisfies Record<string, ServiceDefinition[]>;
type Change = keyof typeof CHANGES;
const STACKS = {
  docker: { stack: 'docker', env: 'dev', base: 'dbase', threshold: 'dtuned', for: 'dfor' },
  kubernetes: { stack: 'kubernetes', env: 'prod', base: 'kbase', threshold: 'ktuned', for: 'kfor' },
} as const;
const built = new Map<string, MonitoringStack>();
for (const platform of Object.values(STACKS)) {
  const variants = [
    [platform.base, services],
    ...(Object.keys(CHANGES) as Change[]).map((change) => [platform[change], CHANGES[change]] as const),
  ] as const;
  for (const [name, catalogue] of variants) {
    built.set(
      name,
      new MonitoringStack(name, {
        stack: testStackConfig(platform.stack),
        services: catalogue,
        environment: platform.env,
        secrets: SECRETS,
      }),
    );
  }
}

/** Inputs by resource name without the stack's own name, so that the two stacks compare. */
function normalised(
  stack: string,
): Map<string, { type: string; json: string; inputs: Record<string, unknown> }> {
  const out = new Map<string, { type: string; json: string; inputs: Record<string, unknown> }>();
  for (const r of mocks.resources.filter((r: Registered) => r.name.startsWith(`${stack}-`))) {
    const inputs = unwrapSecrets(r.inputs) as Record<string, unknown>;
    out.set(r.name.slice(stack.length + 1), {
      type: r.type,
      inputs,
      json: JSON.stringify(inputs).split(`${stack}-`).join('STACK-'),
    });
  }
  return out;
}

function changedResources(platform: keyof typeof STACKS, change: Change = 'threshold') {
  const before = normalised(STACKS[platform].base);
  const after = normalised(STACKS[platform][change]);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  return [...before.keys()].filter((key) => before.get(key)!.json !== after.get(key)!.json).sort();
}

function changedFiles(stack: TestStackName, change: Change = 'threshold'): string[] {
  const before = synthStack(testStackConfig(stack), services, { environment: stack }).files;
  const after = synthStack(testStackConfig(stack), CHANGES[change], { environment: stack }).files;
  return Object.keys(before).filter((path) => before[path] !== after[path]);
}

beforeAll(() => mocks.settle());

describe('changing one alert threshold', () => {
  it('changes the rules of that service only (and what is derived from them), never the server configs', () => {
    const files = changedFiles('docker');
    expect(files).toContain('prometheus/rules/orders.yml');
    expect(files).not.toContain('prometheus/prometheus.yml');
    expect(files).not.toContain('alertmanager/alertmanager.yml');
    expect(files.every((f) => /orders/.test(f))).toBe(true);
  });

  it('on Docker replaces only the config holders of the tools with a changed file: Prometheus reloads its rules, Grafana polls its dashboards', () => {
    const files = changedFiles('docker');
    const changed = changedResources('docker');
    const { workloads } = built.get(STACKS.docker.base)!.plan;
    const carriers = [workloads.prometheus, workloads.alertmanager, workloads.grafana]
      .filter((w) => w.configFiles.some((file) => files.includes(file.source)))
      .map((w) => `${w.name}-config-holder`)
      .sort();
    expect(changed).toEqual(carriers);
    expect(changed).toEqual(['grafana-config-holder', 'prometheus-config-holder']);
    // Both keep running: their containers (and Prometheus's reloader) are what they were. Grafana's
    // would be replaced only by a change to what it reads at start (datasources, secret files).
    expect(changed).not.toContain('prometheus-container');
    expect(changed).not.toContain('prometheus-config-reloader');
    expect(changed).not.toContain('grafana-container');
  });

  it('on Kubernetes changes only the ConfigMaps with a changed file, and the pods only of a tool that cannot reload them', () => {
    const changed = changedResources('kubernetes');
    expect(changed).toContain('prometheus-prometheus-rules-0');
    expect(changed).not.toContain('prometheus-prometheus-0');
    expect(changed).not.toContain('prometheus-statefulset');
    const files = changedFiles('kubernetes');
    const { workloads } = built.get(STACKS.kubernetes.base)!.plan;
    const expected = [workloads.prometheus, workloads.alertmanager, workloads.grafana].flatMap((w) => {
      const sources = new Map(w.configFiles.map((f) => [f.path, f.source]));
      const maps = planConfigVolumes(w)
        .plan.configMaps.filter((chunk) =>
          Object.keys(chunk.data).some((key) => files.includes(sources.get(`${chunk.dir}/${key}`) ?? '')),
        )
        .map((chunk) => `${w.name}-${chunk.id}`);
      const controller = w.name === 'grafana' ? 'grafana-deployment' : `${w.name}-statefulset`;
      return maps.length > 0 && !w.reload ? [...maps, controller] : maps;
    });
    expect(changed).toEqual(expected.sort());
    const before = normalised(STACKS.kubernetes.base);
    const after = normalised(STACKS.kubernetes.threshold);
    for (const key of changed) {
      const type = before.get(key)!.type;
      expect(['kubernetes:core/v1:ConfigMap', 'kubernetes:apps/v1:Deployment']).toContain(type);
      if (type === 'kubernetes:core/v1:ConfigMap') continue;
      // Grafana's dashboards are in replaced ConfigMaps: its pod template changes through their names
      // and its checksum; its claim stays as it was.
      const spec = (r: { inputs: Record<string, unknown> }) =>
        r.inputs.spec as { template: { metadata: { annotations: Record<string, string> } } };
      expect(spec(after.get(key)!).template.metadata.annotations['checksum/config']).not.toBe(
        spec(before.get(key)!).template.metadata.annotations['checksum/config'],
      );
    }
    // A named ConfigMap keeps its name: the change is an update in place.
    expect((after.get('prometheus-prometheus-rules-0')!.inputs.metadata as { name: string }).name).toBe(
      'prometheus-rules-0',
    );
  });
});

describe('changing only a rule (its `for`)', () => {
  it('changes the rules of that service only', () => {
    expect(changedFiles('docker', 'for')).toEqual([
      'prometheus/rules/orders.yml',
      'prometheus/tests/orders.yml',
    ]);
  });

  it.each(['docker', 'kubernetes'] as const)(
    "on %s changes the rules' carrier only: every container and pod spec stays byte-identical",
    (platform) => {
      expect(changedResources(platform, 'for')).toEqual([
        platform === 'docker' ? 'prometheus-config-holder' : 'prometheus-prometheus-rules-0',
      ]);
      const before = normalised(STACKS[platform].base);
      const after = normalised(STACKS[platform].for);
      const workloadTypes = [
        'docker:index/container:Container',
        'kubernetes:apps/v1:StatefulSet',
        'kubernetes:apps/v1:Deployment',
      ];
      const runners = [...before.keys()].filter(
        (key) => workloadTypes.includes(before.get(key)!.type) && key !== 'prometheus-config-holder',
      );
      expect(runners.length).toBeGreaterThanOrEqual(platform === 'docker' ? 5 : 3);
      for (const key of runners)
        expect({ key, json: after.get(key)!.json }).toEqual({ key, json: before.get(key)!.json });
    },
  );
});
