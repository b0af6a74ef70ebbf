import { compareText } from '../model/errors';
import {
  renderPrometheusConfig,
  renderScrapeConfigFile,
  validatePrometheusConfig,
  type PrometheusConfig,
  type PrometheusConfigInput,
} from '../model/prometheus';
import { SecretFiles } from '../model/secrets';
import { OUTPUT_PATHS, scrapeFilePath } from './paths';

export interface PrometheusFiles {
  /** `prometheus/prometheus.yml` and, when there are services, one `prometheus/scrape/<job>.yml` each. */
  files: Record<string, string>;
  /**
   * What the files hold as one config: validated, secret references resolved to their mounted paths,
   * every job in `scrape_configs` (no `scrape_config_files`).
   */
  config: PrometheusConfig;
  /** Stack secrets any of the files reads, sorted. */
  secrets: string[];
  /** Every job name, the stack's own first, as rendered. */
  jobs: string[];
}

const JOB_NAME_LINE = /^ {2}- job_name: (.+)$/gm;

/**
 * Renders the Prometheus config of a stack as one file per concern: prometheus.yml holds the global
 * settings, alerting, rule files and the stack's own jobs, and each service's job is a file of its own
 * below `<configDir>/scrape/`, loaded through `scrape_config_files`. prometheus.yml then stays the same
 * size however many services there are, and every file fits a Kubernetes ConfigMap (a 5,000-service
 * prometheus.yml with the jobs inline is 3.4 MB; a ConfigMap holds 1 MiB).
 *
 * The whole config, every job included, is validated first, exactly as one file would be, so problems
 * are reported at the same paths (`prometheus.scrape_configs[<job>]...`) and job names stay unique.
 * `serviceJobs` is how many jobs at the end of `scrape_configs` belong to services.
 */
export function renderPrometheusFiles(
  input: PrometheusConfigInput,
  serviceJobs: number,
  options: { configDir: string; secretsDir: string; header: string },
): PrometheusFiles {
  const config = validatePrometheusConfig(input);
  const jobs = config.scrape_configs ?? [];
  const own = jobs.slice(0, jobs.length - serviceJobs);
  const services = jobs.slice(jobs.length - serviceJobs);
  const render = { secretsDir: options.secretsDir, header: options.header };
  const main = renderPrometheusConfig(
    services.length === 0
      ? input
      : { ...config, scrape_config_files: [`${options.configDir}/scrape/*.yml`], scrape_configs: own },
    render,
  );
  const files: Record<string, string> = { [OUTPUT_PATHS.prometheusConfig]: main.yaml };
  const secrets = new Set(main.secrets);
  const names = [...main.yaml.matchAll(JOB_NAME_LINE)].map((m) => m[1]);
  for (const job of services) {
    const rendered = renderScrapeConfigFile([job], render);
    files[scrapeFilePath(job.job_name)] = rendered.yaml;
    for (const name of rendered.secrets) secrets.add(name);
    names.push(...[...rendered.yaml.matchAll(JOB_NAME_LINE)].map((m) => m[1]));
  }
  const resolved = new SecretFiles(options.secretsDir).resolve(config);
  return { files, config: resolved, secrets: [...secrets].sort(compareText), jobs: names };
}
