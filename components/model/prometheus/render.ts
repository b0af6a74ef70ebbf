import { SecretFiles } from '../secrets';
import { renderYaml } from '../yaml';
import { validatePrometheusConfig } from './config';

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

/** Validates and renders `prometheus.yml`; throws ValidationError before rendering anything. */
export function renderPrometheusConfig(input: unknown, options: PrometheusRenderOptions): RenderedConfig {
  const config = validatePrometheusConfig(input);
  const secretFiles = new SecretFiles(options.secretsDir);
  const yaml = renderYaml(secretFiles.resolve(config), options.header);
  return { yaml, secrets: secretFiles.names() };
}
