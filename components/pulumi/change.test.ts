import { services } from '../../infra/services';
import { orders } from '../../infra/services/orders';
import { defineService, type ServiceDefinition } from '../service';
import { synthStack } from '../stack';
import { testStackConfig, type TestStackName } from '../stack/testing';
import { planConfigVolumes } from '../platforms/configmaps';
import { MonitoringStack } from './stack';
import { installMocks, unwrapSecrets, type Registered } from './testing';

/**
 * One alert threshold changed in a service: only the rules and what carries them may change, so that
 * a tuning never touches data (volumes, claims) or anything else.
 */
const mocks = installMocks('dev');

const SECRETS = {
  'slack-webhook-url': 'https://hooks.slack.test/x/SECRET-1',
  'grafana-admin-password': 'SECRET-2',
  'grafana-secret-key': 'SECRET-2-secret-key',
  'web-password': 'SECRET-2-web',
  'pagerduty-shop-routing-key': 'SECRET-3',
  'pagerduty-platform-routing-key': 'SECRET-4',
  'mimir-password': 'SECRET-5',
};
const tuned: ServiceDefinition[] = [
  defineService({ ...orders, alerts: { overrides: { HighErrorRate: { threshold: 0.1 } } } }),
];

const STACKS = {
  docker: { stack: 'docker', env: 'dev', base: 'dbase', tuned: 'dtuned' },
  kubernetes: { stack: 'kubernetes', env: 'prod', base: 'kbase', tuned: 'ktuned' },
} as const;
const built = new Map<string, MonitoringStack>();
for (const { stack, env, base, tuned: name } of Object.values(STACKS)) {
  built.set(
    base,
    new MonitoringStack(base, {
      stack: testStackConfig(stack),
      services,
      environment: env,
      secrets: SECRETS,
    }),
  );
  built.set(
    name,
    new MonitoringStack(name, {
      stack: testStackConfig(stack),
      services: tuned,
      environment: env,
      secrets: SECRETS,
    }),
  );
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

function changedResources(platform: keyof typeof STACKS) {
  const before = normalised(STACKS[platform].base);
  const after = normalised(STACKS[platform].tuned);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  return [...before.keys()].filter((key) => before.get(key)!.json !== after.get(key)!.json).sort();
}

function changedFiles(stack: TestStackName): string[] {
  const before = synthStack(testStackConfig(stack), services, { environment: stack }).files;
  const after = synthStack(testStackConfig(stack), tuned, { environment: stack }).files;
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

  it('on Docker replaces only the containers that carry a changed file, never a volume, image or network', () => {
    const files = changedFiles('docker');
    const changed = changedResources('docker');
    expect(changed).toContain('prometheus-container');
    const { workloads } = built.get(STACKS.docker.base)!.plan;
    const carriers = [workloads.prometheus, workloads.alertmanager, workloads.grafana]
      .filter((w) => w.configFiles.some((file) => files.includes(file.source)))
      .map((w) => `${w.name}-container`)
      .sort();
    expect(changed).toEqual(carriers);
    expect(changed.every((key) => key.endsWith('-container'))).toBe(true);
  });

  it('on Kubernetes changes only the ConfigMaps with a changed file and the pods that mount them', () => {
    const changed = changedResources('kubernetes');
    expect(changed).toContain('prometheus-prometheus-rules-0');
    expect(changed).toContain('prometheus-statefulset');
    expect(changed).not.toContain('prometheus-prometheus-0');
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
      return maps.length > 0 ? [...maps, controller] : [];
    });
    expect(changed).toEqual(expected.sort());
    const before = normalised(STACKS.kubernetes.base);
    const after = normalised(STACKS.kubernetes.tuned);
    for (const key of changed) {
      const type = before.get(key)!.type;
      expect([
        'kubernetes:core/v1:ConfigMap',
        'kubernetes:apps/v1:StatefulSet',
        'kubernetes:apps/v1:Deployment',
      ]).toContain(type);
      if (type === 'kubernetes:core/v1:ConfigMap') continue;
      // A pod template changes through its checksum and ConfigMap names; its claims stay as they were.
      const spec = (r: { inputs: Record<string, unknown> }) =>
        r.inputs.spec as {
          template: { metadata: { annotations: Record<string, string> } };
          volumeClaimTemplates?: unknown;
        };
      expect(spec(after.get(key)!).template.metadata.annotations['checksum/config']).not.toBe(
        spec(before.get(key)!).template.metadata.annotations['checksum/config'],
      );
      expect(JSON.stringify(spec(after.get(key)!).volumeClaimTemplates)).toBe(
        JSON.stringify(spec(before.get(key)!).volumeClaimTemplates),
      );
    }
  });
});
