/**
 * A 10,000-service catalogue on Kubernetes stays within the platform's limits: every ConfigMap and
 * Secret below 1 MiB of data, every object below 1 MiB (the pod specs name ConfigMaps, never files, so
 * they grow with the number of ConfigMaps only), every object's annotations below 256 KiB, and the
 * Prometheus config as one file per concern (prometheus.yml for the server, one rule file and one scrape
 * file per service), so that no file outgrows a ConfigMap however large the catalogue. The resources
 * are the ones the Pulumi components send (under mocks), not a model of them.
 */
import { installMocks, unwrapSecrets, type Registered } from '../../components/pulumi/testing';
import { Alertmanager } from '../../components/pulumi/alertmanager';
import { Grafana } from '../../components/pulumi/grafana';
import { Prometheus } from '../../components/pulumi/prometheus';
import { CONFIGMAP_DATA_LIMIT } from '../../components/platforms/configmaps';
import { clusterData, projectedFiles } from '../../components/platforms/testing';
import { discoveryNamespaces } from '../../components/platforms/workload';
import type { KubernetesPlacement } from '../../components/platforms/kubernetes';
import { synthStack, type SynthResult } from '../../components/stack/synth';
import { BENCH_SECRETS, benchStackConfig, syntheticCatalogue } from '../../bench/catalogue';

const SERVICES = 10_000;
const MiB = 1024 * 1024;
/** Kubernetes: the data of a ConfigMap or Secret (keys and values) must stay below 1 MiB. */
const DATA_LIMIT = MiB;
/** Kubernetes: all annotations of an object together must stay below 256 KiB. */
const ANNOTATIONS_LIMIT = 256 * 1024;
/** etcd refuses a request over 1.5 MiB (its default --max-request-bytes): no object may be larger. */
const OBJECT_LIMIT = 1.5 * MiB;

const mocks = installMocks('scale');
const catalogue = syntheticCatalogue(SERVICES);
let synth: SynthResult;
let resources: Registered[];

beforeAll(async () => {
  synth = synthStack(benchStackConfig('kubernetes'), catalogue, { environment: 'scale' });
  const placement: KubernetesPlacement = {
    platform: 'kubernetes',
    namespace: synth.config.kubernetes.namespace,
    namespaceName: synth.config.kubernetes.namespace,
    labels: { 'promstack.io/environment': 'scale' },
  };
  const args = { synth, placement, secrets: BENCH_SECRETS };
  new Prometheus('scale-prometheus', { ...args, discoveryNamespaces: discoveryNamespaces(catalogue) });
  new Alertmanager('scale-alertmanager', args);
  new Grafana('scale-grafana', args);
  await mocks.settle();
  resources = mocks.resources.filter((r) => r.type.startsWith('kubernetes:'));
}, 900_000);

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const ofType = (type: string) => resources.filter((r) => r.type === type);

/** Keys and values of a ConfigMap's data or a Secret's stringData, as the API server adds them up. */
function dataBytes(resource: Registered): number {
  const inputs = unwrapSecrets(resource.inputs) as { data?: object; stringData?: object };
  const data = { ...inputs.data, ...inputs.stringData } as Record<string, string>;
  return Object.entries(data).reduce((sum, [key, value]) => sum + bytes(key) + bytes(value), 0);
}

/** Every annotation map of an object: its own and its pod template's. */
function annotationMaps(resource: Registered): Record<string, string>[] {
  const inputs = unwrapSecrets(resource.inputs) as {
    metadata?: { annotations?: Record<string, string> };
    spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
  };
  return [inputs.metadata?.annotations, inputs.spec?.template?.metadata?.annotations].filter(
    (map): map is Record<string, string> => map !== undefined,
  );
}

describe(`${SERVICES.toLocaleString('en-US')} services on Kubernetes`, () => {
  it('renders every service, with its rules, scrape job and dashboard', () => {
    expect(synth.summary.services).toHaveLength(SERVICES);
    expect(synth.summary.dashboards).toHaveLength(SERVICES + 1);
    expect(synth.summary.jobs).toHaveLength(SERVICES + 3);
  });

  it('keeps the data of every ConfigMap and Secret below 1 MiB', () => {
    const holders = [...ofType('kubernetes:core/v1:ConfigMap'), ...ofType('kubernetes:core/v1:Secret')];
    // Rules, scrape jobs and dashboards of 10,000 services need many ConfigMaps.
    expect(ofType('kubernetes:core/v1:ConfigMap').length).toBeGreaterThan(100);
    const sizes = holders.map((r) => ({ name: r.name, bytes: dataBytes(r) }));
    expect(sizes.filter((s) => s.bytes >= DATA_LIMIT)).toEqual([]);
    expect(Math.max(...sizes.map((s) => s.bytes))).toBeLessThanOrEqual(CONFIGMAP_DATA_LIMIT);
  });

  it("keeps every object below etcd's 1.5 MiB, and every one but the ConfigMaps below 1 MiB", () => {
    const sizes = resources.map((r) => ({
      name: r.name,
      type: r.type,
      bytes: bytes(JSON.stringify(unwrapSecrets(r.inputs))),
    }));
    // A ConfigMap of 900 KiB data is about 1 MB as JSON (escaped quotes and line breaks).
    expect(sizes.filter((s) => s.bytes >= OBJECT_LIMIT)).toEqual([]);
    // The pod specs name each ConfigMap once, as whole-ConfigMap sources of a volume per folder.
    const others = sizes.filter((s) => s.type !== 'kubernetes:core/v1:ConfigMap');
    expect(others.filter((s) => s.bytes >= MiB)).toEqual([]);
  });

  it('keeps the annotations of every object below 256 KiB', () => {
    const annotated = resources.filter((r) => annotationMaps(r).length > 0);
    // The pod templates carry the config checksum.
    expect(annotated.length).toBeGreaterThanOrEqual(3);
    for (const resource of annotated) {
      for (const map of annotationMaps(resource)) {
        const total = Object.entries(map).reduce((sum, [k, v]) => sum + bytes(k) + bytes(v), 0);
        expect({ name: resource.name, tooLarge: total >= ANNOTATIONS_LIMIT }).toEqual({
          name: resource.name,
          tooLarge: false,
        });
      }
    }
  });

  it('writes one Prometheus config file per concern: the server, and per service one rule and one scrape file', () => {
    const paths = Object.keys(synth.files);
    const under = (folder: string) =>
      paths.filter((p) => p.startsWith(`prometheus/${folder}/`)).map((p) => p.slice(folder.length + 12));
    expect(paths.filter((p) => /^prometheus\/[^/]+$/.test(p))).toEqual(['prometheus/prometheus.yml']);
    const perService = catalogue.map((s) => `${s.name}.yml`);
    expect(under('scrape')).toEqual(perService);
    expect(under('rules')).toEqual(['promstack-stack.yml', ...perService]);
    for (const service of [catalogue[0], catalogue[SERVICES - 1]]) {
      expect(synth.files[`prometheus/scrape/${service.name}.yml`].match(/job_name: /g)).toHaveLength(1);
      expect(synth.files[`prometheus/rules/${service.name}.yml`]).toContain(`- name: ${service.name}.alerts`);
    }
    // The server's own file does not grow with the catalogue.
    const small = synthStack(benchStackConfig('kubernetes'), catalogue.slice(0, 1), { environment: 'scale' });
    expect(synth.files['prometheus/prometheus.yml']).toBe(small.files['prometheus/prometheus.yml']);
  });

  it('projects every deployed config file into its pod, naming only ConfigMaps in the pod spec', () => {
    const cluster = clusterData(mocks);
    const podSpec = (name: string) =>
      (unwrapSecrets(mocks.named(name).inputs) as Obj).spec.template.spec as Obj;
    for (const name of ['scale-prometheus-statefulset', 'scale-grafana-deployment']) {
      for (const volume of podSpec(name).volumes as Obj[])
        for (const source of (volume.projected?.sources ?? []) as Obj[])
          if (source.configMap) expect(Object.keys(source.configMap)).toEqual(['name']);
    }
    const mounted = (name: string) => [...projectedFiles(podSpec(name), cluster).keys()];
    const deployed = (prefix: string, skip?: string) =>
      Object.keys(synth.files).filter((p) => p.startsWith(prefix) && !(skip && p.startsWith(skip)));
    const prometheus = mounted('scale-prometheus-statefulset');
    // And its login: the password and the web config derived from it.
    expect(prometheus).toHaveLength(deployed('prometheus/', 'prometheus/tests/').length + 2);
    expect(prometheus).toContain(`/etc/prometheus/rules/${catalogue[SERVICES - 1].name}.yml`);
    expect(prometheus).toContain(`/etc/prometheus/scrape/${catalogue[SERVICES - 1].name}.yml`);
    // Grafana also mounts its admin password, its secret key and the login of its datasources.
    expect(mounted('scale-grafana-deployment')).toHaveLength(deployed('grafana/').length + 3);
  });
});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
