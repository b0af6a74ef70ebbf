import { parse } from 'yaml';
import { services } from '../../infra/services';
import { testStackConfig, TEST_STACK_SECRETS } from '../stack/testing';
import { manifestFiles, secretMarker } from './manifests';
import { engineOutputs } from './mock-engine';
import { MonitoringStack } from './stack';
import { installMocks } from './testing';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const mocks = installMocks('dev');
const SECRETS = Object.fromEntries(TEST_STACK_SECRETS.kubernetes.map((name) => [name, secretMarker(name)]));
const kubernetes = testStackConfig('kubernetes') as Obj;
const capture = { transformations: [mocks.transformation] };
new MonitoringStack('reads', { stack: kubernetes, services, environment: 'dev', secrets: SECRETS }, capture);
new MonitoringStack(
  'creates',
  {
    stack: {
      ...kubernetes,
      kubernetes: { ...kubernetes.kubernetes, namespace: 'monitoring-b', createDiscoveryNamespaces: true },
    },
    services,
    environment: 'dev',
    secrets: SECRETS,
  },
  capture,
);

beforeAll(() => mocks.settle());

/** The manifests of one of the two stacks (its resources are named after it). */
function manifestsOf(stack: string): Record<string, string> {
  const own = mocks.resources.filter((r) => r.name.startsWith(`${stack}-`));
  return manifestFiles(own, engineOutputs(own));
}

describe('manifests of the program', () => {
  it('are one YAML object per file, named by apply order, kind, namespace and name, the same on every render', () => {
    const files = manifestsOf('reads');
    expect(manifestsOf('reads')).toEqual(files);
    const names = Object.keys(files);
    expect(names[0]).toBe('manifests/00-namespace-monitoring.yaml');
    expect(names).toContain('manifests/10-statefulset-monitoring-prometheus.yaml');
    for (const [path, text] of Object.entries(files)) {
      const object = parse(text) as Obj;
      expect(path).toContain(`-${object.kind.toLowerCase()}-`);
      expect(Object.keys(object).slice(0, 3)).toEqual(['apiVersion', 'kind', 'metadata']);
    }
  });

  it('name autonamed ConfigMaps and Secrets as the pods reference them, and show secrets as their markers', () => {
    const files = manifestsOf('reads');
    const objects = Object.values(files).map((text) => parse(text) as Obj);
    const secret = objects.find(
      (o) => o.kind === 'Secret' && o.metadata.name.startsWith('reads-prometheus-secrets-'),
    );
    expect(secret?.stringData).toEqual({
      'mimir-password': '<secret:mimir-password>',
      'web-password': '<secret:web-password>',
      // Derived from the marker: a hash of no real password.
      'promstack-web-config.yml': expect.stringContaining('basic_auth_users:'),
    });
    expect(secret?.metadata.name).toMatch(/^reads-prometheus-secrets-[0-9a-f]{8}$/);
    const prometheus = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'prometheus')!;
    const sources = (prometheus.spec.template.spec.volumes as Obj[]).flatMap(
      (v) => v.projected?.sources ?? [],
    );
    const referenced = sources.map((s: Obj) => (s.configMap ?? s.secret).name as string);
    const configMaps = objects
      .filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret')
      .map((o) => o.metadata.name);
    expect(referenced.length).toBeGreaterThan(0);
    for (const name of referenced) expect(configMaps).toContain(name);
  });
});

describe('the namespaces Prometheus discovers pods in', () => {
  it('are read by default, so that a missing one fails before deploy; their objects say they need them', () => {
    const read = mocks.resources.filter(
      (r) => r.name.startsWith('reads-') && r.type === 'kubernetes:core/v1:Namespace',
    );
    expect(read.map((r) => [r.name, r.read])).toEqual([
      ['reads-namespace', false],
      ['reads-prometheus-namespace-shop', true],
    ]);
    const files = manifestsOf('reads');
    expect(Object.keys(files).filter((f) => f.includes('namespace-'))).toEqual([
      'manifests/00-namespace-monitoring.yaml',
    ]);
    const role = Object.entries(files).find(([f]) => f.includes('-role-shop-'))![1];
    expect(role).toMatch(/^# Needs namespace shop: the stack reads it and does not create it/);
    expect((parse(role) as Obj).metadata.namespace).toBe('shop');
  });

  it('are created, and kept on destroy, with kubernetes.createDiscoveryNamespaces', () => {
    const created = mocks.resources.filter((r) => r.name === 'creates-prometheus-namespace-shop');
    expect(created.map((r) => r.read)).toEqual([false]);
    expect(mocks.options.get('creates-prometheus-namespace-shop')?.retainOnDelete).toBe(true);
    const files = manifestsOf('creates');
    expect(Object.keys(files)).toContain('manifests/00-namespace-shop.yaml');
    const role = Object.entries(files).find(([f]) => f.includes('-role-shop-'))![1];
    expect(role).not.toContain('# Needs namespace');
  });
});
