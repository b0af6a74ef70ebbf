/**
 * PromQL's functions and aggregations as Prometheus 3.5 defines them (promql/parser/functions.go and
 * lex.go at v3.5.3): argument types, how many optional arguments follow, and which are experimental.
 * The stack runs Prometheus without `--enable-feature=promql-experimental-functions`, so an
 * experimental function is refused as Prometheus refuses it. Pinned with the deployed version
 * (versions.ts); the promtool agreement test says when it drifts.
 */

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string' | 'none';

export interface PromqlFunction {
  args: readonly ValueType[];
  returns: ValueType;
  /** 0: exactly `args`; n > 0: the last argument is optional up to n times; -1: repeats without limit. */
  variadic: number;
  experimental?: boolean;
}

const vectorToVector: PromqlFunction = { args: ['vector'], returns: 'vector', variadic: 0 };
const overTime: PromqlFunction = { args: ['matrix'], returns: 'vector', variadic: 0 };
const dateFunction: PromqlFunction = { args: ['vector'], returns: 'vector', variadic: 1 };
const experimental = (fn: PromqlFunction): PromqlFunction => ({ ...fn, experimental: true });

const VECTOR_FUNCTIONS = [
  'abs', 'absent', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'cos', 'cosh', 'deg',
  'exp', 'floor', 'histogram_avg', 'histogram_count', 'histogram_stddev', 'histogram_stdvar',
  'histogram_sum', 'ln', 'log10', 'log2', 'rad', 'sgn', 'sin', 'sinh', 'sort', 'sort_desc', 'sqrt',
  'tan', 'tanh', 'timestamp',
] as const; // prettier-ignore
const OVER_TIME_FUNCTIONS = [
  'absent_over_time', 'avg_over_time', 'changes', 'count_over_time', 'delta', 'deriv', 'idelta',
  'increase', 'irate', 'last_over_time', 'max_over_time', 'min_over_time', 'present_over_time', 'rate',
  'resets', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time',
] as const; // prettier-ignore
const DATE_FUNCTIONS = [
  'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year',
] as const; // prettier-ignore

export const PROMQL_FUNCTIONS: ReadonlyMap<string, PromqlFunction> = new Map<string, PromqlFunction>([
  ...VECTOR_FUNCTIONS.map((name) => [name, vectorToVector] as const),
  ...OVER_TIME_FUNCTIONS.map((name) => [name, overTime] as const),
  ...DATE_FUNCTIONS.map((name) => [name, dateFunction] as const),
  ['clamp', { args: ['vector', 'scalar', 'scalar'], returns: 'vector', variadic: 0 }],
  ['clamp_max', { args: ['vector', 'scalar'], returns: 'vector', variadic: 0 }],
  ['clamp_min', { args: ['vector', 'scalar'], returns: 'vector', variadic: 0 }],
  ['histogram_fraction', { args: ['scalar', 'scalar', 'vector'], returns: 'vector', variadic: 0 }],
  ['histogram_quantile', { args: ['scalar', 'vector'], returns: 'vector', variadic: 0 }],
  ['label_join', { args: ['vector', 'string', 'string', 'string'], returns: 'vector', variadic: -1 }],
  [
    'label_replace',
    { args: ['vector', 'string', 'string', 'string', 'string'], returns: 'vector', variadic: 0 },
  ],
  ['pi', { args: [], returns: 'scalar', variadic: 0 }],
  ['predict_linear', { args: ['matrix', 'scalar'], returns: 'vector', variadic: 0 }],
  ['quantile_over_time', { args: ['scalar', 'matrix'], returns: 'vector', variadic: 0 }],
  ['round', { args: ['vector', 'scalar'], returns: 'vector', variadic: 1 }],
  ['scalar', { args: ['vector'], returns: 'scalar', variadic: 0 }],
  ['time', { args: [], returns: 'scalar', variadic: 0 }],
  ['vector', { args: ['scalar'], returns: 'vector', variadic: 0 }],
  [
    'double_exponential_smoothing',
    experimental({ args: ['matrix', 'scalar', 'scalar'], returns: 'vector', variadic: 0 }),
  ],
  ['info', experimental({ args: ['vector', 'vector'], returns: 'vector', variadic: 1 })],
  ['mad_over_time', experimental(overTime)],
  ['ts_of_last_over_time', experimental(overTime)],
  ['ts_of_max_over_time', experimental(overTime)],
  ['ts_of_min_over_time', experimental(overTime)],
  ['sort_by_label', experimental({ args: ['vector', 'string'], returns: 'vector', variadic: -1 })],
  ['sort_by_label_desc', experimental({ args: ['vector', 'string'], returns: 'vector', variadic: -1 })],
]);

export interface PromqlAggregation {
  /** The type of the parameter before the vector (`topk(5, …)`), when the aggregation takes one. */
  param?: ValueType;
  experimental?: boolean;
}

export const PROMQL_AGGREGATIONS: ReadonlyMap<string, PromqlAggregation> = new Map<string, PromqlAggregation>(
  [
    ...['avg', 'count', 'group', 'max', 'min', 'stddev', 'stdvar', 'sum'].map((name) => [name, {}] as const),
    ['bottomk', { param: 'scalar' }],
    ['topk', { param: 'scalar' }],
    ['quantile', { param: 'scalar' }],
    ['count_values', { param: 'string' }],
    ['limitk', { param: 'scalar', experimental: true }],
    ['limit_ratio', { param: 'scalar', experimental: true }],
  ],
);

/** How Prometheus's messages name the types: `range vector`, not `matrix`. */
export function documentedType(type: ValueType): string {
  return type === 'vector' ? 'instant vector' : type === 'matrix' ? 'range vector' : type;
}
