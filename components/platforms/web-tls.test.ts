import * as pulumi from '@pulumi/pulumi';
import { services } from '../../infra/services';
import { installMocks, unwrapSecrets } from '../pulumi/testing';
import { workloadUrl } from '../pulumi/workload-component';
import { synthStack } from '../stack';
import { DATASOURCES_FILE } from '../model/grafana/provisioning';
import { CONTAINER_LAYOUT } from '../stack/layout';
import { OUTPUT_PATHS } from '../stack/paths';
import { secretValues, testStackConfig, TEST_STACK_SECRETS } from '../stack/testing';
import { deployKubernetesWorkload, kubernetesNamespace, type KubernetesPlacement } from './kubernetes';
import { silencesApplier } from './silences-applier';
import { clusterData, projectedFiles } from './testing';
import { webConfigYaml } from './web-auth';
import { alertmanagerWorkload, grafanaWorkload, prometheusWorkload } from './workload';

/*
 * webAuth.tls under mocks: the certificate and key reach Prometheus and Alertmanager from Secrets only,
 * the web config names them, and every client of the two (Prometheus's alerting and self-scrapes,
 * Grafana's datasources, the probes, the silences run, the stack's URLs) uses https and the CA.
 * test/faults/web-tls.test.ts runs the same files on the real binaries.
 */

const mocks = installMocks('prod');
const TLS = { certSecret: 'web-cert', keySecret: 'web-key', caSecret: 'web-ca' };
// The TLS files as PEM, with the markers that 'keeps the certificates and key in Secrets only' looks for.
const SECRETS = {
  ...secretValues(TEST_STACK_SECRETS.kubernetes),
  'web-cert': '-----BEGIN CERTIFICATE-----\nTEST-SERVER-CERT\n-----END CERTIFICATE-----\n',
  'web-key': '-----BEGIN PRIVATE KEY-----\nTEST-SERVER-KEY\n-----END PRIVATE KEY-----\n',
  'web-ca': '-----BEGIN CERTIFICATE-----\nTEST-CA-CERT\n-----END CERTIFICATE-----\n',
};

const base = testStackConfig('kubernetes');
const input = { ...base, webAuth: { ...base.webAuth, tls: TLS } };
const synth = synthStack(input, services, { environment: 'prod' });
const plain = synthStack(base, services, { environment: 'prod' });
const workloads = {
  prometheus: prometheusWorkload(synth),
  alertmanager: alertmanagerWorkload(synth),
  grafana: grafanaWorkload(synth),
};

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super('test:index:Parent', name, {}, { transformations: [mocks.transformation] });
  }
}
const parent = new Parent('tls');
const namespace = kubernetesNamespace('tls', synth.config.kubernetes.namespace, {}, { parent });
const placement: KubernetesPlacement = {
  platform: 'kubernetes',
  namespace: namespace.metadata.name,
  namespaceName: synth.config.kubernetes.namespace,
  labels: {},
};
for (const [name, workload] of Object.entries(workloads))
  deployKubernetesWorkload(`tls-${name}`, workload, placement, {
    parent,
    secrets: SECRETS,
    controller: name === 'grafana' ? 'Deployment' : 'StatefulSet',
  });
beforeAll(() => mocks.settle());

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const podSpec = (name: string): Obj => (unwrapSecrets(mocks.named(name).inputs) as Obj).spec.template.spec;
const mountedFiles = (name: string) =>
  Object.fromEntries(projectedFiles(podSpec(name), clusterData(mocks, 'tls')));

describe('webAuth.tls', () => {
  it('gives the web config the mounted certificate and key, and nothing else changes in it', () => {
    const webConfig = webConfigYaml(synth.config.webAuth, SECRETS['web-password']);
    expect(webConfig).toContain('tls_server_config:\n  cert_file: web-cert\n  key_file: web-key\n');
    expect(webConfig.replace(/tls_server_config:\n( {2}.*\n)+/, '')).toBe(
      webConfigYaml(plain.config.webAuth, SECRETS['web-password']),
    );
    for (const [name, dir] of [
      ['tls-prometheus-statefulset', CONTAINER_LAYOUT.prometheusSecretsDir],
      ['tls-alertmanager-statefulset', CONTAINER_LAYOUT.alertmanagerSecretsDir],
    ]) {
      const files = mountedFiles(name);
      // Relative paths in the web config are read from its own folder: the files must lie beside it.
      expect(files[`${dir}/promstack-web-config.yml`]).toBe(webConfig);
      expect(files[`${dir}/web-cert`]).toBe(SECRETS['web-cert']);
      expect(files[`${dir}/web-key`]).toBe(SECRETS['web-key']);
    }
  });

  it('keeps the certificates and key in Secrets only', () => {
    const holders = mocks.resources
      .filter((r) => r.name.startsWith('tls-'))
      .filter((r) => {
        const text = JSON.stringify(unwrapSecrets(r.inputs));
        return ['TEST-SERVER-KEY', 'TEST-SERVER-CERT', 'TEST-CA-CERT'].some((pem) => text.includes(pem));
      })
      .map((r) => r.type);
    expect(new Set(holders)).toEqual(new Set(['kubernetes:core/v1:Secret']));
    expect(Object.values(synth.files).join('\n')).not.toContain('TEST-');
  });

  it("points Prometheus's alerting and self-scrapes at https, verified with the mounted CA", () => {
    const yml = synth.files[OUTPUT_PATHS.prometheusConfig];
    const ca = `${CONTAINER_LAYOUT.prometheusSecretsDir}/web-ca`;
    // The alertmanager entry, then the prometheus and alertmanager self-scrapes.
    expect(yml.match(/scheme: https\n/g)).toHaveLength(3);
    expect(yml.match(new RegExp(`tls_config:\\n\\s+ca_file: ${ca}\\n`, 'g'))).toHaveLength(3);
    expect(mountedFiles('tls-prometheus-statefulset')[ca]).toBe(SECRETS['web-ca']);
    expect(plain.files[OUTPUT_PATHS.prometheusConfig]).not.toMatch(/scheme: https|ca_file/);
  });

  it("points Grafana's datasources at https, the CA read from its mounted file", () => {
    const datasources = Object.entries(synth.files).find(([key]) => key.endsWith(DATASOURCES_FILE))?.[1];
    expect(datasources).toBeDefined();
    expect(datasources!.match(/url: https:\/\//g)).toHaveLength(2);
    expect(datasources!.match(/tlsAuthWithCACert: true/g)).toHaveLength(2);
    const ca = `${CONTAINER_LAYOUT.grafanaSecretsDir}/web-ca`;
    expect(datasources!.split(`tlsCACert: $__file{${ca}}\n`)).toHaveLength(3);
    expect(mountedFiles('tls-grafana-deployment')[ca]).toBe(SECRETS['web-ca']);
  });

  it('probes, the silences run and the URLs the stack gives use https', () => {
    for (const name of ['tls-prometheus-statefulset', 'tls-alertmanager-statefulset'])
      for (const probe of ['livenessProbe', 'readinessProbe'])
        expect(podSpec(name).containers[0][probe].exec.command[2]).toContain("'https://127.0.0.1:");
    const applier = silencesApplier(
      { ...synth, config: { ...synth.config, silences: [] } },
      workloads.alertmanager,
    );
    expect(applier).toBeUndefined();
    const withSilence = synthStack(
      {
        ...input,
        silences: [
          {
            matchers: ['service="x"'],
            startsAt: '2026-01-01T00:00:00Z',
            endsAt: '2026-01-02T00:00:00Z',
            createdBy: 'test',
            comment: 'test',
          },
        ],
      },
      services,
      { environment: 'prod' },
    );
    const run = silencesApplier(withSilence, alertmanagerWorkload(withSilence))!;
    expect(run.env.ALERTMANAGER_URL).toMatch(/^https:\/\//);
    expect(run.env.NODE_EXTRA_CA_CERTS).toBe('/etc/promstack/silences-secrets/web-ca');
    expect(run.secretFiles.map((f) => f.secretName)).toEqual(['web-password', 'web-ca']);
    const at = {
      platform: 'kubernetes' as const,
      namespace: 'monitoring',
      namespaceName: 'monitoring',
      labels: {},
    };
    expect(workloadUrl(workloads.prometheus, at)).toMatch(/^https:\/\//);
    expect(workloadUrl(workloads.grafana, at)).toMatch(/^http:\/\//);
  });

  it('is refused for promstack local and the drill, and when two of its secrets are one', () => {
    expect(() => synthStack(input, services, { environment: 'prod', platform: 'local' })).toThrow(
      /stack\.webAuth\.tls: promstack local and the drill serve .* plain HTTP/,
    );
    expect(() =>
      synthStack({ ...base, webAuth: { tls: { ...TLS, caSecret: 'web-cert' } } }, services, {
        environment: 'prod',
      }),
    ).toThrow(/webAuth\.tls\.caSecret: certSecret already names secret web-cert/);
  });
});
