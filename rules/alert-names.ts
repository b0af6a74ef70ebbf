/**
 * Names of the alerts generated for every service: the rule factories write them, and the stack's
 * Alertmanager inhibitions and the drill pick alerts out by them.
 */
export const SERVICE_ALERTS = {
  /** An instance of the service is down (warning), or a share of its instances is (critical). */
  targetDown: 'TargetDown',
  /** The service has no scrape target at all: its selector matches nothing. */
  targetsMissing: 'TargetsMissing',
  highErrorRate: 'HighErrorRate',
  highLatency: 'HighLatency',
  highCpu: 'HighCpuUsage',
  highMemory: 'HighMemoryUsage',
} as const;

/** Override keys of the generated alerts that share a name with another (same alertname, two severities). */
export const TARGET_DOWN_SHARE_KEY = `${SERVICE_ALERTS.targetDown}:share` as const;
