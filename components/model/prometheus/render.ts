import { SecretFiles } from '../secrets';
import { renderYaml } from '../yaml';
import { validatePrometheusConfig, type PrometheusConfig } from './config';

export interface PrometheusRenderOptions {
  /** Folder where the platform mounts the stack's secrets for Prometheus, one file per secret. */
  secretsDir: string;
  /** Comment placed at the top of the file. */
  header?: string;
}

export interface RenderedConfig {
  yaml: string;
  /** Names of the stack secrets the file refers to, which the platform must mount. */
  secrets: string[];
}

/**
 * Validates and renders `prometheus.yml`; throws ValidationError before rendering anything. `config` is
 * what the file holds: validated, secret references resolved to their mounted paths.
 */
export function renderPrometheusConfig(
  input: unknown,
  options: PrometheusRenderOptions,
): RenderedConfig & { config: PrometheusConfig } {
  const secretFiles = new SecretFiles(options.secretsDir);
  const config = secretFiles.resolve(validatePrometheusConfig(input));
  return { yaml: renderYaml(config, options.header), secrets: secretFiles.names(), config };
}

/** A scrape job as validatePrometheusConfig returns it. */
export type ValidScrapeConfig = NonNullable<PrometheusConfig['scrape_configs']>[number];

/**
 * Renders a file that `scrape_config_files` names: only `scrape_configs`. The jobs come from a validated
 * config, so that job names and timeouts were checked against every other job and the global settings.
 */
export function renderScrapeConfigFile(
  jobs: readonly ValidScrapeConfig[],
  options: PrometheusRenderOptions,
): RenderedConfig {
  const secretFiles = new SecretFiles(options.secretsDir);
  const yaml = renderYaml(secretFiles.resolve({ scrape_configs: jobs }), options.header);
  return { yaml, secrets: secretFiles.names() };
}
