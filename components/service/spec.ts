import type { CredentialFile } from '../model/secrets';
import type { LabelOfType, MetricCatalog, MetricOfType } from './metrics';

export type Severity = 'critical' | 'warning' | 'info';

/** Where Prometheus finds the service's targets on each platform. Only the stack's platform is required. */
export interface ScrapeTargets {
  /** `host:port` on the Docker network, e.g. `checkout:8080`. */
  docker?: string[];
  /** Pods selected by label in a namespace; scraped through Kubernetes service discovery. */
  kubernetes?: { namespace: string; podLabels: Record<string, string>; port: number };
  /** `127.0.0.1:port` when the stack runs as local processes (`promstack local`, the drill). */
  local?: string[];
}

export interface ScrapeSpec {
  targets: ScrapeTargets;
  /** Default `/metrics`. */
  path?: string;
  /** Default: the stack's scrape interval. */
  interval?: string;
  /** Default: the stack's scrape timeout, capped at the interval. */
  timeout?: string;
  scheme?: 'http' | 'https';
  /** A scrape with more samples fails; protects Prometheus from a cardinality explosion. Default 50,000. */
  sampleLimit?: number;
  /** Bearer token for the metrics endpoint, from a file or a stack secret. */
  bearerTokenFile?: CredentialFile;
}

/** RED signals: which declared metrics carry rate, errors and duration. */
export interface RedSpec<M extends MetricCatalog> {
  /** Counter of requests handled. */
  requests: MetricOfType<M, 'counter'>;
  /** Label of `requests` that tells an error apart, and the regex of its error values (`5..`). */
  errors: { label: LabelOfType<M, 'counter'>; regex: string };
  /** Histogram of request durations in seconds. */
  latency?: MetricOfType<M, 'histogram'>;
}

/** A service level objective on the RED error ratio, alerted with multi-window multi-burn-rate rules. */
export interface SloSpec {
  /** Name, unique in the service, e.g. `availability`. */
  name: string;
  /** Target in percent, e.g. 99.9. */
  objective: number;
  /** Compliance period; default 30d (Sloth's default), one of 7d, 28d, 30d. */
  period?: '7d' | '28d' | '30d';
  description?: string;
}

/** The keys of the alerts promstack generates for a service, for overrides. */
export type GeneratedAlertKey =
  | 'TargetDown'
  | 'HighErrorRate'
  | 'HighLatency'
  | 'HighCpuUsage'
  | 'HighMemoryUsage'
  | `SloBurn:${string}:page`
  | `SloBurn:${string}:ticket`;

/** Changes to one generated alert; every field is optional, `disabled: true` removes it. */
export interface AlertOverride {
  disabled?: boolean;
  /** Replaces the comparison value (ratio, seconds, cores, bytes: whatever the alert compares). */
  threshold?: number;
  for?: string;
  severity?: Severity;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Replaces the whole expression; its generated unit tests are then dropped (there is no way to derive them). */
  expr?: string;
}

/** An alert the service adds by hand, rendered and validated like the generated ones. */
export interface CustomAlert {
  expr: string;
  for?: string;
  severity: Severity;
  summary: string;
  description?: string;
  labels?: Record<string, string>;
}

/** Everything a team writes to have a service monitored. */
export interface ServiceSpec<M extends MetricCatalog = MetricCatalog> {
  /** Lower-case name: becomes the scrape job, the `service` label and part of dashboard uids. */
  name: string;
  /** Owner team: alerts route to this team's receivers by severity. */
  team: string;
  description?: string;
  scrape: ScrapeSpec;
  /** The metrics the service exports, with their types and label names. */
  metrics: M;
  red?: RedSpec<M>;
  /** Resource alerts from the process_* metrics of the Prometheus client libraries. */
  resources?: {
    /** Cores; default 0.8. */
    cpuCores?: number;
    /** Resident memory limit in bytes; default 512 MiB. */
    memoryBytes?: number;
  };
  /** p99 latency above this many seconds alerts; default 0.5. */
  latencyThresholdSeconds?: number;
  /** Error ratio above this share of requests alerts; default 0.05. */
  errorRatioThreshold?: number;
  slos?: SloSpec[];
  alerts?: {
    overrides?: Partial<Record<GeneratedAlertKey, AlertOverride>>;
    custom?: Record<string, CustomAlert>;
  };
  /** Extra labels on every alert of the service. */
  labels?: Record<string, string>;
}

/** A service definition as checked and held by the stack; created by defineService. */
export interface ServiceDefinition extends ServiceSpec {
  readonly kind: 'promstack.service';
}
