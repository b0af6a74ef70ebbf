import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { services } from '../../infra/services';
import { ValidationError } from '../model/errors';
import { synthStack, type StackConfigInput } from '../stack';
import { secretValues, testStackConfig, TEST_STACK_SECRETS, type TestStackName } from '../stack/testing';
import { Prometheus } from './prometheus';
import { MonitoringStack, planMonitoringStack } from './stack';
import { installMocks, valueOf } from './testing';

const mocks = installMocks('dev');

const DEV_SECRETS = secretValues(TEST_STACK_SECRETS.docker);
const PROD_SECRETS = secretValues(TEST_STACK_SECRETS.kubernetes);
type Config = StackConfigInput & Record<string, unknown>;
const config = (name: TestStackName) => testStackConfig(name) as Config;
const capture = { transformations: [mocks.transformation] };

const dev = new MonitoringStack(
  'dev',
  { stack: config('docker'), services, environment: 'dev', secrets: DEV_SECRETS },
  capture,
);
const prod = new MonitoringStack(
  'prod',
  { stack: config('kubernetes'), services, environment: 'prod', secrets: PROD_SECRETS },
  capture,
);

beforeAll(() => mocks.settle());

describe('MonitoringStack outputs', () => {
  it.each([
    [dev, 'http://127.0.0.1:9090', 'http://127.0.0.1:9093', 'http://127.0.0.1:3000'],
    [
      prod,
      'http://prometheus-api.monitoring.svc:9090',
      'http://alertmanager-api.monitoring.svc:9093',
      'https://grafana.example.com/',
    ],
  ])('gives the URLs where each tool is reached (%#)', async (stack, prometheus, alertmanager, grafana) => {
    expect(await valueOf(stack.prometheusUrl)).toBe(prometheus);
    expect(await valueOf(stack.alertmanagerUrl)).toBe(alertmanager);
    expect(await valueOf(stack.grafanaUrl)).toBe(grafana);
    expect(await valueOf(stack.services)).toEqual(['orders']);
  });

  it('exposes a digest and the size of every rendered file, not its text, and a summary', async () => {
    const files = synthStack(config('docker'), services, { environment: 'dev' }).files;
    const digests = await valueOf(dev.fileDigests);
    expect(Object.keys(digests)).toEqual(Object.keys(files));
    const rules = files['prometheus/rules/orders.yml'];
    expect(digests['prometheus/rules/orders.yml']).toEqual({
      sha256: createHash('sha256').update(rules).digest('hex').slice(0, 16),
      bytes: Buffer.byteLength(rules),
    });
    const summary = await valueOf(dev.filesSummary);
    expect(summary.files).toBe(Object.keys(files).length);
    expect(summary.bytes).toBe(Object.values(files).reduce((n, text) => n + Buffer.byteLength(text), 0));
    expect(summary.byFolder['prometheus/rules'].files).toBe(
      Object.keys(files).filter((p) => p.startsWith('prometheus/rules/')).length,
    );
    expect(await pulumi.isSecret(dev.fileDigests)).toBe(false);
  });

  it('keeps the text of every rendered file out of every component output', async () => {
    const files = Object.values(dev.plan.synth.files).filter((text) => text.length > 200);
    const outputs = mocks.resources
      .filter((r) => r.type.startsWith('promstack:index:'))
      .map((r) => JSON.stringify(mocks.outputsOf(r)));
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.join('\n')).toContain('"sha256"');
    // A line of each file that no digest or summary would hold.
    for (const text of files) {
      const line = text.split('\n').find((l) => l.trim().length > 40)!;
      for (const json of outputs) expect(json).not.toContain(JSON.stringify(line).slice(1, -1));
    }
  });
});

describe('component structure', () => {
  it.each([
    ['dev-alertmanager', 'promstack:index:Alertmanager'],
    ['dev-prometheus', 'promstack:index:Prometheus'],
    ['dev-grafana', 'promstack:index:Grafana'],
  ])('%s is a %s child of the stack', (name, type) => {
    expect(mocks.options.get(name)).toMatchObject({
      type,
      parentName: 'dev',
      parentType: 'promstack:index:MonitoringStack',
    });
  });

  it('sends no arguments to the engine for any component (they may hold secrets)', () => {
    const components = mocks.resources.filter((r) => r.type.startsWith('promstack:index:'));
    expect(components.map((c) => c.type).sort()).toEqual([
      'promstack:index:Alertmanager',
      'promstack:index:Alertmanager',
      'promstack:index:Grafana',
      'promstack:index:Grafana',
      'promstack:index:MonitoredService',
      'promstack:index:MonitoredService',
      'promstack:index:MonitoringStack',
      'promstack:index:MonitoringStack',
      'promstack:index:Prometheus',
      'promstack:index:Prometheus',
    ]);
    for (const c of components) expect(c.inputs).toEqual({});
  });

  it('names every child after its parent and parents every resource in a promstack component', () => {
    for (const [name, options] of mocks.options) {
      if (name === 'dev' || name === 'prod') continue;
      expect(name.startsWith(`${options.parentName}-`)).toBe(true);
      expect(options.parentType).toMatch(/^promstack:index:/);
    }
  });

  it('puts the containers under their component and the network and backend under the stack', () => {
    expect(mocks.options.get('dev-prometheus-container')?.parentName).toBe('dev-prometheus');
    expect(mocks.options.get('dev-network')?.parentName).toBe('dev');
    expect(mocks.options.get('dev-example-backend-container')?.parentName).toBe('dev');
    expect(mocks.options.get('prod-namespace')?.parentName).toBe('prod');
    expect(mocks.options.get('prod-prometheus-statefulset')?.parentName).toBe('prod-prometheus');
  });
});

describe('validation before any resource', () => {
  const attempt = async (make: () => unknown): Promise<ValidationError> => {
    await mocks.settle();
    const before = mocks.resources.length;
    let error: unknown;
    try {
      make();
    } catch (caught) {
      error = caught;
    }
    await mocks.settle();
    expect(mocks.resources.length).toBe(before);
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  };

  it('a bad stack config fails with every problem named by its key', async () => {
    const bad = config('docker');
    bad.teams = { ...bad.teams, shop: { critical: ['nobody'] } } as Config['teams'];
    (bad.prometheus as Record<string, unknown>).retension = '7d';
    const error = await attempt(
      () => new MonitoringStack('bad', { stack: bad, services, secrets: DEV_SECRETS }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['stack.prometheus']);
    expect(error.message).toContain('"retension"');
    bad.prometheus = {};
    const second = await attempt(
      () => new MonitoringStack('bad', { stack: bad, services, secrets: DEV_SECRETS }),
    );
    expect(second.issues.map((i) => i.path)).toEqual(['stack.teams.shop.critical[0]']);
    expect(second.message).toContain('receiver nobody is not defined');
  });

  it('a missing secret fails with the command that sets it', async () => {
    const error = await attempt(
      () =>
        new MonitoringStack('nosecrets', {
          stack: config('kubernetes'),
          services,
          secrets: { 'slack-webhook-url': 'x' },
        }),
    );
    expect(error.issues.map((i) => i.path)).toEqual([
      'secrets.grafana-admin-password',
      'secrets.grafana-secret-key',
      'secrets.mimir-password',
      'secrets.pagerduty-platform-routing-key',
      'secrets.pagerduty-shop-routing-key',
      'secrets.web-password',
    ]);
    expect(error.message).toContain("pulumi config set --secret --path 'secrets.mimir-password' <value>");
  });

  it('a component alone checks its own secrets', async () => {
    const synth = synthStack(config('kubernetes'), services, { environment: 'prod' });
    const error = await attempt(
      () =>
        new Prometheus('alone', {
          synth,
          placement: {
            platform: 'kubernetes',
            namespace: 'monitoring',
            namespaceName: 'monitoring',
            labels: {},
          },
        }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['secrets.mimir-password', 'secrets.web-password']);
  });

  it('planMonitoringStack renders and checks without any resource', async () => {
    const plan = planMonitoringStack({
      stack: config('kubernetes'),
      services,
      environment: 'prod',
      secrets: PROD_SECRETS,
    });
    expect(plan.workloads.exampleBackend).toBeUndefined();
    expect(plan.discoveryNamespaces).toEqual(['shop']);
    expect(plan.workloads.alertmanager.replicas).toBe(3);
  });
});
