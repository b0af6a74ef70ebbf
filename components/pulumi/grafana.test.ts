import { services } from '../../infra/services';
import { clusterData, projectedFiles } from '../platforms/testing';
import { secretValues, testStackConfig, TEST_STACK_SECRETS } from '../stack/testing';
import { MonitoringStack } from './stack';
import { installMocks, isSecretEnvelope, plainPart, unwrapSecrets } from './testing';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const mocks = installMocks('prod');

const SECRETS = secretValues(TEST_STACK_SECRETS.kubernetes);
const KEY_FILE = '/etc/grafana/promstack/secrets/grafana-secret-key';
const capture = { transformations: [mocks.transformation] };

const kubernetes = testStackConfig('kubernetes') as Obj;
new MonitoringStack(
  'k8s',
  {
    stack: {
      ...kubernetes,
      grafana: {
        ...kubernetes.grafana,
        rootUrl: undefined,
        ingress: {
          host: 'grafana.example.com',
          tlsSecretName: 'grafana-tls',
          className: 'nginx',
          annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
        },
      },
    },
    services,
    environment: 'prod',
    secrets: SECRETS,
  },
  capture,
);
new MonitoringStack(
  'docker',
  { stack: testStackConfig('docker'), services, environment: 'dev', secrets: SECRETS },
  capture,
);
// Without grafana.ingress: no Ingress, and no way in for the controller.
new MonitoringStack(
  'plain',
  {
    stack: { ...kubernetes, kubernetes: { ...kubernetes.kubernetes, namespace: 'monitoring-plain' } },
    services,
    environment: 'prod',
    secrets: SECRETS,
  },
  capture,
);

beforeAll(() => mocks.settle());

const inputs = (name: string): Obj => unwrapSecrets(mocks.named(name).inputs) as Obj;
const env = (container: Obj): Record<string, string> =>
  Object.fromEntries((container.env as Obj[]).map((e) => [e.name, e.value]));

describe('Grafana has a secret key', () => {
  it('on Kubernetes: from the stack secret, in the Secret as a Pulumi secret, mounted where the env says', () => {
    const pod = inputs('k8s-grafana-deployment').spec.template.spec;
    expect(env(pod.containers[0]).GF_SECURITY_SECRET_KEY__FILE).toBe(KEY_FILE);
    expect(projectedFiles(pod, clusterData(mocks, 'k8s')).get(KEY_FILE)).toBe(SECRETS['grafana-secret-key']);
    const secret = mocks
      .ofType('kubernetes:core/v1:Secret')
      .find((r) => r.name.startsWith('k8s-grafana-secrets'));
    expect(isSecretEnvelope(secret?.inputs.stringData)).toBe(true);
  });

  it('on Docker: in the config volume, uploaded as a secret into its holder, readable by Grafana only, named by the env', () => {
    const container = inputs('docker-grafana-container');
    expect(container.envs).toContain(`GF_SECURITY_SECRET_KEY__FILE=${KEY_FILE}`);
    expect(container.volumes).toContainEqual({
      volumeName: 'promstack-dev-grafana-config',
      containerPath: '/etc/grafana/promstack',
      readOnly: true,
    });
    expect(isSecretEnvelope(mocks.named('docker-grafana-config-holder').inputs.uploads)).toBe(true);
    expect(inputs('docker-grafana-config-holder').uploads).toContainEqual({
      file: KEY_FILE.replace('/etc/grafana/promstack', '/promstack/staging'),
      content: SECRETS['grafana-secret-key'],
      owner: '472',
      group: '472',
      permissions: '0400',
    });
  });

  it('never in clear: no plain input of any resource holds it', () => {
    const plain = JSON.stringify(mocks.resources.map((r) => plainPart(r.inputs)));
    expect(plain).not.toContain(SECRETS['grafana-secret-key']);
  });
});

describe("Grafana's Ingress", () => {
  it('routes the host, TLS only, to the Service http port; the root URL and cookies follow', () => {
    const ingress = inputs('k8s-grafana-ingress');
    expect(ingress.metadata).toMatchObject({
      name: 'grafana',
      annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
    });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['grafana.example.com'], secretName: 'grafana-tls' }],
      rules: [
        {
          host: 'grafana.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'grafana', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    });
    const service = inputs('k8s-grafana-service');
    expect(service.spec.ports.map((p: Obj) => p.name)).toContain('http');
    const grafanaEnv = env(inputs('k8s-grafana-deployment').spec.template.spec.containers[0]);
    expect(grafanaEnv.GF_SERVER_ROOT_URL).toBe('https://grafana.example.com/');
    expect(grafanaEnv.GF_SECURITY_COOKIE_SECURE).toBe('true');
  });

  it("opens Grafana's NetworkPolicy to the ingress controller's pods, only when there is an Ingress", () => {
    const grafanaIngress = (stack: string) =>
      inputs(`${stack}-netpol-grafana`).spec.ingress.flatMap((rule: Obj) => rule.from);
    const controller = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/name': 'ingress-nginx',
          'app.kubernetes.io/component': 'controller',
        },
      },
    };
    expect(grafanaIngress('k8s')).toContainEqual(controller);
    expect(grafanaIngress('plain')).not.toContainEqual(controller);
    expect(mocks.ofType('kubernetes:networking.k8s.io/v1:Ingress').map((r) => r.name)).toEqual([
      'k8s-grafana-ingress',
    ]);
  });
});
