/**
 * The versions of the tools the stack deploys, and so the versions its configs are proven with: the
 * tests run Debian's builds of the same major.minor (scripts/install-prom-tools.sh), and a test fails
 * when the two drift apart. Prometheus 3.5 is an LTS line; Alertmanager has none, 0.33 is the release
 * Debian ships beside it.
 */
export const TOOL_VERSIONS = {
  prometheus: '3.5.3',
  alertmanager: '0.33.1',
  grafana: '13.1.3',
} as const;

/** `3.5` of `3.5.3`: tools of the same major.minor accept the same configs and PromQL. */
export function majorMinor(version: string): string {
  const match = /^v?(\d+)\.(\d+)(?:\.|$)/.exec(version);
  if (!match) throw new Error(`not a version: ${JSON.stringify(version)}`);
  return `${match[1]}.${match[2]}`;
}
