import { syntheticCatalogue } from '../../../bench/catalogue';
import { services } from '../../../infra/services';
import { serviceScrapeJob } from '../../stack/prometheus';
import { ValidationError } from '../errors';
import { validatePrometheusConfig, prometheusConfig } from './config';
import { validScrapeConfigFast } from './fast-validate';

const validScrapeConfigsFast = (jobs: unknown[]) => {
  const valid = jobs.map(validScrapeConfigFast);
  return valid.includes(undefined) ? undefined : valid;
};
import { scrapeConfig } from './scrape';

/** Key order and keys holding undefined count: the rendered files and the typed result follow them. */
const exact = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (v === undefined ? '<undefined>' : v));

/** A deep copy made in this realm (structuredClone's objects would have another realm's prototype). */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyOf(v)]));
}

type Job = Record<string, unknown> & { relabel_configs: Record<string, unknown>[] };

/** The scrape jobs synth generates for every repository service and a bench sample. */
function generatedJobs(platform: 'kubernetes' | 'docker'): Job[] {
  return [...services, ...syntheticCatalogue(12)]
    .map((service) => serviceScrapeJob(service, platform))
    .filter((job) => job !== undefined) as unknown as Job[];
}

describe('validScrapeConfigFast', () => {
  const jobs = generatedJobs('kubernetes');

  it('takes every generated Kubernetes job and returns exactly what the schema returns', () => {
    expect(jobs.length).toBeGreaterThan(12);
    const fast = validScrapeConfigsFast(jobs);
    expect(fast).toBeDefined();
    const schema = jobs.map((job) => scrapeConfig.parse(job));
    expect(exact(fast)).toBe(exact(schema));
    expect(fast).toStrictEqual(schema);
  });

  it('leaves jobs with fields it does not check to the schema', () => {
    expect(validScrapeConfigsFast(generatedJobs('docker'))).toBeUndefined();
  });

  // Each edit breaks or changes a copy of a generated job: the fast path must refuse every job the
  // schema refuses, and return the schema's result for every job it takes.
  const edits: [string, (job: Job) => void][] = [
    ['no job name', (j) => delete j.job_name],
    ['job name undefined', (j) => (j.job_name = undefined)],
    ['empty job name', (j) => (j.job_name = '')],
    ['job name with spaces around', (j) => (j.job_name = ' a ')],
    ['bad interval', (j) => (j.scrape_interval = '5')],
    ['timeout over interval', (j) => Object.assign(j, { scrape_interval: '10s', scrape_timeout: '20s' })],
    ['timeout within interval', (j) => Object.assign(j, { scrape_interval: '20s', scrape_timeout: '10s' })],
    ['relative metrics path', (j) => (j.metrics_path = 'metrics')],
    ['other scheme', (j) => (j.scheme = 'ftp')],
    ['negative sample limit', (j) => (j.sample_limit = -1)],
    ['fractional sample limit', (j) => (j.sample_limit = 1.5)],
    ['infinite sample limit', (j) => (j.sample_limit = Infinity)],
    ['unknown field', (j) => (j.scrape_intervall = '1m')],
    ['http field set', (j) => (j.follow_redirects = false)],
    ['no kubernetes configs', (j) => (j.kubernetes_sd_configs = [])],
    ['unknown role', (j) => ((j.kubernetes_sd_configs as Record<string, unknown>[])[0].role = 'job')],
    ['no role', (j) => delete (j.kubernetes_sd_configs as Record<string, unknown>[])[0].role],
    [
      'empty namespace',
      (j) => ((j.kubernetes_sd_configs as Record<string, unknown>[])[0].namespaces = { names: [''] }),
    ],
    [
      'own namespace',
      (j) => ((j.kubernetes_sd_configs as Record<string, unknown>[])[0].namespaces = { own_namespace: true }),
    ],
    ['bad source label', (j) => (j.relabel_configs[0].source_labels = ['a-b'])],
    ['bad regex', (j) => (j.relabel_configs[0].regex = '(')],
    ['lookahead regex', (j) => (j.relabel_configs[0].regex = '(?=a)')],
    ['unknown action', (j) => (j.relabel_configs[0].action = 'keeep')],
    ['replace without target', (j) => delete j.relabel_configs[2].target_label],
    ['empty target', (j) => (j.relabel_configs[2].target_label = '')],
    ['bad target', (j) => (j.relabel_configs[2].target_label = 'a-b')],
    ['target with reference', (j) => (j.relabel_configs[2].target_label = 'a_$1')],
    ['hashmod without modulus', (j) => (j.relabel_configs[2].action = 'hashmod')],
    ['hashmod', (j) => Object.assign(j.relabel_configs[2], { action: 'hashmod', modulus: 4 })],
    ['zero modulus', (j) => Object.assign(j.relabel_configs[2], { action: 'hashmod', modulus: 0 })],
    ['keepequal with regex', (j) => (j.relabel_configs[0].action = 'keepequal')],
    ['labeldrop with source', (j) => (j.relabel_configs[0].action = 'labeldrop')],
    ['labeldrop', (j) => (j.relabel_configs[0] = { regex: 'tmp_.*', action: 'labeldrop' })],
    ['separator', (j) => (j.relabel_configs[0].separator = ',')],
    ['number separator', (j) => (j.relabel_configs[0].separator = 1)],
    [
      'metric relabelling',
      (j) => (j.metric_relabel_configs = [{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }]),
    ],
    ['relabel step undefined', (j) => (j.relabel_configs[0] = undefined as never)],
    ['relabel configs undefined', (j) => (j.relabel_configs = undefined as never)],
    ['null field', (j) => (j.metrics_path = null)],
  ];

  it.each(edits)('agrees with the schema on a job with %s', (_name, edit) => {
    const job = copyOf(jobs[0]) as Job;
    edit(job);
    const fast = validScrapeConfigsFast([job]);
    const schema = scrapeConfig.safeParse(job);
    if (fast === undefined) return;
    expect(schema.success).toBe(true);
    expect(exact(fast[0])).toBe(exact(schema.data));
  });

  it('refuses whatever the schema refuses among the edits', () => {
    const refused = edits.filter(([, edit]) => {
      const job = copyOf(jobs[0]) as Job;
      edit(job);
      return !scrapeConfig.safeParse(job).success;
    });
    expect(refused.length).toBeGreaterThan(20);
    const taken = edits.filter(([, edit]) => {
      const job = copyOf(jobs[0]) as Job;
      edit(job);
      return validScrapeConfigsFast([job]) !== undefined;
    });
    // The fast path takes the valid edits within its fields, so the comparisons above are not empty.
    expect(taken.map(([name]) => name)).toEqual([
      'timeout within interval',
      'own namespace',
      'target with reference',
      'hashmod',
      'labeldrop',
      'separator',
      'metric relabelling',
      'relabel configs undefined',
    ]);
    for (const [, edit] of refused) {
      const job = copyOf(jobs[0]) as Job;
      edit(job);
      expect(validScrapeConfigsFast([job])).toBeUndefined();
    }
  });

  it('gives validatePrometheusConfig the schema result and the schema errors', () => {
    const config = { global: { scrape_interval: '30s' }, scrape_configs: jobs };
    expect(exact(validatePrometheusConfig(config))).toBe(exact(prometheusConfig.parse(config)));
    const broken = copyOf(config) as { global: Record<string, unknown>; scrape_configs: Job[] };
    broken.global.scrape_interval = 'soon';
    broken.scrape_configs[1].relabel_configs[0].regex = '(';
    expect(() => validatePrometheusConfig(broken)).toThrow(/global\.scrape_interval.*\n.*relabel_configs/s);
  });

  it('leaves the jobs it does not take to the schema, in their places', () => {
    const docker = generatedJobs('docker').slice(-2);
    expect(docker.map(validScrapeConfigFast)).toEqual([undefined, undefined]);
    const config = { scrape_configs: [docker[0], ...jobs.slice(0, 3), docker[1], jobs[3]] };
    expect(exact(validatePrometheusConfig(config))).toBe(exact(prometheusConfig.parse(config)));
    const broken = copyOf(config) as { scrape_configs: Job[] };
    broken.scrape_configs[0].job_name = '';
    broken.scrape_configs[2].relabel_configs[0].regex = '(';
    const issues = (() => {
      try {
        validatePrometheusConfig(broken);
        return [];
      } catch (error) {
        return (error as ValidationError).issues.map((issue) => issue.path);
      }
    })();
    expect(issues).toEqual([
      'prometheus.scrape_configs[0].job_name',
      `prometheus.scrape_configs[${jobs[1].job_name as string}].relabel_configs[0].regex`,
    ]);
  });
});
