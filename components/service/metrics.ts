/** The four Prometheus metric types a service can declare. */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** A metric a service exports: its type and the label names it carries (besides job and instance). */
export interface MetricSpec {
  /** The Prometheus metric type. */
  type: MetricType;
  /** Its label names, besides `job` and `instance`. */
  labels: readonly string[];
  /** The metric's HELP text. */
  help?: string;
  /**
   * A histogram's bucket boundaries in seconds (or its unit), as the client library declares them
   * (`+Inf` implied): what a latency SLO's threshold must be one of.
   */
  buckets?: readonly number[];
}

export type MetricCatalog = Readonly<Record<string, MetricSpec>>;

/** Names in catalog M whose type is T: what lets `red.requests` accept only counters, at compile time. */
export type MetricOfType<M extends MetricCatalog, T extends MetricType> = {
  [K in keyof M]: M[K]['type'] extends T ? K : never;
}[keyof M] &
  string;

/** Every label name declared by any metric of M of type T. */
export type LabelOfType<M extends MetricCatalog, T extends MetricType> = {
  [K in keyof M]: M[K]['type'] extends T ? M[K]['labels'][number] : never;
}[keyof M] &
  string;
