import { programUnderMocks } from './testing';
import { secretValues, TEST_STACK_SECRETS } from '../components/stack/testing';
import { isSecretEnvelope, plainPart, unwrapSecrets } from '../components/pulumi/testing';
import { webConfigYaml } from '../components/platforms/web-auth';

const SECRETS = secretValues([...TEST_STACK_SECRETS.kubernetes, 'watchdog-heartbeat-url']);
const program = programUnderMocks('prod', SECRETS);
const { mocks, inputs } = program;

const secretOf = (component: string) => {
  const found = mocks
    .ofType('kubernetes:core/v1:Secret')
    .find((r) => r.name === `promstack-${component}-secrets`)!;
  expect(isSecretEnvelope(found.inputs.stringData)).toBe(true);
  return unwrapSecrets(found.inputs.stringData) as Record<string, string>;
};

describe('the prod stack (Pulumi.prod.yaml)', () => {
  it('runs two Prometheus replicas, each told its pod name for the replica label', () => {
    const spec = inputs('promstack-prometheus-statefulset').spec;
    expect(spec.replicas).toBe(2);
    expect(spec.template.spec.containers[0].env).toContainEqual({
      name: 'POD_NAME',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    expect(program.synth.files['prometheus/prometheus.yml']).toContain('replica: ${POD_NAME}');
    expect(spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining(['--storage.tsdb.retention.time=30d', '--storage.tsdb.retention.size=90GB']),
    );
    expect(spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Gi');
  });

  it('runs a cluster of three Alertmanagers', () => {
    const spec = inputs('promstack-alertmanager-statefulset').spec;
    expect(spec.replicas).toBe(3);
    expect(
      spec.template.spec.containers[0].args.filter((a: string) => a.startsWith('--cluster.peer=')),
    ).toHaveLength(3);
    // Each member advertises its own pod IP to the others (Kubernetes expands $(POD_IP) from the env).
    const container = spec.template.spec.containers[0];
    expect(container.args).toContain('--cluster.advertise-address=$(POD_IP):9094');
    expect(container.env).toContainEqual({
      name: 'POD_IP',
      valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
    });
  });

  it('writes to Mimir with the password from the stack secret', () => {
    const rendered = program.synth.files['prometheus/prometheus.yml'];
    expect(rendered).toContain('url: https://mimir.example.com/api/v1/push');
    expect(rendered).toContain('password_file: /etc/prometheus/secrets/mimir-password');
    expect(secretOf('prometheus')).toEqual({
      'mimir-password': SECRETS['mimir-password'],
      'web-password': SECRETS['web-password'],
      // Derived from web-password where the Secret is made: the hash reaches nothing but the Secret.
      'promstack-web-config.yml': webConfigYaml(program.synth.config.webAuth, SECRETS['web-password']),
    });
  });

  it('pages through PagerDuty and notifies Slack with keys from the stack secrets', () => {
    const rendered = program.synth.files['alertmanager/alertmanager.yml'];
    expect(rendered).toContain('routing_key_file: /etc/alertmanager/secrets/pagerduty-shop-routing-key');
    expect(rendered).toContain('api_url_file: /etc/alertmanager/secrets/slack-webhook-url');
    expect(Object.keys(secretOf('alertmanager')).sort()).toEqual([
      'pagerduty-platform-routing-key',
      'pagerduty-shop-routing-key',
      'promstack-web-config.yml',
      'slack-webhook-url',
      'watchdog-heartbeat-url',
      'web-password',
    ]);
    expect(secretOf('grafana')).toEqual({
      'grafana-admin-password': SECRETS['grafana-admin-password'],
      'grafana-secret-key': SECRETS['grafana-secret-key'],
      // Its datasources log in to Prometheus and Alertmanager.
      'web-password': SECRETS['web-password'],
    });
  });

  it('keeps the secrets out of every plain input and output', () => {
    const plain = JSON.stringify(mocks.resources.map((r) => plainPart(r.inputs)));
    for (const value of Object.values(SECRETS)) {
      expect(plain).not.toContain(value);
      expect(JSON.stringify(program.outputs)).not.toContain(value);
    }
  });

  it('exports Grafana at its public root URL', () => {
    expect(program.outputs.grafanaUrl).toBe('https://grafana.example.com/');
  });
  it('isolates the namespace and gives every workload a NetworkPolicy that selects its pods', () => {
    const policies = mocks.ofType('kubernetes:networking.k8s.io/v1:NetworkPolicy').map(
      (r) =>
        r.inputs as {
          metadata: { name: string; namespace: string };
          spec: { podSelector: { matchLabels?: Record<string, string> } };
        },
    );
    expect(policies.find((p) => p.metadata.name === 'promstack-default-deny')?.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [],
    });
    const workloads = [
      ...mocks.ofType('kubernetes:apps/v1:StatefulSet'),
      ...mocks.ofType('kubernetes:apps/v1:Deployment'),
    ].map(
      (r) =>
        r.inputs as {
          metadata: { name: string; namespace: string };
          spec: { template: { metadata: { labels: Record<string, string> } } };
        },
    );
    expect(workloads.length).toBe(3);
    for (const workload of workloads) {
      const podLabels = workload.spec.template.metadata.labels;
      const selecting = policies.filter((p) => {
        const selector = p.spec.podSelector.matchLabels ?? {};
        return (
          Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => podLabels[k] === v)
        );
      });
      expect({ workload: workload.metadata.name, policies: selecting.length }).toEqual({
        workload: workload.metadata.name,
        policies: 1,
      });
      expect(selecting[0].metadata.namespace).toBe(workload.metadata.namespace);
    }
  });
});
