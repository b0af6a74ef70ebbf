import { plainPart } from '../components/pulumi/testing';
import { fileDigests, filesSummary } from '../components/pulumi/file-digests';
import { isAlertingRule } from '../components/model/rules';
import { IMAGES } from '../components/stack/images';
import { services } from './services';
import { programUnderMocks } from './testing';
import { secretValues, TEST_STACK_SECRETS } from '../components/stack/testing';

const SECRETS = secretValues(TEST_STACK_SECRETS.docker);
const program = programUnderMocks('dev', SECRETS);
const { mocks, inputs } = program;
const container = (name: string) => inputs(`promstack-${name}-container`);

describe('the dev stack (Pulumi.dev.yaml)', () => {
  it('exports the URLs on 127.0.0.1, the services and a digest of every rendered file', () => {
    expect(program.outputs).toMatchObject({
      prometheusUrl: 'http://127.0.0.1:9090',
      alertmanagerUrl: 'http://127.0.0.1:9093',
      grafanaUrl: 'http://127.0.0.1:3000',
      services: services.map((service) => service.name),
    });
    expect(program.outputs.fileDigests).toEqual(fileDigests(program.synth.files));
    expect(program.outputs.filesSummary).toEqual(filesSummary(program.synth.files));
    expect(program.synth.files['prometheus/rules/vendor-host.yml']).toContain('HostOutOfMemory');
  });

  it('runs on Docker only: a network, five containers (example backend and alert inbox built), three data volumes, a config volume and holder each for Prometheus, Alertmanager and Grafana, and a reloader each for Prometheus and Alertmanager', () => {
    const types = mocks.resources.filter((r) => r.custom).map((r) => r.type);
    const count = (type: string) => types.filter((t) => t === type).length;
    expect(types.every((t) => t.startsWith('docker:'))).toBe(true);
    expect(count('docker:index/network:Network')).toBe(1);
    expect(count('docker:index/container:Container')).toBe(5 + 3 + 2);
    expect(count('docker:index/image:Image')).toBe(2);
    expect(count('docker:index/volume:Volume')).toBe(3 + 3);
    expect(
      mocks
        .ofType('docker:index/remoteImage:RemoteImage')
        .map((r) => r.inputs.name)
        .sort(),
    ).toEqual([IMAGES.alertmanager, IMAGES.grafana, IMAGES.prometheus].sort());
  });

  it('labels series with environment dev and keeps 7 days', () => {
    const prometheus = container('prometheus');
    // Prometheus reads its files from the config volume its holder fills (docker-config.ts).
    const config = inputs('promstack-prometheus-config-holder').uploads.find(
      (u: { file: string }) => u.file === '/promstack/staging/prometheus.yml',
    ).content;
    expect(config).toContain('environment: dev');
    expect(prometheus.command).toContain('--storage.tsdb.retention.time=7d');
    expect(container('alertmanager').command).toContain('--cluster.listen-address=');
    // A lone Alertmanager: a crash loses at most 30s of silences (test/faults/alertmanager-crash).
    expect(container('alertmanager').command).toContain('--data.maintenance-interval=30s');
  });

  it('publishes Prometheus and Alertmanager on 127.0.0.1 only', () => {
    for (const name of ['prometheus', 'alertmanager', 'grafana', 'example-backend', 'alert-inbox'])
      for (const port of container(name).ports) expect(port.ip).toBe('127.0.0.1');
  });

  it('runs the alert inbox every receiver delivers to, built from its Dockerfile, listed on 127.0.0.1:9095', () => {
    const inbox = container('alert-inbox');
    expect(inbox.ports).toEqual([{ internal: 8080, external: 9095, ip: '127.0.0.1' }]);
    expect(inbox.networksAdvanced[0].aliases).toContain('alert-inbox');
    expect(inbox.user).toBe('1000:1000');
    const image = mocks.ofType('docker:index/image:Image').find((r) => r.name.includes('alert-inbox'))!;
    expect((image.inputs.build as { dockerfile: string }).dockerfile).toMatch(
      /components\/runtime\/channels\/Dockerfile$/,
    );
    const am = program.synth.files['alertmanager/alertmanager.yml'];
    const urls = [...am.matchAll(/url: (\S+)/g)].map((m) => m[1]);
    expect(urls.sort()).toEqual([
      'http://alert-inbox:8080/webhook/platform-webhook',
      'http://alert-inbox:8080/webhook/shop-pager',
    ]);
  });

  it('links every alert to its runbook and every service alert to its dashboard (what the drill checks)', () => {
    // Whatever the catalogue holds: every generated alert of each service, and the stack's own.
    let checked = 0;
    for (const service of program.synth.summary.services) {
      const file = program.synth.rendered.ruleFiles[`prometheus/rules/${service}.yml`];
      for (const rule of file.groups.flatMap((g) => g.rules).filter(isAlertingRule)) {
        expect({ alert: rule.alert, annotations: rule.annotations }).toMatchObject({
          annotations: {
            runbook_url: `https://runbooks.example.com/promstack/${rule.alert}`,
            dashboard_url: `http://127.0.0.1:3000/d/svc-${service}`,
          },
        });
        checked += 1;
      }
    }
    const stack = program.synth.rendered.ruleFiles['prometheus/rules/promstack-stack.yml'];
    for (const rule of stack.groups.flatMap((g) => g.rules).filter(isAlertingRule)) {
      expect(rule.annotations?.runbook_url).toBe(`https://runbooks.example.com/promstack/${rule.alert}`);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(10);
    expect(container('grafana').envs).toContain('GF_SERVER_ROOT_URL=http://127.0.0.1:3000');
  });

  it('names containers and volumes per environment and keeps the volumes', () => {
    expect(container('prometheus').name).toBe('promstack-dev-prometheus');
    for (const volume of mocks.ofType('docker:index/volume:Volume')) {
      expect(volume.inputs.name).toMatch(/^promstack-dev-/);
      expect(mocks.options.get(volume.name)?.retainOnDelete).toBe(true);
    }
  });

  it('keeps the secrets out of every plain input', () => {
    const plain = JSON.stringify(mocks.resources.map((r) => plainPart(r.inputs)));
    for (const value of Object.values(SECRETS)) expect(plain).not.toContain(value);
    expect(JSON.stringify(program.outputs)).not.toContain(SECRETS['grafana-admin-password']);
  });
});
