import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';

// Names as literal constants so rules, dashboards and the service definition refer to them with types and a
// rename breaks the build instead of an alert.
export const HTTP_REQUESTS_TOTAL = 'http_requests_total';
export const HTTP_REQUESTS_IN_FLIGHT = 'http_requests_in_flight';
export const APP_QUEUE_DEPTH = 'app_queue_depth';
export const HTTP_REQUEST_DURATION_SECONDS = 'http_request_duration_seconds';
export const HTTP_RESPONSE_SIZE_BYTES = 'http_response_size_bytes';
/** From collectDefaultMetrics; the cpuBurnMs fault makes it rise. */
export const PROCESS_CPU_SECONDS_TOTAL = 'process_cpu_seconds_total';

export const REQUEST_LABELS = ['method', 'route', 'status'] as const;
export const DURATION_LABELS = ['method', 'route'] as const;
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
export const SIZE_QUANTILES = [0.5, 0.9, 0.99] as const;
/** Quantiles cover the last 10 minutes, rotated in 5 steps, so a burst leaves them instead of staying forever. */
export const SIZE_MAX_AGE_SECONDS = 600;
export const SIZE_AGE_BUCKETS = 5;

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** What the backend exposes, by name: type and label names, for code that builds queries over them. */
export const BACKEND_METRICS = {
  [HTTP_REQUESTS_TOTAL]: { type: 'counter', labels: REQUEST_LABELS },
  [HTTP_REQUESTS_IN_FLIGHT]: { type: 'gauge', labels: [] },
  [APP_QUEUE_DEPTH]: { type: 'gauge', labels: [] },
  [HTTP_REQUEST_DURATION_SECONDS]: { type: 'histogram', labels: DURATION_LABELS, buckets: DURATION_BUCKETS },
  [HTTP_RESPONSE_SIZE_BYTES]: { type: 'summary', labels: [] },
} as const satisfies Record<
  string,
  { type: MetricType; labels: readonly string[]; buckets?: readonly number[] }
>;

export type BackendMetricName = keyof typeof BACKEND_METRICS;

export interface BackendMetrics {
  requests: Counter<(typeof REQUEST_LABELS)[number]>;
  inFlight: Gauge;
  queueDepth: Gauge;
  duration: Histogram<(typeof DURATION_LABELS)[number]>;
  responseSize: Summary;
}

export interface MetricsOptions {
  /** process_* and nodejs_* metrics; on by default. */
  defaultMetrics?: boolean;
  /** Sampled on every scrape, so the gauge is never stale. */
  queueDepth?: () => number;
}

/** Registers the backend's metrics in `registry` (never the global one, so app instances stay apart). */
export function createMetrics(registry: Registry, options: MetricsOptions = {}): BackendMetrics {
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const sampleQueue = options.queueDepth;
  return {
    requests: new Counter({
      name: HTTP_REQUESTS_TOTAL,
      help: 'HTTP requests answered, by method, route template and status code (499: client went away).',
      labelNames: REQUEST_LABELS,
      registers,
    }),
    inFlight: new Gauge({
      name: HTTP_REQUESTS_IN_FLIGHT,
      help: 'HTTP requests being served right now.',
      registers,
    }),
    queueDepth: new Gauge({
      name: APP_QUEUE_DEPTH,
      help: 'Orders waiting to be processed.',
      registers,
      collect() {
        if (sampleQueue) this.set(sampleQueue());
      },
    }),
    duration: new Histogram({
      name: HTTP_REQUEST_DURATION_SECONDS,
      help: 'Time from receiving a request to the end of its response, by method and route template.',
      labelNames: DURATION_LABELS,
      buckets: [...DURATION_BUCKETS],
      registers,
    }),
    responseSize: new Summary({
      name: HTTP_RESPONSE_SIZE_BYTES,
      help: 'Size of response bodies in bytes.',
      percentiles: [...SIZE_QUANTILES],
      maxAgeSeconds: SIZE_MAX_AGE_SECONDS,
      ageBuckets: SIZE_AGE_BUCKETS,
      registers,
    }),
  };
}
