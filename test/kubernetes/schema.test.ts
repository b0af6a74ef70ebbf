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

  it('a mount of a volume the pod does not have', () => {
    const found = seeded('StatefulSet', 'prometheus', (m) => {
      container(m).volumeMounts[0].name = 'config-9';
    });
    expect(found.references).toContain(
      'StatefulSet monitoring/prometheus container prometheus: volumeMount config-9 names no volume',
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

  it('a probe on a port the container does not declare', () => {
    const found = seeded('StatefulSet', 'prometheus', (m) => {
      container(m).readinessProbe.httpGet.port = 9091;
    });
    expect(found.references).toContain(
      'StatefulSet monitoring/prometheus container prometheus: readinessProbe probes port 9091, which the container does not declare',
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

  it('a field of the wrong type, which only the schema sees', () => {
    const found = seeded('Service', 'prometheus', (m) => {
      m.spec.ports[0].port = '9090';
    });
    expect(found.schema).toEqual([
      expect.stringMatching(/^Service monitoring\/prometheus: .*ports\/0\/port must be integer/),
    ]);
  });
});
