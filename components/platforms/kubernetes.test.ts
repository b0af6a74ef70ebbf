import * as pulumi from '@pulumi/pulumi';
import { services } from '../../infra/services';
import { installMocks, isSecretEnvelope, plainPart, unwrapSecrets, type Registered } from '../pulumi/testing';
import { synthStack, type SynthResult } from '../stack';
import { IMAGES } from '../stack/images';
import { secretValues, testStackConfig, TEST_STACK_SECRETS } from '../stack/testing';
import { CONFIGMAP_DATA_LIMIT } from './configmaps';
import { clusterData, projectedFiles } from './testing';
import { webConfigYaml } from './web-auth';
import {
  deployKubernetesWorkload,
  kubernetesNamespace,
  prometheusDiscoveryAccess,
  type KubernetesPlacement,
} from './kubernetes';
import {
  alertmanagerWorkload,
  configChecksum,
  discoveryNamespaces,
  grafanaWorkload,
  prometheusWorkload,
} from './workload';

const mocks = installMocks('prod');

const SECRETS = secretValues(TEST_STACK_SECRETS.kubernetes);

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super('test:index:Parent', name, {}, { transformations: [mocks.transformation] });
  }
}

function deploy(name: string, synth: SynthResult) {
  const parent = new Parent(name);
  const ns = kubernetesNamespace(name, synth.config.kubernetes.namespace, { env: name }, { parent });
  const placement: KubernetesPlacement = {
    platform: 'kubernetes',
    namespace: ns.metadata.name,
    namespaceName: synth.config.kubernetes.namespace,
    labels: { env: name },
    storageClass: 'fast',
  };
  const prometheus = prometheusWorkload(synth);
  const access = prometheusDiscoveryAccess(
    `${name}-prometheus`,
    prometheus,
    placement,
    discoveryNamespaces(services),
    {
      parent,
    },
  );
  const common = { parent, secrets: SECRETS };
  deployKubernetesWorkload(`${name}-prometheus`, prometheus, placement, {
    ...common,
    controller: 'StatefulSet',
    serviceAccountName: access.serviceAccount.metadata.name,
    podNameEnv: true,
  });
  const alertmanager = alertmanagerWorkload(synth);
  deployKubernetesWorkload(`${name}-alertmanager`, alertmanager, placement, {
    ...common,
    controller: 'StatefulSet',
  });
  const grafana = grafanaWorkload(synth);
  deployKubernetesWorkload(`${name}-grafana`, grafana, placement, {
    ...common,
    controller: 'Deployment',
    extraServicePort: 80,
  });
  return { prometheus, alertmanager, grafana };
}

const prodSynth = synthStack(testStackConfig('kubernetes'), services, { environment: 'prod' });
const prod = deploy('prod', prodSynth);

// A stack whose rules outgrow one ConfigMap.
const big: SynthResult = {
  ...prodSynth,
  files: {
    ...prodSynth.files,
    'prometheus/rules/big-a.yml': `# a\n${'x'.repeat(600 * 1024)}\n`,
    'prometheus/rules/big-b.yml': `# b\n${'y'.repeat(600 * 1024)}\n`,
  },
};
deploy('big', big);

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const of = (stack: string, type: string): Registered[] =>
  mocks.ofType(type).filter((r) => r.name.startsWith(`${stack}-`));
const inputs = (name: string): Obj => unwrapSecrets(mocks.named(name).inputs) as Obj;
const podSpec = (name: string): Obj => inputs(name).spec.template.spec;

/** Files a pod sees through its projected volumes, by path, read back from the ConfigMaps and Secrets. */
const mountedFiles = (spec: Obj, stack = 'prod'): Record<string, string> =>
  Object.fromEntries(projectedFiles(spec, clusterData(mocks, stack)));

beforeAll(() => mocks.settle());

describe('the Kubernetes test stack', () => {
  it('makes the namespace, two StatefulSets, a Deployment, Services, ConfigMaps, Secrets and RBAC', () => {
    const count = (type: string) => of('prod', type).length;
    expect({
      namespaces: count('kubernetes:core/v1:Namespace'),
      statefulSets: count('kubernetes:apps/v1:StatefulSet'),
      deployments: count('kubernetes:apps/v1:Deployment'),
      services: count('kubernetes:core/v1:Service'),
      configMaps: count('kubernetes:core/v1:ConfigMap'),
      secrets: count('kubernetes:core/v1:Secret'),
      claims: count('kubernetes:core/v1:PersistentVolumeClaim'),
      serviceAccounts: count('kubernetes:core/v1:ServiceAccount'),
      roles: count('kubernetes:rbac.authorization.k8s.io/v1:Role'),
      roleBindings: count('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding'),
    }).toEqual({
      namespaces: 1,
      statefulSets: 2,
      deployments: 1,
      // Headless and ClusterIP for each StatefulSet (kubernetes-availability.test.ts), one for Grafana.
      services: 5,
      // prometheus.yml, rules, scrape jobs; alertmanager.yml, templates; dashboards, two provisioning folders.
      // Prometheus's and Alertmanager's folders with their fixed slots (4 each), Grafana's as filled.
      configMaps: 3 * 4 + 2 * 4 + 3,
      secrets: 3,
      claims: 1,
      serviceAccounts: 1,
      roles: 1,
      roleBindings: 1,
    });
  });

  it('enforces the restricted Pod Security Standard on the namespace', () => {
    expect(inputs('prod-namespace').metadata).toMatchObject({
      name: 'monitoring',
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
    });
  });

  it('runs Prometheus replicas as a StatefulSet with a claim each, POD_NAME and a headless Service', () => {
    const set = inputs('prod-prometheus-statefulset');
    expect(set.metadata).toMatchObject({ name: 'prometheus', namespace: 'monitoring' });
    expect(set.spec.replicas).toBe(2);
    expect(set.spec.serviceName).toBe('prometheus');
    expect(set.spec.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'data', labels: expect.any(Object) },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'fast',
          resources: { requests: { storage: '100Gi' } },
        },
      },
    ]);
    const container = set.spec.template.spec.containers[0];
    expect(container.image).toBe(IMAGES.prometheus);
    expect(container.args).toEqual(prod.prometheus.args);
    expect(container.args).toContain('--storage.tsdb.retention.time=30d');
    expect(container.env).toContainEqual({
      name: 'POD_NAME',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    expect(container.resources).toEqual({ requests: { cpu: '1', memory: '4Gi' }, limits: { memory: '4Gi' } });
    expect(inputs('prod-prometheus-service').spec).toMatchObject({
      clusterIP: 'None',
      selector: set.spec.selector.matchLabels,
    });
    expect(set.spec.template.spec.serviceAccountName).toBe('prometheus');
    expect(set.spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  it('runs three Alertmanagers that peer through the headless Service', () => {
    const set = inputs('prod-alertmanager-statefulset');
    expect(set.spec.replicas).toBe(3);
    const args: string[] = set.spec.template.spec.containers[0].args;
    expect(args.filter((a) => a.startsWith('--cluster.peer='))).toEqual(
      [0, 1, 2].map((i) => `--cluster.peer=alertmanager-${i}.alertmanager.monitoring.svc:9094`),
    );
    const service = inputs('prod-alertmanager-service').spec;
    expect(service).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(service.ports.map((p: Obj) => `${p.name}/${p.port}/${p.protocol}`)).toEqual([
      'http/9093/TCP',
      'cluster/9094/TCP',
      'cluster-udp/9094/UDP',
    ]);
    expect(set.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  it('runs Grafana as a Deployment on its own claim, with a ClusterIP Service on 3000 and the configured port', () => {
    const deployment = inputs('prod-grafana-deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    const claim = inputs('prod-grafana-data');
    expect(claim.metadata.name).toBe('grafana-data');
    expect(mocks.options.get('prod-grafana-data')?.retainOnDelete).toBe(true);
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'grafana-data' },
    });
    const service = inputs('prod-grafana-service').spec;
    expect(service.type).toBe('ClusterIP');
    expect(service.ports.map((p: Obj) => [p.port, p.targetPort])).toEqual([
      [3000, 'http'],
      [80, 'http'],
    ]);
    const env = deployment.spec.template.spec.containers[0].env as Obj[];
    expect(env).toContainEqual({
      name: 'GF_SECURITY_ADMIN_PASSWORD__FILE',
      value: '/etc/grafana/promstack/secrets/grafana-admin-password',
    });
  });

  it.each(['prod-prometheus-statefulset', 'prod-alertmanager-statefulset', 'prod-grafana-deployment'])(
    '%s is locked down: non-root, seccomp, no escalation, no capabilities',
    (name) => {
      const spec = podSpec(name);
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.securityContext.fsGroup).toBe(spec.securityContext.runAsGroup);
      expect(spec.containers[0].securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
      const liveness = spec.containers[0].livenessProbe;
      expect(liveness.httpGet?.path ?? liveness.exec.command.at(-1)).toMatch(/\/(-\/healthy|api\/health)'?$/);
    },
  );

  it.each(['prod-prometheus-statefulset', 'prod-alertmanager-statefulset'])(
    '%s probes log in from inside the container: the pod spec names the password file, never the password or its hash',
    (name) => {
      const container = podSpec(name).containers[0];
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        expect(container[probe].httpGet).toBeUndefined();
        expect(container[probe].exec.command.slice(0, 2)).toEqual(['sh', '-c']);
      }
      expect(container.readinessProbe.exec.command[2]).toContain('/-/ready');
      const secretsDir = name.includes('prometheus')
        ? '/etc/prometheus/secrets'
        : '/etc/alertmanager/secrets';
      expect(container.livenessProbe.exec.command[2]).toContain(`cat '${secretsDir}/web-password'`);
      expect(container.args).toContain(`--web.config.file=${secretsDir}/promstack-web-config.yml`);
      expect(container.args.join(' ')).not.toContain('--web.enable-lifecycle');
      const spec = JSON.stringify(inputs(name));
      expect(spec).not.toContain(SECRETS['web-password']);
      expect(spec).not.toContain('$2b$');
    },
  );

  it('runs no container with the lifecycle API: every pod of the stack', () => {
    const pods = mocks.resources.filter(
      (r) => r.name.startsWith('prod-') && (unwrapSecrets(r.inputs) as Obj).spec?.template?.spec,
    );
    expect(pods.length).toBeGreaterThanOrEqual(3);
    for (const pod of pods)
      for (const c of (unwrapSecrets(pod.inputs) as Obj).spec.template.spec.containers as Obj[])
        expect([...(c.command ?? []), ...(c.args ?? [])].join(' ')).not.toContain('--web.enable-lifecycle');
  });

  it('keeps the password and its hash in Secrets only, the hash derived from the password', () => {
    const holders = mocks.resources
      .filter((r) => r.name.startsWith('prod-'))
      .filter((r) => {
        const text = JSON.stringify(unwrapSecrets(r.inputs));
        return text.includes(SECRETS['web-password']) || text.includes('$2b$');
      })
      .map((r) => r.type);
    expect(holders.length).toBeGreaterThan(0);
    expect(new Set(holders)).toEqual(new Set(['kubernetes:core/v1:Secret']));
    const webConfig = mountedFiles(podSpec('prod-prometheus-statefulset'))[
      '/etc/prometheus/secrets/promstack-web-config.yml'
    ];
    expect(webConfig).toBe(webConfigYaml(prodSynth.config.webAuth, SECRETS['web-password']));
  });

  it('makes the root file system read-only where the tool allows', () => {
    const ro = (name: string) => podSpec(name).containers[0].securityContext.readOnlyRootFilesystem;
    expect([
      ro('prod-prometheus-statefulset'),
      ro('prod-alertmanager-statefulset'),
      ro('prod-grafana-deployment'),
    ]).toEqual([true, true, true]);
  });

  it('gives Grafana a writable place for everything it writes: its claim, and an emptyDir at /tmp', () => {
    const spec = podSpec('prod-grafana-deployment');
    const volumes = new Map((spec.volumes as Obj[]).map((v) => [v.name, v]));
    const mounts = spec.containers[0].volumeMounts as Obj[];
    const writable = mounts
      .filter((m) => !m.readOnly)
      .map((m) => ({ path: m.mountPath as string, volume: volumes.get(m.name) as Obj }));
    expect(writable).toEqual([
      {
        path: '/var/lib/grafana',
        volume: { name: 'data', persistentVolumeClaim: { claimName: 'grafana-data' } },
      },
      { path: '/tmp', volume: { name: 'scratch-0', emptyDir: { sizeLimit: '64Mi' } } },
    ]);
    // Every folder Grafana writes to (data, logs, plugins) lies in one of them; provisioning is only read.
    const env = Object.fromEntries((spec.containers[0].env as Obj[]).map((e) => [e.name, e.value]));
    const written = ['GF_PATHS_DATA', 'GF_PATHS_LOGS', 'GF_PATHS_PLUGINS'].map((key) => env[key] as string);
    for (const path of written)
      expect(writable.some((w) => path === w.path || path.startsWith(`${w.path}/`))).toBe(true);
    const provisioning = mounts.filter((m) => m.mountPath.startsWith(`${env.GF_PATHS_PROVISIONING}/`));
    expect(provisioning.length).toBeGreaterThan(0);
    for (const mount of provisioning) expect(mount.readOnly).toBe(true);
  });

  it.each([
    ['prod-prometheus-statefulset', 'prometheus'],
    ['prod-alertmanager-statefulset', 'alertmanager'],
    ['prod-grafana-deployment', 'grafana'],
  ] as const)('%s mounts every rendered file exactly as synthStack rendered it', (name, workload) => {
    const w = prod[workload];
    const mounted = mountedFiles(podSpec(name));
    expect(Object.keys(mounted).sort()).toEqual(
      [...w.configFiles.map((f) => f.path), ...w.secretFiles.map((f) => f.path)].sort(),
    );
    for (const file of w.configFiles) expect(mounted[file.path]).toBe(prodSynth.files[file.source]);
    for (const file of w.secretFiles)
      expect(mounted[file.path]).toBe(
        file.webConfigOf
          ? webConfigYaml(file.webConfigOf, SECRETS['web-password'])
          : SECRETS[file.secretName as keyof typeof SECRETS],
      );
    // Reloaded files live in named ConfigMaps, updated in place; Grafana's are replaced and roll its pod.
    for (const cm of of(`prod-${workload}`, 'kubernetes:core/v1:ConfigMap')) {
      const named = (cm.inputs.metadata as Obj).name;
      if (workload === 'grafana') {
        expect(named).toBeUndefined();
        expect(cm.inputs.immutable).toBe(true);
      } else {
        expect(named).toBe(cm.name.replace(/^prod-[a-z]+-/, ''));
        expect(cm.inputs.immutable).toBeUndefined();
      }
    }
  });

  it('mounts each folder of files read-only through its own projected volume, ConfigMaps whole', () => {
    const spec = podSpec('prod-prometheus-statefulset');
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'config-0', mountPath: '/etc/prometheus', readOnly: true },
      { name: 'config-1', mountPath: '/etc/prometheus/rules', readOnly: true },
      { name: 'config-2', mountPath: '/etc/prometheus/scrape', readOnly: true },
      { name: 'config-3', mountPath: '/etc/prometheus/secrets', readOnly: true },
      { name: 'data', mountPath: '/prometheus' },
    ]);
    const sources = (i: number) => spec.volumes[i].projected.sources as Obj[];
    expect(sources(1)).toEqual([0, 1, 2, 3].map((n) => ({ configMap: { name: `prometheus-rules-${n}` } })));
    expect(sources(3)).toEqual([
      {
        secret: {
          name: expect.stringMatching(/^prod-prometheus-secrets-/),
          items: [
            { key: 'mimir-password', path: 'mimir-password', mode: 0o440 },
            { key: 'web-password', path: 'web-password', mode: 0o440 },
            { key: 'promstack-web-config.yml', path: 'promstack-web-config.yml', mode: 0o440 },
          ],
        },
      },
    ]);
    expect(
      podSpec('prod-grafana-deployment').containers[0].volumeMounts.map((m: Obj) => m.mountPath),
    ).toEqual([
      '/etc/grafana/promstack/dashboards',
      '/etc/grafana/promstack/provisioning/dashboards',
      '/etc/grafana/promstack/provisioning/datasources',
      '/etc/grafana/promstack/secrets',
      '/var/lib/grafana',
      '/tmp',
    ]);
  });

  it('lists no config file in any pod spec: only the ConfigMaps, whose keys are the file names', () => {
    for (const name of [
      'prod-prometheus-statefulset',
      'prod-alertmanager-statefulset',
      'prod-grafana-deployment',
    ]) {
      const configMapSources = (podSpec(name).volumes as Obj[]).flatMap((v) =>
        (v.projected?.sources ?? []).filter((s: Obj) => s.configMap),
      );
      expect(configMapSources.length).toBeGreaterThan(0);
      for (const source of configMapSources) expect(Object.keys(source.configMap)).toEqual(['name']);
    }
  });

  it('annotates each pod template with the checksum of its config', () => {
    expect(inputs('prod-prometheus-statefulset').spec.template.metadata.annotations).toEqual({
      'checksum/config': configChecksum(prod.prometheus),
    });
    expect(
      inputs('prod-alertmanager-statefulset').spec.template.metadata.annotations['checksum/config'],
    ).toBe(configChecksum(prod.alertmanager));
  });

  it('keeps secrets in Secrets only, as Pulumi secrets', () => {
    const raw = mocks.named('prod-alertmanager-secrets').inputs;
    expect(isSecretEnvelope(raw.stringData)).toBe(true);
    expect(unwrapSecrets(raw.stringData)).toEqual({
      'pagerduty-platform-routing-key': SECRETS['pagerduty-platform-routing-key'],
      'pagerduty-shop-routing-key': SECRETS['pagerduty-shop-routing-key'],
      'slack-webhook-url': SECRETS['slack-webhook-url'],
      'web-password': SECRETS['web-password'],
      'promstack-web-config.yml': webConfigYaml(prodSynth.config.webAuth, SECRETS['web-password']),
    });
    const plain = JSON.stringify(mocks.resources.map((r) => plainPart(r.inputs)));
    for (const value of Object.values(SECRETS)) expect(plain).not.toContain(value);
    expect(plain).not.toContain('$2b$');
  });

  it('grants Prometheus read access to pods in the namespaces it discovers, and nothing more', () => {
    const role = inputs('prod-prometheus-discovery-shop');
    expect(role.metadata).toMatchObject({ namespace: 'shop', name: 'monitoring-prometheus-discovery' });
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'endpoints', 'services'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = mocks
      .ofType('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding')
      .find((r) => r.name === 'prod-prometheus-discovery-shop')!;
    expect(unwrapSecrets(binding.inputs)).toMatchObject({
      roleRef: { kind: 'Role', name: 'monitoring-prometheus-discovery' },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }],
    });
  });
});

describe('rules larger than one ConfigMap', () => {
  it('spread over several ConfigMaps below the limit, all projected into the rules folder', () => {
    const rules = of('big', 'kubernetes:core/v1:ConfigMap')
      .filter((r) => r.name.startsWith('big-prometheus-prometheus-rules-'))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(rules.map((r) => Object.keys(r.inputs.data as object))).toEqual([
      ['big-a.yml'],
      ['big-b.yml', 'orders.yml', 'promstack-stack.yml'],
      [],
      [],
    ]);
    for (const cm of rules)
      expect(Buffer.byteLength(JSON.stringify(cm.inputs.data))).toBeLessThan(CONFIGMAP_DATA_LIMIT);
    const rulesVolume = (podSpec('big-prometheus-statefulset').volumes as Obj[])[1];
    expect(rulesVolume.projected.sources.map((s: Obj) => s.configMap.name)).toEqual(
      [0, 1, 2, 3].map((n) => `prometheus-rules-${n}`),
    );
    expect(Object.keys(mountedFiles(podSpec('big-prometheus-statefulset'), 'big')).sort()).toEqual([
      '/etc/prometheus/prometheus.yml',
      '/etc/prometheus/rules/big-a.yml',
      '/etc/prometheus/rules/big-b.yml',
      '/etc/prometheus/rules/orders.yml',
      '/etc/prometheus/rules/promstack-stack.yml',
      '/etc/prometheus/scrape/orders.yml',
      '/etc/prometheus/secrets/mimir-password',
      '/etc/prometheus/secrets/promstack-web-config.yml',
      '/etc/prometheus/secrets/web-password',
    ]);
  });
});
