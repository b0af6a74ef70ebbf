import { services } from './services';
import { programUnderMocks } from './testing';
import { secretValues, TEST_STACK_SECRETS } from '../components/stack/testing';
import { plainPart } from '../components/pulumi/testing';

const SECRETS = secretValues([...TEST_STACK_SECRETS.docker, 'watchdog-heartbeat-url']);
const program = programUnderMocks('staging', SECRETS);
const { mocks, inputs } = program;

describe('the staging stack (Pulumi.staging.yaml)', () => {
  it('exports the in-cluster URLs', () => {
    expect(program.outputs).toMatchObject({
      prometheusUrl: 'http://prometheus-api.monitoring.svc:9090',
      alertmanagerUrl: 'http://alertmanager-api.monitoring.svc:9093',
      grafanaUrl: 'http://grafana.monitoring.svc:3000',
      services: services.map((service) => service.name),
    });
  });

  it('runs on Kubernetes only, one Prometheus and one Alertmanager', () => {
    const types = mocks.resources.filter((r) => r.custom).map((r) => r.type);
    expect(types.every((t) => t.startsWith('kubernetes:'))).toBe(true);
    expect(inputs('promstack-prometheus-statefulset').spec.replicas).toBe(1);
    const am = inputs('promstack-alertmanager-statefulset').spec;
    expect(am.replicas).toBe(1);
    expect(am.template.spec.containers[0].args).toContain('--cluster.listen-address=');
    // A lone Alertmanager: a crash loses at most 30s of silences (test/faults/alertmanager-crash).
    expect(am.template.spec.containers[0].args).toContain('--data.maintenance-interval=30s');
    expect(inputs('promstack-namespace').metadata.name).toBe('monitoring');
  });

  it('labels series with environment staging and keeps 15 days', () => {
    const rendered = program.synth.files;
    expect(rendered['prometheus/prometheus.yml']).toContain('environment: staging');
    expect(rendered['prometheus/prometheus.yml']).not.toContain('replica:');
    expect(inputs('promstack-prometheus-statefulset').spec.template.spec.containers[0].args).toContain(
      '--storage.tsdb.retention.time=15d',
    );
  });

  it('keeps the secrets out of every plain input', () => {
    const plain = JSON.stringify(mocks.resources.map((r) => plainPart(r.inputs)));
    for (const value of Object.values(SECRETS)) expect(plain).not.toContain(value);
  });
});
