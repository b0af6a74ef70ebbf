import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ValidationError } from '../model/errors';
import { defineService, type ServiceDefinition } from '../service';
import { runTool } from '../tools/binaries';
import { services as repoServices } from '../../infra/services';
import { synthStack } from './index';
import { layoutUnder, testStackConfig, writeFiles } from './testing';

/**
 * The repository's orders service under another name, scraping targets of its own, optionally reading a
 * bearer token.
 */
const service = (name: string, extra: Partial<ServiceDefinition['scrape']> = {}): ServiceDefinition =>
  defineService({
    ...repoServices[0],
    name,
    scrape: {
      ...repoServices[0].scrape,
      targets: {
        docker: [`${name}:8080`],
        kubernetes: { namespace: 'shop', podLabels: { app: name }, port: 8080 },
      },
      ...extra,
    },
  } as never);

const catalogue = [
  service('orders'),
  service('payments', { bearerTokenFile: { secret: 'payments-token' } }),
  service('search'),
];

type Doc = { scrape_configs?: { job_name: string }[]; scrape_config_files?: string[] };
const jobsOf = (text: string) => ((parse(text) as Doc).scrape_configs ?? []).map((j) => j.job_name);

const afterCleanup: string[] = [];
afterAll(() => {
  for (const dir of afterCleanup) rmSync(dir, { recursive: true, force: true });
});

const STACKS = ['docker', 'kubernetes'] as const;

describe('Prometheus config as one file per concern', () => {
  it.each(STACKS)('%s: prometheus.yml holds the stack, each service its own scrape file', (name) => {
    const result = synthStack(testStackConfig(name), catalogue, { environment: name });
    const main = parse(result.files['prometheus/prometheus.yml']) as Doc;
    expect(main.scrape_config_files).toEqual(['/etc/prometheus/scrape/*.yml']);
    expect(jobsOf(result.files['prometheus/prometheus.yml'])).toEqual([
      'prometheus',
      'alertmanager',
      'grafana',
    ]);
    const scrapeFiles = Object.keys(result.files).filter((p) => p.startsWith('prometheus/scrape/'));
    expect(scrapeFiles).toEqual(catalogue.map((s) => `prometheus/scrape/${s.name}.yml`));
    for (const s of catalogue)
      expect(jobsOf(result.files[`prometheus/scrape/${s.name}.yml`])).toEqual([s.name]);
    expect(result.summary.jobs).toEqual([
      'prometheus',
      'alertmanager',
      'grafana',
      ...catalogue.map((s) => s.name),
    ]);
  });

  it('resolves a service job secret to its file and lists it with the stack secrets', () => {
    const result = synthStack(testStackConfig('kubernetes'), catalogue, { environment: 'prod' });
    expect(result.files['prometheus/scrape/payments.yml']).toContain(
      'credentials_file: /etc/prometheus/secrets/payments-token',
    );
    // web-password: Prometheus logs in to Alertmanager and to itself with it (webAuth).
    expect(result.secrets.prometheus).toEqual(['mimir-password', 'payments-token', 'web-password']);
  });

  it('keeps prometheus.yml the same size however many services there are', () => {
    const size = (n: number) =>
      synthStack(
        testStackConfig('kubernetes'),
        Array.from({ length: n }, (_, i) => service(`svc-${i}`)),
        { environment: 'prod' },
      ).files['prometheus/prometheus.yml'].length;
    expect(size(30)).toBe(size(1));
  });

  it('without services, has no scrape_config_files', () => {
    const { files } = synthStack(testStackConfig('docker'), [], { environment: 'dev' });
    expect((parse(files['prometheus/prometheus.yml']) as Doc).scrape_config_files).toBeUndefined();
    expect(Object.keys(files).some((p) => p.startsWith('prometheus/scrape/'))).toBe(false);
  });

  it('checks job names across the files at once: a service named like a stack job is an error', () => {
    let error: unknown;
    try {
      synthStack(testStackConfig('docker'), [service('grafana')], { environment: 'dev' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toContainEqual({
      path: 'prometheus.scrape_configs[grafana].job_name',
      message: expect.stringMatching(/duplicate job name "grafana"/),
    });
  });

  it('promtool loads prometheus.yml with every scrape file, and refuses a duplicate job among them', async () => {
    const root = writeFiles({});
    afterCleanup.push(root);
    const result = synthStack(testStackConfig('kubernetes'), catalogue, {
      environment: 'prod',
      layout: layoutUnder(root),
    });
    writeFiles(result.files, root);
    mkdirSync(join(root, 'prometheus', 'secrets'), { recursive: true });
    for (const name of result.secrets.prometheus)
      writeFileSync(join(root, 'prometheus', 'secrets', name), 'x');
    const config = join(root, 'prometheus', 'prometheus.yml');
    const ok = await runTool('promtool', ['check', 'config', config]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    writeFileSync(
      join(root, 'prometheus', 'scrape', 'copy.yml'),
      result.files['prometheus/scrape/orders.yml'],
    );
    const duplicate = await runTool('promtool', ['check', 'config', config]);
    expect(duplicate.stdout + duplicate.stderr).toMatch(/multiple scrape configs with job name "orders"/);
    expect(duplicate.code).not.toBe(0);
  });
});
