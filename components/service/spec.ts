import type { CredentialFile } from '../model/secrets';
import type { LabelOfType, MetricCatalog, MetricOfType } from './metrics';

export type Severity = 'critical' | 'warning' | 'info';

/** Where Prometheus finds the service's targets on each platform. Only the stack's platform is required. */
export interface ScrapeTargets {
  /** `host:port` on the Docker network, e.g. `checkout:8080`. */
  docker?: string[];
  /** Pods selected by label in a namespace; scraped through Kubernetes service discovery. */
  kubernetes?: {
    /** Namespace of the pods. */
    namespace: string;
    /** Labels a pod must carry, e.g. `{ app: 'checkout' }` (at least one: an empty selector takes every pod). */
    podLabels: Record<string, string>;
    /** Container port of the metrics endpoint. */
    port: number;
  };
  /** `127.0.0.1:port` when the stack runs as local processes (`promstack local`, the drill). */
  local?: string[];
}

export interface ScrapeSpec {
  /** Where the targets are, per platform. */
  targets: ScrapeTargets;
  /** Default `/metrics`. */
  path?: string;
  /** Default: the stack's scrape interval. */
  interval?: string;
  /** Default: the stack's scrape timeout, capped at the interval. */
  timeout?: string;
  /** Default `http`. */
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
  errors: {
    /** A label of the `requests` counter, e.g. `status`. */
    label: LabelOfType<M, 'counter'>;
    /** RE2, anchored as PromQL anchors `=~`, e.g. `5..`. */
    regex: string;
  };
  /** Histogram of request durations in seconds. */
  latency?: MetricOfType<M, 'histogram'>;
}

/**
 * What an SLO counts as a bad event, over each window. `availability` (the default) reads the RED
 * counters: requests whose error label matches the error regex, of all requests. `latency` reads a
 * declared histogram: requests slower than the bucket boundary `le`, of all requests. `events` is
 * Sloth's events SLI: two PromQL queries with a `{{.window}}` placeholder for the range, the errors and
 * the total, written as they are (no `job` selector is added).
 */
export type SloSli =
  | {
      /** The RED error ratio: `{}`. */
      availability: Record<string, never>;
    }
  | {
      /** Requests slower than a bucket boundary, of all requests. */
      latency: {
        /** A declared histogram with `buckets`; default `red.latency`. */
        histogram?: string;
        /** A bucket boundary of the histogram, in seconds: requests above it are bad. */
        le: string | number;
      };
    }
  | {
      /** Sloth's events SLI: two queries, each with `{{.window}}` where the range goes. */
      events: {
        /** Rate of bad events, e.g. `sum(rate(jobs_failed_total[{{.window}}]))`. */
        errors: string;
        /** Rate of all events. */
        total: string;
      };
    };

/** A service level objective, alerted with multi-window multi-burn-rate rules. */
export interface SloSpec {
  /** Name, unique in the service, e.g. `availability`. */
  name: string;
  /** Target in percent, e.g. 99.9. */
  objective: number;
  /** Compliance period; default 30d (Sloth's default), one of 7d, 28d, 30d. */
  period?: '7d' | '28d' | '30d';
  /** Free text, shown on the SLO dashboard's objective panel. */
  description?: string;
  /** Default `{ availability: {} }`: the RED error ratio. */
  sli?: SloSli;
  /**
   * Labels the SLI keeps (Pyrra's grouping), e.g. `['route']`: one SLI series, and one alert, per value.
   * The labels of the SLI's metric (availability, latency) or labels its queries keep (events).
   */
  groupBy?: string[];
  /** The burn alerts' name (page and ticket share it, as in Sloth); default `<Name>ErrorBudgetBurn`. */
  alertName?: string;
  /** Labels added to the SLO's recording rules and alerts, as Sloth's SLO `labels`. */
  labels?: Record<string, string>;
  /** Adds `<Name>ErrorBudgetExhausted` (severity warning) while the period's remaining budget is <= 0. */
  budgetExhausted?: boolean;
}

/** The keys of the alerts promstack generates for a service, for overrides. */
export type GeneratedAlertKey =
  | 'TargetDown'
  | 'TargetDown:share'
  | 'TargetsMissing'
  | 'HighErrorRate'
  | 'HighLatency'
  | 'HighCpuUsage'
  | 'HighMemoryUsage'
  | `SloBurn:${string}:page`
  | `SloBurn:${string}:ticket`
  | `SloBudgetExhausted:${string}`;

/** Changes to one generated alert; every field is optional, `disabled: true` removes it. */
export interface AlertOverride {
  /** `true` removes the alert (and its tests). */
  disabled?: boolean;
  /** Replaces the comparison value (ratio, seconds, cores, bytes: whatever the alert compares). */
  threshold?: number;
  /** Replaces how long the condition must hold, e.g. `15m`. */
  for?: string;
  /** Replaces the severity, and with it the receivers the alert routes to. */
  severity?: Severity;
  /** Added to (or replacing) the alert's labels; values may be templates. */
  labels?: Record<string, string>;
  /** Added to (or replacing) the alert's annotations; `runbook_url` and `dashboard_url` must be http(s) URLs. */
  annotations?: Record<string, string>;
  /** Replaces the whole expression; its generated unit tests are then dropped (there is no way to derive them). */
  expr?: string;
}

/** An alert the service adds by hand, rendered and validated like the generated ones. */
export interface CustomAlert {
  /** PromQL, checked as Prometheus 3.5 parses it. */
  expr: string;
  /** How long the condition must hold before the alert fires; default none (at once). */
  for?: string;
  /** Routes the alert to the team's receivers of this severity. */
  severity: Severity;
  /** The `summary` annotation: one line, may use `{{ $labels.x }}` and `{{ $value }}`. */
  summary: string;
  /** The `description` annotation. */
  description?: string;
  /** Extra labels, beside `service`, `team` and the service's `labels`; `severity` comes from `severity`. */
  labels?: Record<string, string>;
}

/**
 * When the CPU and memory alerts fire. Either absolute thresholds (`cpuCores`, `memoryBytes`), or the
 * container's limits as its workload declares them, with the alerts at a share of each limit.
 */
export interface ResourcesSpec {
  /** Cores; default 0.8 (without `limits.cpuCores`). */
  cpuCores?: number;
  /** Resident memory in bytes; default 512 MiB (without `limits.memoryBytes`). */
  memoryBytes?: number;
  /** The container's limits: the alerts then fire at a share of them. */
  limits?: {
    /** The container's CPU limit, in cores. */
    cpuCores?: number;
    /** The container's memory limit, in bytes. */
    memoryBytes?: number;
  };
  /** Share of `limits.cpuCores` above which HighCpuUsage fires; default 0.8. */
  cpuLimitShare?: number;
  /** Share of `limits.memoryBytes` above which HighMemoryUsage fires; default 0.9. */
  memoryLimitShare?: number;
}

/** Everything a team writes to have a service monitored. */
export interface ServiceSpec<M extends MetricCatalog = MetricCatalog> {
  /** Lower-case name: becomes the scrape job, the `service` label and part of dashboard uids. */
  name: string;
  /** Owner team: alerts route to this team's receivers by severity. */
  team: string;
  /** Free text, shown as the service dashboard's description. */
  description?: string;
  /** How Prometheus scrapes the service. */
  scrape: ScrapeSpec;
  /** The metrics the service exports, with their types and label names. */
  metrics: M;
  /** RED signals: the recording rules, HighErrorRate, HighLatency and the availability SLI read them. */
  red?: RedSpec<M>;
  /** Resource alerts from the process_* metrics of the Prometheus client libraries. */
  resources?: ResourcesSpec;
  /** p99 latency above this many seconds alerts; default 0.5. */
  latencyThresholdSeconds?: number;
  /** Error ratio above this share of requests alerts; default 0.05. */
  errorRatioThreshold?: number;
  /**
   * HighErrorRate stays silent while the service serves fewer requests per second than this (over the
   * same 5 minutes): one failed request out of three is not an incident. Default 0.1 (30 requests in
   * 5 minutes).
   */
  errorRatioMinRequestsPerSecond?: number;
  /**
   * TargetDown pages (critical) once this share of the service's instances is down, all of them
   * included; fewer down instances only warn. A share from 0 (exclusive) to 1; default 0.5.
   */
  targetDownPageShare?: number;
  /** Service level objectives, each with recording rules, burn-rate alerts and a dashboard. */
  slos?: SloSpec[];
  /** Changes to the generated alerts, and alerts of your own. */
  alerts?: {
    /** By key: `TargetDown`, `HighErrorRate`, `HighLatency`, …, `SloBurn:<slo>:page` (GeneratedAlertKey). */
    overrides?: Partial<Record<GeneratedAlertKey, AlertOverride>>;
    /** By alert name (the `alertname` label, e.g. `QueueBacklog`). */
    custom?: Record<string, CustomAlert>;
  };
  /** Extra labels on every alert of the service. */
  labels?: Record<string, string>;
}

/** A service definition as checked and held by the stack; created by defineService. */
export interface ServiceDefinition extends ServiceSpec {
  readonly kind: 'promstack.service';
}
