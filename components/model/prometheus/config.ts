import { z } from 'zod';
import { parseDuration } from '../duration';
import { IssueCollector } from '../errors';
import { zodIssues } from '../validate';
import { alertingConfig } from './alerting';
import { isPlainRecord } from '../plain-data';
import { validScrapeConfigFast } from './fast-validate';
import { globalConfig } from './global';
import { remoteWriteConfig } from './remote-write';
import { scrapeConfig } from './scrape';

/** The whole `prometheus.yml`. Field order here is the order the file is rendered in. */
export const prometheusConfig = z.strictObject({
  global: globalConfig.optional(),
  rule_files: z.array(z.string().min(1)).optional(),
  /**
   * Files (globs) of further scrape jobs, each holding only `scrape_configs`: what keeps prometheus.yml
   * the same size however many services a catalogue has. Job names must be unique across all files.
   */
  scrape_config_files: z.array(z.string().min(1)).optional(),
  alerting: alertingConfig.optional(),
  scrape_configs: z.array(scrapeConfig).optional(),
  remote_write: z.array(remoteWriteConfig).optional(),
});
export type PrometheusConfigInput = z.input<typeof prometheusConfig>;
export type PrometheusConfig = z.output<typeof prometheusConfig>;

const PROMETHEUS_DEFAULT_SCRAPE_INTERVAL = '1m';
const PROMETHEUS_DEFAULT_SCRAPE_TIMEOUT = '10s';

/**
 * Validates a Prometheus config and returns it normalised. Throws one ValidationError listing every
 * problem, field checks and cross-checks alike, each under `prefix` (e.g. `prometheus`).
 */
export function validatePrometheusConfig(input: unknown, prefix = 'prometheus'): PrometheusConfig {
  const issues = new IssueCollector();
  const parsed = parsedWithFastJobs(input) ?? prometheusConfig.safeParse(input);
  if (!parsed.success) {
    issues.addAll(zodIssues(parsed.error, input, prefix));
    issues.throwIfAny();
  }
  const config = parsed.data!;
  checkScrapeJobs(config, prefix, issues);
  checkRemoteWriteNames(config, prefix, issues);
  issues.throwIfAny();
  return config;
}

/**
 * The schema's parse of a config, with the scrape jobs validScrapeConfigFast takes (a stack's generated
 * service jobs) checked by it and only the others by the schema: the schema checks each job on its own,
 * so the results are the same. Undefined on any problem, for the schema to report on the whole input.
 */
function parsedWithFastJobs(input: unknown): { success: true; data: PrometheusConfig } | undefined {
  if (!isPlainRecord(input) || !Array.isArray(input.scrape_configs)) return undefined;
  const fast = input.scrape_configs.map(validScrapeConfigFast);
  const others = input.scrape_configs.filter((_, i) => fast[i] === undefined);
  const rest = prometheusConfig.safeParse({ ...input, scrape_configs: others });
  if (!rest.success) return undefined;
  const parsed = rest.data.scrape_configs!;
  let next = 0;
  rest.data.scrape_configs = fast.map((job) => (job ?? parsed[next++]) as (typeof parsed)[number]);
  return { success: true, data: rest.data };
}

function checkScrapeJobs(config: PrometheusConfig, prefix: string, issues: IssueCollector): void {
  const globalInterval = config.global?.scrape_interval ?? PROMETHEUS_DEFAULT_SCRAPE_INTERVAL;
  const globalTimeout = config.global?.scrape_timeout ?? PROMETHEUS_DEFAULT_SCRAPE_TIMEOUT;
  if (config.global && parseDuration(globalTimeout)! > parseDuration(globalInterval)!) {
    issues.add(
      `${prefix}.global.scrape_timeout`,
      `scrape_timeout ${globalTimeout} is longer than scrape_interval ${globalInterval}: lower it`,
    );
  }
  const seen = new Set<string>();
  for (const job of config.scrape_configs ?? []) {
    const path = `${prefix}.scrape_configs[${job.job_name}]`;
    if (seen.has(job.job_name)) {
      issues.add(
        `${path}.job_name`,
        `duplicate job name ${JSON.stringify(job.job_name)}: job names must be unique`,
      );
    }
    seen.add(job.job_name);
    // Prometheus fills a missing per-job timeout from global, capped at the job's own interval.
    const interval = job.scrape_interval ?? globalInterval;
    if (job.scrape_timeout !== undefined && job.scrape_interval === undefined) {
      if (parseDuration(job.scrape_timeout)! > parseDuration(interval)!) {
        issues.add(
          `${path}.scrape_timeout`,
          `scrape_timeout ${job.scrape_timeout} is longer than the global scrape_interval ${interval}: lower it`,
        );
      }
    }
  }
}

function checkRemoteWriteNames(config: PrometheusConfig, prefix: string, issues: IssueCollector): void {
  const names = new Set<string>();
  const urls = new Set<string>();
  for (const [index, rw] of (config.remote_write ?? []).entries()) {
    const path = `${prefix}.remote_write[${rw.name ?? index}]`;
    if (rw.name !== undefined) {
      if (names.has(rw.name))
        issues.add(`${path}.name`, `duplicate remote_write name ${JSON.stringify(rw.name)}`);
      names.add(rw.name);
    }
    if (urls.has(rw.url)) {
      issues.add(`${path}.url`, `duplicate remote_write url ${rw.url}: give each endpoint once`);
    }
    urls.add(rw.url);
  }
}
