import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../../tools/binaries';
import { ValidationError } from '../errors';
import { renderPrometheusConfig, type PrometheusConfigInput } from './index';
import { richPrometheusConfig } from './example';

/** Writes a rendered prometheus.yml plus every file it refers to, as the platforms lay them out. */
function writeProject(yaml: string, secretsDir: string, secrets: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), yaml);
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'empty.yml'), 'groups: []\n');
  mkdirSync(secretsDir, { recursive: true });
  for (const name of secrets) writeFileSync(join(secretsDir, name), 'not-a-real-secret\n');
  return dir;
}

describe('prometheus.yml', () => {
  it('renders the rich example, and the real promtool accepts it', async () => {
    const secretsDir = mkdtempSync(join(tmpdir(), 'promstack-secrets-'));
    const filesDir = mkdtempSync(join(tmpdir(), 'promstack-files-'));
    for (const file of ['ca.pem', 'token']) writeFileSync(join(filesDir, file), 'placeholder\n');
    const { yaml, secrets } = renderPrometheusConfig(richPrometheusConfig(filesDir), { secretsDir });
    expect(secrets).toEqual(['checkout-scrape-password', 'mimir-token']);
    expect(yaml).toContain(`password_file: ${secretsDir}/checkout-scrape-password`);
    const dir = writeProject(yaml, secretsDir, secrets);
    const result = await runTool('promtool', ['check', 'config', '--lint=all', join(dir, 'prometheus.yml')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('renders byte for byte the same, whatever the input key and label order', () => {
    const first = renderPrometheusConfig(richPrometheusConfig(), { secretsDir: '/run/secrets' }).yaml;
    const again = renderPrometheusConfig(richPrometheusConfig(), { secretsDir: '/run/secrets' }).yaml;
    const reordered = richPrometheusConfig() as Record<string, unknown> & PrometheusConfigInput;
    const shuffled = Object.fromEntries(Object.entries(reordered).reverse());
    (shuffled.global as { external_labels: Record<string, string> }).external_labels = {
      environment: 'dev',
      cluster: 'local',
    };
    expect(again).toBe(first);
    expect(renderPrometheusConfig(shuffled, { secretsDir: '/run/secrets' }).yaml).toBe(first);
    expect(first.indexOf('cluster: local')).toBeLessThan(first.indexOf('environment: dev'));
  });

  it('never writes a secret reference or value, only the mounted file path', () => {
    const { yaml } = renderPrometheusConfig(richPrometheusConfig(), { secretsDir: '/run/secrets' });
    expect(yaml).not.toMatch(/secret:/);
    expect(yaml).toContain('credentials_file: /run/secrets/mimir-token');
    expect(yaml).not.toMatch(/\bpassword:|\bcredentials:|bearer_token:/);
  });
});

type Mutation = (config: PrometheusConfigInput & Record<string, unknown>) => void;
const job = (c: PrometheusConfigInput, name: string) => c.scrape_configs!.find((j) => j.job_name === name)!;

const badInputs: [string, Mutation, string, RegExp][] = [
  [
    'bad global interval',
    (c) => (c.global!.scrape_interval = '15 s'),
    'prometheus.global.scrape_interval',
    /invalid duration/,
  ],
  [
    'zero evaluation interval',
    (c) => (c.global!.evaluation_interval = '0s'),
    'prometheus.global.evaluation_interval',
    /greater than zero/,
  ],
  [
    'global timeout over interval',
    (c) => (c.global!.scrape_timeout = '30s'),
    'prometheus.global.scrape_timeout',
    /longer than scrape_interval/,
  ],
  [
    'bad external label name',
    (c) => (c.global!.external_labels = { 'bad-label': 'x' }),
    'prometheus.global.external_labels.bad-label',
    /invalid label name/,
  ],
  [
    'reserved external label',
    (c) => (c.global!.external_labels = { __name__: 'x' }),
    'prometheus.global.external_labels.__name__',
    /reserved/,
  ],
  ['unknown top-level field', (c) => (c.scrape_config = []), 'prometheus', /unknown field "scrape_config"/],
  [
    'duplicate job',
    (c) => c.scrape_configs!.push({ job_name: 'prometheus', static_configs: [{ targets: ['x:1'] }] }),
    'prometheus.scrape_configs[prometheus].job_name',
    /duplicate job name/,
  ],
  [
    'empty job name',
    (c) => (c.scrape_configs![0].job_name = ''),
    'prometheus.scrape_configs[0].job_name',
    /must not be empty/,
  ],
  [
    'target without port',
    (c) => (job(c, 'prometheus').static_configs![0].targets = ['localhost']),
    'prometheus.scrape_configs[prometheus].static_configs[0].targets[0]',
    /host:port/,
  ],
  [
    'port out of range',
    (c) => (job(c, 'prometheus').static_configs![0].targets = ['localhost:70000']),
    'prometheus.scrape_configs[prometheus].static_configs[0].targets[0]',
    /1 to 65535/,
  ],
  [
    'job without targets',
    (c) => c.scrape_configs!.push({ job_name: 'lonely' }),
    'prometheus.scrape_configs[lonely]',
    /no targets/,
  ],
  [
    'job timeout over job interval',
    (c) => (job(c, 'checkout').scrape_timeout = '20s'),
    'prometheus.scrape_configs[checkout].scrape_timeout',
    /longer than scrape_interval 10s/,
  ],
  [
    'job timeout over global interval',
    (c) => (job(c, 'prometheus').scrape_timeout = '1m'),
    'prometheus.scrape_configs[prometheus].scrape_timeout',
    /global scrape_interval 15s/,
  ],
  [
    'bad scheme',
    (c) => ((job(c, 'checkout') as Record<string, unknown>).scheme = 'ftp'),
    'prometheus.scrape_configs[checkout].scheme',
    /http/,
  ],
  [
    'metrics path without slash',
    (c) => (job(c, 'checkout').metrics_path = 'metrics'),
    'prometheus.scrape_configs[checkout].metrics_path',
    /start with \//,
  ],
  [
    'negative sample limit',
    (c) => (job(c, 'checkout').sample_limit = -1),
    'prometheus.scrape_configs[checkout].sample_limit',
    /negative/,
  ],
  [
    'bad body size',
    (c) => (job(c, 'checkout').body_size_limit = '10 megabytes'),
    'prometheus.scrape_configs[checkout].body_size_limit',
    /invalid size/,
  ],
  [
    'inline password',
    (c) => ((job(c, 'checkout').basic_auth as Record<string, unknown>).password = 'hunter2'),
    'prometheus.scrape_configs[checkout].basic_auth',
    /unknown field "password"/,
  ],
  [
    'relative credentials file',
    (c) => (job(c, 'files').authorization = { credentials_file: 'token' }),
    'prometheus.scrape_configs[files].authorization.credentials_file',
    /file path/,
  ],
  [
    'bad secret name',
    (c) => (job(c, 'checkout').basic_auth!.password_file = { secret: 'Bad Name' }),
    'prometheus.scrape_configs[checkout].basic_auth.password_file.secret',
    /invalid secret name/,
  ],
  [
    'basic auth and authorization',
    (c) => (job(c, 'checkout').authorization = { credentials_file: '/t' }),
    'prometheus.scrape_configs[checkout].authorization',
    /mutually exclusive/,
  ],
  [
    'cert without key',
    (c) => (job(c, 'checkout').tls_config!.cert_file = '/c.pem'),
    'prometheus.scrape_configs[checkout].tls_config',
    /cert_file and key_file go together/,
  ],
  [
    'bad relabel regex',
    (c) => (job(c, 'checkout').relabel_configs![0].regex = '([a-z'),
    'prometheus.scrape_configs[checkout].relabel_configs[0].regex',
    /invalid regex/,
  ],
  [
    'look-ahead regex',
    (c) => (job(c, 'checkout').relabel_configs![0].regex = 'a(?=b)'),
    'prometheus.scrape_configs[checkout].relabel_configs[0].regex',
    /invalid or unsupported Perl syntax/,
  ],
  [
    'bad relabel action',
    (c) => ((job(c, 'checkout').relabel_configs![0] as Record<string, unknown>).action = 'rename'),
    'prometheus.scrape_configs[checkout].relabel_configs[0].action',
    /replace/,
  ],
  [
    'hashmod without modulus',
    (c) => delete job(c, 'kubernetes-pods').relabel_configs![3].modulus,
    'prometheus.scrape_configs[kubernetes-pods].relabel_configs[3].modulus',
    /needs modulus/,
  ],
  [
    'replace without target',
    (c) => delete job(c, 'kubernetes-pods').relabel_configs![2].target_label,
    'prometheus.scrape_configs[kubernetes-pods].relabel_configs[2].target_label',
    /needs target_label/,
  ],
  [
    'bad source label',
    (c) => (job(c, 'checkout').metric_relabel_configs![0].source_labels = ['bad-name']),
    'prometheus.scrape_configs[checkout].metric_relabel_configs[0].source_labels[0]',
    /invalid label name/,
  ],
  [
    'file_sd wrong extension',
    (c) => (job(c, 'files').file_sd_configs![0].files = ['/targets.txt']),
    'prometheus.scrape_configs[files].file_sd_configs[0].files[0]',
    /\.json/,
  ],
  [
    'dns A without port',
    (c) => delete job(c, 'dns').dns_sd_configs![0].port,
    'prometheus.scrape_configs[dns].dns_sd_configs[0].port',
    /need a port/,
  ],
  [
    'bad kubernetes role',
    (c) =>
      ((job(c, 'kubernetes-pods').kubernetes_sd_configs![0] as Record<string, unknown>).role = 'deployment'),
    'prometheus.scrape_configs[kubernetes-pods].kubernetes_sd_configs[0].role',
    /pod/,
  ],
  [
    'bad alertmanager target',
    (c) => (c.alerting!.alertmanagers![0].static_configs![0].targets = ['http://am:9093']),
    'prometheus.alerting.alertmanagers[0].static_configs[0].targets[0]',
    /host:port/,
  ],
  [
    'alertmanager api v1',
    (c) => ((c.alerting!.alertmanagers![0] as Record<string, unknown>).api_version = 'v1'),
    'prometheus.alerting.alertmanagers[0].api_version',
    /v2/,
  ],
  [
    'remote write bad url',
    (c) => (c.remote_write![0].url = 'mimir:9009/push'),
    'prometheus.remote_write[mimir].url',
    /absolute http/,
  ],
  [
    'remote write auth header',
    (c) => (c.remote_write![0].headers = { Authorization: 'Bearer x' }),
    'prometheus.remote_write[mimir].headers.Authorization',
    /credentials_file/,
  ],
  [
    'duplicate remote write url',
    (c) => c.remote_write!.push({ url: c.remote_write![0].url }),
    'prometheus.remote_write[1].url',
    /duplicate remote_write url/,
  ],
];

describe('prometheus.yml bad input', () => {
  it.each(badInputs)('rejects %s at its path', (_name, mutate, path, message) => {
    const config = richPrometheusConfig() as PrometheusConfigInput & Record<string, unknown>;
    mutate(config);
    let error: unknown;
    try {
      renderPrometheusConfig(config, { secretsDir: '/run/secrets' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('reports every problem at once', () => {
    const config = richPrometheusConfig();
    config.global!.scrape_interval = 'often';
    job(config, 'checkout').static_configs![0].targets = ['nowhere'];
    config.scrape_configs!.push({ job_name: 'prometheus', static_configs: [{ targets: ['a:1'] }] });
    expect(() => renderPrometheusConfig(config, { secretsDir: '/s' })).toThrow(ValidationError);
    try {
      renderPrometheusConfig(config, { secretsDir: '/s' });
    } catch (error) {
      const paths = (error as ValidationError).issues.map((i) => i.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'prometheus.global.scrape_interval',
          'prometheus.scrape_configs[checkout].static_configs[0].targets[0]',
        ]),
      );
    }
  });
});
