/**
 * Every path synth renders a file at, relative to the output folder: `promstack synth --out` writes
 * them there, the platforms mount them, the CLI checks them. The one place that names them.
 */
export const OUTPUT_PATHS = {
  /** Each tool's folder: what its workload mounts below its config folder. */
  prometheusDir: 'prometheus/',
  alertmanagerDir: 'alertmanager/',
  prometheusConfig: 'prometheus/prometheus.yml',
  /** One file per service job, loaded through `scrape_config_files`. */
  scrapeDir: 'prometheus/scrape/',
  rulesDir: 'prometheus/rules/',
  /** promtool unit tests of the generated alerts; they read the rule files as `../rules/<name>.yml`. */
  testsDir: 'prometheus/tests/',
  alertmanagerConfig: 'alertmanager/alertmanager.yml',
  alertmanagerTemplatesDir: 'alertmanager/templates/',
  notificationTemplate: 'alertmanager/templates/promstack.tmpl',
  grafanaDir: 'grafana/',
  grafanaProvisioningDir: 'grafana/provisioning/',
  dashboardsDir: 'grafana/dashboards/',
} as const;

/** Prefix of vendored rule files among the rule files: `prometheus/rules/vendor-<name>.yml`. */
const VENDORED_PREFIX = `${OUTPUT_PATHS.rulesDir}vendor-`;

export function scrapeFilePath(job: string): string {
  return `${OUTPUT_PATHS.scrapeDir}${job}.yml`;
}

/** The rule file of a generated rule set (`orders`, `promstack-stack`). */
export function ruleFilePath(groupPrefix: string): string {
  return `${OUTPUT_PATHS.rulesDir}${groupPrefix}.yml`;
}

/** A vendored rule file, by the name it was given (`node-exporter.yaml` → `vendor-node-exporter.yml`). */
export function vendoredRuleFilePath(name: string): string {
  return `${VENDORED_PREFIX}${name.replace(/\.yaml$/, '.yml')}`;
}

/** The name of a vendored rule file's path (`vendor-host.yml` → `host.yml`), or undefined. */
export function vendoredRuleFileName(path: string): string | undefined {
  return path.startsWith(VENDORED_PREFIX) ? path.slice(VENDORED_PREFIX.length) : undefined;
}

export function ruleTestFilePath(groupPrefix: string): string {
  return `${OUTPUT_PATHS.testsDir}${groupPrefix}.yml`;
}

/** How a test file names its rule file: relative to the tests folder. */
export function ruleFileFromTests(groupPrefix: string): string {
  return `../rules/${groupPrefix}.yml`;
}

export function dashboardPath(uid: string): string {
  return `${OUTPUT_PATHS.dashboardsDir}${uid}.json`;
}

/** The uid of a dashboard file's path, or undefined for any other path. */
export function dashboardUidOf(path: string): string | undefined {
  return path.startsWith(OUTPUT_PATHS.dashboardsDir) && path.endsWith('.json')
    ? path.slice(OUTPUT_PATHS.dashboardsDir.length, -'.json'.length)
    : undefined;
}

/** The paths of `files` below a folder of OUTPUT_PATHS, sorted as synth sorts them. */
export function pathsUnder(files: Readonly<Record<string, string>>, dir: string): string[] {
  return Object.keys(files).filter((path) => path.startsWith(dir));
}
