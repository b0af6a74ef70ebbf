import type { RecordingRuleInput } from '../components/model/rules';
import { durationText, fixed2, humanizePercentage } from './humanize';
import { SERVICE_ALERTS } from './alert-names';
import { requestLabels, targetLabels, type ServiceContext } from './context';
import { minutes, type GeneratedAlert, type RuleSet } from './types';

/** Recording rule names shared by the RED alerts and the service dashboard. */
export const RED_RECORDS = {
  requests: 'service:requests:rate5m',
  errors: 'service:errors:rate5m',
  errorRatio: 'service:error_ratio:rate5m',
  latencyP99: 'service:latency_seconds:p99_rate5m',
  latencyP50: 'service:latency_seconds:p50_rate5m',
} as const;

const DEFAULT_ERROR_RATIO = 0.05;
const DEFAULT_MIN_REQUESTS_PER_SECOND = 0.1;
const DEFAULT_LATENCY_SECONDS = 0.5;

/** Error ratio and latency of one service. */
export function redRules(ctx: ServiceContext): RuleSet {
  const alerts: GeneratedAlert[] = [];
  const recording: RecordingRuleInput[] = [];
  const { red } = ctx.service;
  if (red) {
    const sel = `job="${ctx.job}"`;
    const errSel = `${sel},${red.errors.label}=~"${red.errors.regex}"`;
    recording.push(
      { record: RED_RECORDS.requests, expr: `sum by (service) (rate(${red.requests}{${sel}}[5m]))` },
      { record: RED_RECORDS.errors, expr: `sum by (service) (rate(${red.requests}{${errSel}}[5m]))` },
      {
        record: RED_RECORDS.errorRatio,
        expr: `${RED_RECORDS.errors}{service="${ctx.service.name}"}\n  /\n${RED_RECORDS.requests}{service="${ctx.service.name}"}`,
      },
    );
    alerts.push(highErrorRate(ctx));
    if (red.latency) {
      for (const [record, q] of [
        [RED_RECORDS.latencyP99, 0.99],
        [RED_RECORDS.latencyP50, 0.5],
      ] as const) {
        recording.push({
          record,
          expr: `histogram_quantile(${q}, sum by (service, le) (rate(${red.latency}_bucket{${sel}}[5m])))`,
        });
      }
      alerts.push(highLatency(ctx));
    }
  }
  return { recording, alerts };
}

function highErrorRate(ctx: ServiceContext): GeneratedAlert {
  const red = ctx.service.red!;
  const threshold = ctx.service.errorRatioThreshold ?? DEFAULT_ERROR_RATIO;
  const minRate = ctx.service.errorRatioMinRequestsPerSecond ?? DEFAULT_MIN_REQUESTS_PER_SECOND;
  const forMinutes = 5;
  const of = `{service="${ctx.service.name}"}`;
  // A ratio of a handful of requests is noise: one failure of three is 33%. The guard keeps it quiet.
  // The comparison with the threshold comes last, where readers of the rule (the drill) look for it.
  const exprFor = (t: number) =>
    `(\n  ${RED_RECORDS.errorRatio}${of}\nand\n  ${RED_RECORDS.requests}${of} >= ${minRate}\n) > ${t}`;
  const description = (t: number, forDuration: string) =>
    `More than ${humanizePercentage(t)} of ${ctx.service.name} requests failed (${red.errors.label}=~"${red.errors.regex}") over the last 5 minutes, at ${minRate} requests per second or more, for ${durationText(forDuration)}.`;
  // The failing and succeeding request counters, named once for the three scenarios.
  let counters: { failing: string; succeeding: string } | undefined;
  /** `perSecond` requests a second; the share of errors decides whether the alert fires. */
  const series = (ratio: number, perSecond: number) => {
    const perMinute = 60 * perSecond;
    const errorsPerMinute = Math.round(perMinute * ratio * 1000) / 1000;
    const length = forMinutes + 12;
    counters ??= {
      failing: `${red.requests}{${requestLabels(ctx, true)}}`,
      succeeding: `${red.requests}{${requestLabels(ctx, false)}}`,
    };
    return [
      { series: counters.failing, values: `0+${errorsPerMinute}x${length}` },
      {
        series: counters.succeeding,
        values: `0+${Math.round((perMinute - errorsPerMinute) * 1000) / 1000}x${length}`,
      },
    ];
  };
  // Ten times the guard, and at least a request a second: traffic the guard lets through.
  const normal = Math.max(1, minRate * 10);
  const firingRatio = (t: number) => Math.min(1, t * 2);
  const evalTime = minutes(forMinutes + 10);
  return {
    key: SERVICE_ALERTS.highErrorRate,
    threshold,
    rule: (t, forDuration = minutes(forMinutes)) => ({
      alert: SERVICE_ALERTS.highErrorRate,
      expr: exprFor(t),
      for: forDuration,
      labels: ctx.severityLabels.critical,
      annotations: {
        summary: `${ctx.service.name} answers {{ $value | humanizePercentage }} of requests with errors`,
        description: description(t, forDuration),
      },
    }),
    tests: (t, forDuration = minutes(forMinutes)) => ({
      fires: {
        series: series(firingRatio(t), normal),
        evalTime,
        outputLabels: { service: ctx.service.name },
        annotations: {
          summary: `${ctx.service.name} answers ${humanizePercentage(firingRatio(t))} of requests with errors`,
          description: description(t, forDuration),
        },
      },
      silent: { series: series(t / 2, normal), evalTime },
      // Every request failing, at half the guard's rate.
      cases: [{ name: 'stays silent at low traffic', series: series(1, minRate / 2), evalTime }],
    }),
  };
}

function highLatency(ctx: ServiceContext): GeneratedAlert {
  const latency = ctx.service.red!.latency!;
  const threshold = ctx.service.latencyThresholdSeconds ?? DEFAULT_LATENCY_SECONDS;
  const forMinutes = 10;
  const exprFor = (t: number) => `${RED_RECORDS.latencyP99}{service="${ctx.service.name}"} > ${t}`;
  // Three buckets around the threshold: every request lands above it (fires) or well below it (silent).
  const buckets = (t: number) => [t / 2, t * 2];
  /** The buckets' series for threshold `t`, named once for both scenarios: requests fast, or slow. */
  const series = (t: number) => {
    const [low, high] = buckets(t);
    const length = forMinutes + 12;
    const perMinute = 60;
    const bucket = (le: string) => `${latency}_bucket{${targetLabels(ctx, { le })}}`;
    const lowName = bucket(String(low));
    const all = `0+${perMinute}x${length}`;
    // The upper buckets count every request either way.
    const upper = [
      { series: bucket(String(high)), values: all },
      { series: bucket('+Inf'), values: all },
    ];
    return (slow: boolean) => [{ series: lowName, values: slow ? `0+0x${length}` : all }, ...upper];
  };
  // histogram_quantile interpolates linearly inside the bucket that holds the 99th percentile.
  const firingValue = (t: number) => t / 2 + (t * 2 - t / 2) * 0.99;
  return {
    key: SERVICE_ALERTS.highLatency,
    threshold,
    rule: (t, forDuration = minutes(forMinutes)) => ({
      alert: SERVICE_ALERTS.highLatency,
      expr: exprFor(t),
      for: forDuration,
      labels: ctx.severityLabels.warning,
      annotations: {
        summary: `${ctx.service.name} p99 latency is {{ printf "%.2f" $value }}s`,
        description: `The 99th percentile of ${ctx.service.name} request duration has been above ${t}s for ${durationText(forDuration)}.`,
      },
    }),
    tests: (t, forDuration = minutes(forMinutes)) => {
      const requests = series(t);
      return {
        fires: {
          series: requests(true),
          evalTime: minutes(forMinutes + 10),
          outputLabels: { service: ctx.service.name },
          annotations: {
            summary: `${ctx.service.name} p99 latency is ${fixed2(firingValue(t))}s`,
            description: `The 99th percentile of ${ctx.service.name} request duration has been above ${t}s for ${durationText(forDuration)}.`,
          },
        },
        silent: { series: requests(false), evalTime: minutes(forMinutes + 10) },
      };
    },
  };
}
