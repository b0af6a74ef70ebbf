/**
 * The manifests `promstack synth --manifests` writes for the repository's Kubernetes stacks, checked as
 * a cluster would: every object against the Kubernetes OpenAPI schema, then the references between them.
 * Seeded defects in a copy of prod's objects show that each check can fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { removeTempDirs, runCli, tempDir } from '../../cli/testing';
import { CONFIG_MAP_MAX_BYTES, crossReferenceProblems, schemaProblems } from './cluster-checks';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Rendered {
  manifests: Obj[];
  /** Namespaces the stack reads, from the note on the objects placed in them. */
  existing: string[];
}

const stacks: Record<string, Rendered> = {};

beforeAll(async () => {
  await Promise.all(
    ['prod', 'staging'].map(async (stack) => {
      const out = tempDir();
      const run = await runCli(['synth', '--stack', stack, '--out', out, '--manifests']);
      if (run.code !== 0) throw new Error(`synth --manifests --stack ${stack} failed:\n${run.stderr}`);
      const dir = join(out, 'manifests');
      const texts = readdirSync(dir)
        .sort()
        .map((file) => readFileSync(join(dir, file), 'utf8'));
      const existing = texts.flatMap((text) => /^# Needs namespace ([\w-]+):/.exec(text)?.[1] ?? []);
      stacks[stack] = {
        manifests: texts.map((text) => parse(text) as Obj),
        existing: [...new Set(existing)],
      };
    }),
  );
}, 180_000);
afterAll(removeTempDirs);

describe.each(['prod', 'staging'])('the %s manifests', (stack) => {
  it('hold the stack: its namespace, three workloads, their Services, ConfigMaps and discovery access', () => {
    const kinds = stacks[stack].manifests.map((m) => m.kind);
    for (const kind of [
      'Namespace',
      'StatefulSet',
      'Deployment',
      'Service',
      'ConfigMap',
      'Secret',
      'Role',
      'RoleBinding',
    ])
      expect(kinds).toContain(kind);
    expect(kinds.filter((k) => k === 'StatefulSet' || k === 'Deployment')).toHaveLength(3);
  });

  it('guard each component that runs several replicas with a disruption budget, and no lone one', () => {
    const budgets = stacks[stack].manifests
      .filter((m) => m.kind === 'PodDisruptionBudget')
      .map((m) => `${m.metadata.name} maxUnavailable ${m.spec.maxUnavailable}`);
    // Staging runs one Prometheus and one Alertmanager: a budget there could only block node drains.
    expect(budgets).toEqual(
      stack === 'prod' ? ['alertmanager maxUnavailable 1', 'prometheus maxUnavailable 1'] : [],
    );
  });

  it("point Grafana's datasources at Services that reach any ready replica", () => {
    const configMap = stacks[stack].manifests.find(
      (m) => m.kind === 'ConfigMap' && /^datasources:/m.test(Object.values(m.data ?? {}).join('\n')),
    )!;
    const urls = (parse(Object.values(configMap.data as Record<string, string>)[0]) as Obj).datasources.map(
      (d: Obj) => d.url,
    );
    expect(urls).toEqual([
      'http://prometheus-api.monitoring.svc:9090',
      'http://alertmanager-api.monitoring.svc:9093',
    ]);
    const service = (name: string) =>
      stacks[stack].manifests.find((m) => m.kind === 'Service' && m.metadata.name === name)!.spec;
    expect(service('prometheus-api')).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'ClientIP' });
    expect(service('alertmanager-api')).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'ClientIP' });
    // The headless Services stay: the StatefulSets' pod DNS names (gossip, alerting, self-scrapes).
    expect(service('prometheus').clusterIP).toBe('None');
    expect(service('alertmanager').clusterIP).toBe('None');
  });

  it('validate against the Kubernetes OpenAPI schemas', () => {
    expect(schemaProblems(stacks[stack].manifests)).toEqual([]);
  });

  it('reference only what exists: volumes, files, ports, selectors, accounts, roles, namespaces', () => {
    const { manifests, existing } = stacks[stack];
    expect(crossReferenceProblems(manifests, existing)).toEqual([]);
  });

  it('place the discovery Role in a catalogue namespace the stack reads, and say it must exist', () => {
    const { manifests, existing } = stacks[stack];
    expect(existing).toEqual(['shop']);
    expect(manifests.filter((m) => m.metadata.namespace === 'shop').map((m) => m.kind)).toEqual([
      'Role',
      'RoleBinding',
    ]);
    // Without the namespace known to exist, the check finds what a deploy would hit: NotFound.
    expect(crossReferenceProblems(manifests)).toEqual([
      expect.stringMatching(/^Role shop\/.*: namespace shop is neither created nor known to exist$/),
      expect.stringMatching(/^RoleBinding shop\/.*: namespace shop is neither created nor known to exist$/),
    ]);
  });
});

describe("prod's Grafana Ingress", () => {
  it('serves grafana.example.com over TLS only, to the Service that the NetworkPolicy opens to the controller', () => {
    const { manifests } = stacks.prod;
    const ingresses = manifests.filter((m) => m.kind === 'Ingress');
    expect(ingresses.map((m) => [m.metadata.name, m.spec.tls, m.spec.rules[0].host])).toEqual([
      ['grafana', [{ hosts: ['grafana.example.com'], secretName: 'grafana-tls' }], 'grafana.example.com'],
    ]);
    const policy = manifests.find(
      (m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'promstack-grafana',
    );
    expect(policy?.spec.ingress).toContainEqual({
      from: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
          podSelector: {
            matchLabels: {
              'app.kubernetes.io/component': 'controller',
              'app.kubernetes.io/name': 'ingress-nginx',
            },
          },
        },
      ],
      ports: [{ protocol: 'TCP', port: 3000 }],
    });
    // Staging sets no Ingress: none is made.
    expect(stacks.staging.manifests.filter((m) => m.kind === 'Ingress')).toEqual([]);
  });
});

describe('seeded defects in a copy of the prod manifests', () => {
  /** A copy of prod's objects with one changed by `seed`, and what the checks report. */
  function seeded(
    kind: string,
    name: string,
    seed: (m: Obj) => void,
  ): { schema: string[]; references: string[] } {
    const copy = structuredClone(stacks.prod.manifests);
    const target = copy.find((m) => m.kind === kind && m.metadata.name === name);
    if (!target) throw new Error(`no ${kind} ${name}`);
    seed(target);
    return { schema: schemaProblems(copy), references: crossReferenceProblems(copy, stacks.prod.existing) };
  }
  const container = (m: Obj): Obj => m.spec.template.spec.containers[0];
  const datasourcesConfigMap = (): string =>
    stacks.prod.manifests.find(
      (m) => m.kind === 'ConfigMap' && /^datasources:/m.test(Object.values(m.data ?? {}).join('\n')),
    )!.metadata.name;
  /** Replaces text in every data value of the datasources ConfigMap. */
  const datasourceUrl = (from: string, to: string) => (m: Obj) => {
    for (const key of Object.keys(m.data)) m.data[key] = m.data[key].replace(from, to);
  };

  it('a mount of a volume the pod does not have', () => {
    const found = seeded('StatefulSet', 'prometheus', (m) => {
      container(m).volumeMounts[0].name = 'config-9';
    });
    expect(found.references).toContain(
      'StatefulSet monitoring/prometheus container prometheus: volumeMount config-9 names no volume',
    );
  });

  // The config reloader beside Prometheus (components/platforms/kubernetes-reloader.ts).
  const reloader = (m: Obj): Obj =>
    (m.spec.template.spec.containers as Obj[]).find((c) => c.name === 'config-reloader')!;

  it('a config reloader that watches a folder it does not mount', () => {
    const found = seeded('StatefulSet', 'prometheus', (m) => {
      reloader(m).volumeMounts = reloader(m).volumeMounts.filter(
        (mount: Obj) => mount.mountPath !== '/etc/prometheus/rules',
      );
    });
    expect(found.references).toContain(
      'StatefulSet monitoring/prometheus container config-reloader: /etc/prometheus/rules is not a file of the volume mounted at /etc/prometheus',
    );
  });

  it('a config reloader that may gain privileges', () => {
    const found = seeded('StatefulSet', 'alertmanager', (m) => {
      reloader(m).securityContext.allowPrivilegeEscalation = true;
    });
    expect(found.references).toContain(
      'StatefulSet monitoring/alertmanager container config-reloader: allowPrivilegeEscalation must be false (restricted)',
    );
  });

  it('a selector the pod template does not carry', () => {
    const found = seeded('Deployment', 'grafana', (m) => {
      m.spec.selector.matchLabels['app.kubernetes.io/name'] = 'grafana-old';
    });
    expect(found.references).toContain(
      "Deployment monitoring/grafana: selector app.kubernetes.io/name=grafana-old does not match the pod template's labels",
    );
  });

  it('a port name that is not an IANA service name, which the Service then cannot reach', () => {
    const found = seeded('StatefulSet', 'alertmanager', (m) => {
      container(m).ports[0].name = 'HTTP_API';
    });
    expect(found.references).toEqual(
      expect.arrayContaining([
        'StatefulSet monitoring/alertmanager container alertmanager: port name "HTTP_API" is not an IANA service name',
        expect.stringMatching(
          /^Service monitoring\/alertmanager: port http targets http, which the pods of StatefulSet monitoring\/alertmanager do not declare$/,
        ),
      ]),
    );
  });

  // Grafana's: Prometheus and Alertmanager probe from inside the container, behind their login.
  it('a probe on a port the container does not declare', () => {
    const found = seeded('Deployment', 'grafana', (m) => {
      container(m).readinessProbe.httpGet.port = 3001;
    });
    expect(found.references).toContain(
      'Deployment monitoring/grafana container grafana: readinessProbe probes port 3001, which the container does not declare',
    );
  });

  it('a pod that may run as root', () => {
    const found = seeded('Deployment', 'grafana', (m) => {
      delete m.spec.template.spec.securityContext.runAsNonRoot;
      delete container(m).securityContext.runAsNonRoot;
    });
    expect(found.references).toContain(
      'Deployment monitoring/grafana container grafana: runAsNonRoot must be true on the pod or the container (restricted)',
    );
  });

  it('a flag naming a file no volume holds', () => {
    const found = seeded('StatefulSet', 'prometheus', (m) => {
      container(m).args[0] = '--config.file=/etc/prometheus/prometheus.yaml';
    });
    expect(found.references).toContain(
      'StatefulSet monitoring/prometheus container prometheus: /etc/prometheus/prometheus.yaml is not a file of the volume mounted at /etc/prometheus',
    );
  });

  it('Alertmanager members that a rollout may stop before the replaced one has settled its gossip', () => {
    const shorter = seeded('StatefulSet', 'alertmanager', (m) => {
      m.spec.minReadySeconds = 15;
    });
    expect(shorter.references).toEqual([
      'StatefulSet monitoring/alertmanager container alertmanager: minReadySeconds 15 ends before its gossip may settle (--cluster.settle-timeout=16s: 16 s), so a rollout may stop the next member first',
    ]);
    // Without the flag a member may settle for as long as its push-pull interval, longer than the default.
    const upstream = seeded('StatefulSet', 'alertmanager', (m) => {
      container(m).args = container(m).args.filter((a: string) => !a.startsWith('--cluster.settle-timeout='));
    });
    expect(upstream.references).toEqual([
      'StatefulSet monitoring/alertmanager container alertmanager: minReadySeconds 20 ends before its gossip may settle (no --cluster.settle-timeout: 60 s), so a rollout may stop the next member first',
    ]);
  });

  it('a ConfigMap over the size the API server accepts', () => {
    const found = seeded(
      'ConfigMap',
      stacks.prod.manifests.find((m) => m.kind === 'ConfigMap')!.metadata.name,
      (m) => {
        m.data['big.yml'] = 'x'.repeat(CONFIG_MAP_MAX_BYTES);
      },
    );
    expect(found.references).toEqual([
      expect.stringMatching(/^ConfigMap monitoring\/.*: holds \d+ bytes, over the 1048576/),
    ]);
  });

  it('a disruption budget that selects no pods', () => {
    const found = seeded('PodDisruptionBudget', 'alertmanager', (m) => {
      m.spec.selector.matchLabels['app.kubernetes.io/name'] = 'alertmanagr';
    });
    expect(found.references).toEqual([
      'PodDisruptionBudget monitoring/alertmanager: selects the pods of 0 workloads, not of one',
    ]);
  });

  it('a disruption budget that lets a drain stop every replica, or none', () => {
    const all = seeded('PodDisruptionBudget', 'alertmanager', (m) => {
      m.spec.maxUnavailable = 3;
    });
    expect(all.references).toEqual([
      'PodDisruptionBudget monitoring/alertmanager (3 replicas of StatefulSet monitoring/alertmanager): lets a drain stop all of them at once',
    ]);
    const none = seeded('PodDisruptionBudget', 'prometheus', (m) => {
      delete m.spec.maxUnavailable;
      m.spec.minAvailable = 2;
    });
    expect(none.references).toEqual([
      'PodDisruptionBudget monitoring/prometheus (2 replicas of StatefulSet monitoring/prometheus): lets a drain stop no pod, so every drain of their nodes waits',
    ]);
  });

  it('a datasource on one replica, as the first Prometheus pod was', () => {
    const found = seeded(
      'ConfigMap',
      datasourcesConfigMap(),
      datasourceUrl('prometheus-api.monitoring.svc', 'prometheus-0.prometheus.monitoring.svc'),
    );
    expect(found.references).toEqual([
      expect.stringMatching(
        /datasource Prometheus: prometheus-0\.prometheus\.monitoring\.svc:9090 is one pod of Service prometheus, not a Service of every replica$/,
      ),
    ]);
  });

  it('a datasource through a headless Service, or a port or Service that does not exist', () => {
    const headless = seeded(
      'ConfigMap',
      datasourcesConfigMap(),
      datasourceUrl('alertmanager-api.monitoring.svc', 'alertmanager.monitoring.svc'),
    );
    expect(headless.references).toEqual([
      expect.stringMatching(/datasource Alertmanager: Service alertmanager is headless/),
    ]);
    const port = seeded('ConfigMap', datasourcesConfigMap(), datasourceUrl(':9090', ':9091'));
    expect(port.references).toEqual([
      expect.stringMatching(/datasource Prometheus: Service prometheus-api has no port 9091$/),
    ]);
    const missing = seeded('ConfigMap', datasourcesConfigMap(), datasourceUrl('prometheus-api', 'prom-api'));
    expect(missing.references).toEqual([
      expect.stringMatching(/datasource Prometheus: no Service monitoring\/prom-api$/),
    ]);
  });

  it('a NetworkPolicy that keeps Grafana from the replicas its datasource reads', () => {
    const found = seeded('NetworkPolicy', 'promstack-grafana', (m) => {
      m.spec.egress = m.spec.egress.filter((rule: Obj) => rule.ports[0].port !== 9093);
    });
    expect(found.references).toEqual([
      expect.stringMatching(
        /datasource Alertmanager: the NetworkPolicies keep Deployment monitoring\/grafana from StatefulSet monitoring\/alertmanager on port 9093$/,
      ),
    ]);
  });

  it("an Ingress backend on a port Grafana's Service does not have", () => {
    const found = seeded('Ingress', 'grafana', (m) => {
      m.spec.rules[0].http.paths[0].backend.service.port.name = 'web';
    });
    expect(found.references).toEqual(['Ingress monitoring/grafana: backend Service grafana has no port web']);
  });

  it('an Ingress whose certificate names a host it does not serve, which the schema allows', () => {
    const found = seeded('Ingress', 'grafana', (m) => {
      m.spec.rules[0].host = 'grafana.example.org';
    });
    expect(found.references).toEqual([
      'Ingress monitoring/grafana: TLS host grafana.example.com has no rule',
    ]);
    expect(found.schema).toEqual([]);
  });

  it('a field of the wrong type, which only the schema sees', () => {
    const found = seeded('Service', 'prometheus', (m) => {
      m.spec.ports[0].port = '9090';
    });
    expect(found.schema).toEqual([
      expect.stringMatching(/^Service monitoring\/prometheus: .*ports\/0\/port must be integer/),
    ]);
  });
});
