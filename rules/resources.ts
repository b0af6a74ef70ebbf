import type { ResourcesSpec } from '../components/service';
import { SERVICE_ALERTS } from './alert-names';
import { durationText, fixed2, humanize1024, humanizePercentage } from './humanize';
import { INSTANCE, targetLabels, type ServiceContext } from './context';
import { minutes, type GeneratedAlert, type RuleSet } from './types';

/** Recording rule names shared by the resource alerts and the service dashboard. */
export const RESOURCE_RECORDS = {
  cpu: 'service_instance:cpu_usage_cores:rate5m',
  memory: 'service_instance:memory_resident_bytes',
} as const;

const DEFAULT_CPU_CORES = 0.8;
const DEFAULT_MEMORY_BYTES = 512 * 1024 * 1024;
/** Shares of a declared container limit: memory is fatal at the limit (OOM kill), CPU only throttles. */
const DEFAULT_CPU_LIMIT_SHARE = 0.8;
const DEFAULT_MEMORY_LIMIT_SHARE = 0.9;

/** What a resource alert compares against: a declared limit's share, else the absolute threshold. */
interface ResourceThreshold {
  threshold: number;
  /** The container's limit, when declared: the text then says what share of it the threshold is. */
  limit?: number;
}

/** The CPU and memory thresholds of a service, derived from its limits where it declares them. */
export function resourceThresholds(resources: ResourcesSpec = {}): {
  cpu: ResourceThreshold;
  memory: ResourceThreshold;
} {
  const cpuLimit = resources.limits?.cpuCores;
  const memoryLimit = resources.limits?.memoryBytes;
  return {
    cpu:
      cpuLimit === undefined
        ? { threshold: resources.cpuCores ?? DEFAULT_CPU_CORES }
        : { threshold: cpuLimit * (resources.cpuLimitShare ?? DEFAULT_CPU_LIMIT_SHARE), limit: cpuLimit },
    memory:
      memoryLimit === undefined
        ? { threshold: resources.memoryBytes ?? DEFAULT_MEMORY_BYTES }
        : {
            // Bytes are whole: the rule compares against an integer.
            threshold: Math.round(memoryLimit * (resources.memoryLimitShare ?? DEFAULT_MEMORY_LIMIT_SHARE)),
            limit: memoryLimit,
          },
  };
}

/** ` (80% of the 1 core limit)` after a threshold `t` of a declared limit; nothing without one. */
function ofLimit(t: number, limit: number | undefined, limitText: (limit: number) => string): string {
  return limit === undefined ? '' : ` (${humanizePercentage(t / limit)} of the ${limitText(limit)} limit)`;
}
const FOR_MINUTES = 15;
/** Test series run this long: past the evaluation at FOR_MINUTES + 10 and the 5m rate window. */
const SAMPLE_MINUTES = FOR_MINUTES + 12;

/** CPU and memory of each instance, from the process_* metrics every Prometheus client library exports. */
export function resourceRules(ctx: ServiceContext): RuleSet {
  const sel = `job="${ctx.job}"`;
  const by = 'max by (service, instance)';
  return {
    recording: [
      { record: RESOURCE_RECORDS.cpu, expr: `${by} (rate(process_cpu_seconds_total{${sel}}[5m]))` },
      { record: RESOURCE_RECORDS.memory, expr: `${by} (process_resident_memory_bytes{${sel}})` },
    ],
    alerts: [highCpu(ctx), highMemory(ctx)],
  };
}

const outputLabels = (ctx: ServiceContext) => ({ instance: INSTANCE(ctx), service: ctx.service.name });

/** What sets one per-instance resource alert apart from the other; the shape is shared. */
interface ResourceAlertSpec {
  key: string;
  threshold: number;
  record: string;
  /** The raw metric the recording reads, and its samples (one a minute) for a constant `value`. */
  metric: string;
  samples: (value: number) => string;
  /** A value well over the threshold `t`, for the test that fires. */
  over: (t: number) => number;
  /** The summary as a template over `$value`, and as it reads rendered for a value. */
  summary: { template: string; rendered: (value: number) => string };
  /** The description for threshold `t`, with `{instance}` where the instance goes. */
  description: (t: number) => string;
}

function resourceAlert(ctx: ServiceContext, spec: ResourceAlertSpec): GeneratedAlert {
  const series = (value: number) => [
    { series: `${spec.metric}{${targetLabels(ctx)}}`, values: spec.samples(value) },
  ];
  const text = (instance: string, summary: string, t: number, forDuration: string) => ({
    summary: `${instance} of ${ctx.service.name} uses ${summary}`,
    description: `${spec.description(t).replace('{instance}', instance)} for ${durationText(forDuration)}.`,
  });
  const evalTime = minutes(FOR_MINUTES + 10);
  return {
    key: spec.key,
    threshold: spec.threshold,
    rule: (t, forDuration = minutes(FOR_MINUTES)) => ({
      alert: spec.key,
      expr: `${spec.record}{service="${ctx.service.name}"} > ${t}`,
      for: forDuration,
      labels: ctx.severityLabels.warning,
      annotations: text('{{ $labels.instance }}', spec.summary.template, t, forDuration),
    }),
    tests: (t, forDuration = minutes(FOR_MINUTES)) => ({
      fires: {
        series: series(spec.over(t)),
        evalTime,
        outputLabels: outputLabels(ctx),
        annotations: text(INSTANCE(ctx), spec.summary.rendered(spec.over(t)), t, forDuration),
      },
      silent: { series: series(t / 2), evalTime },
    }),
  };
}

function highCpu(ctx: ServiceContext): GeneratedAlert {
  const { threshold, limit } = resourceThresholds(ctx.service.resources).cpu;
  return resourceAlert(ctx, {
    key: SERVICE_ALERTS.highCpu,
    threshold,
    record: RESOURCE_RECORDS.cpu,
    metric: 'process_cpu_seconds_total',
    // Seconds of CPU per one-minute step: `cores` cores busy for 60 s.
    samples: (cores) => `0+${Math.round(cores * 60 * 1000) / 1000}x${SAMPLE_MINUTES}`,
    over: (t) => t * 1.5,
    summary: {
      template: '{{ printf "%.2f" $value }} CPU cores',
      rendered: (cores) => `${fixed2(cores)} CPU cores`,
    },
    description: (t) =>
      `CPU usage of {instance} has been above ${t} cores` +
      ofLimit(t, limit, (cores) => `${cores} core${cores === 1 ? '' : 's'}`),
  });
}

function highMemory(ctx: ServiceContext): GeneratedAlert {
  const { threshold, limit } = resourceThresholds(ctx.service.resources).memory;
  return resourceAlert(ctx, {
    key: SERVICE_ALERTS.highMemory,
    threshold,
    record: RESOURCE_RECORDS.memory,
    metric: 'process_resident_memory_bytes',
    samples: (bytes) => `${Math.round(bytes)}x${SAMPLE_MINUTES}`,
    over: (t) => Math.round(t * 1.5),
    summary: {
      template: '{{ $value | humanize1024 }}B of memory',
      rendered: (bytes) => `${humanize1024(bytes)}B of memory`,
    },
    description: (t) =>
      `Resident memory of {instance} has been above ${humanize1024(t)}B` +
      ofLimit(t, limit, (bytes) => `${humanize1024(bytes)}B`),
  });
}
