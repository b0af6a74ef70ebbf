import { fixed2, humanize1024 } from './humanize';
import { INSTANCE, targetLabels, type ServiceContext } from './context';
import { minutes, type GeneratedAlert, type RuleSet } from './types';

/** Recording rule names shared by the resource alerts and the service dashboard. */
export const RESOURCE_RECORDS = {
  cpu: 'service_instance:cpu_usage_cores:rate5m',
  memory: 'service_instance:memory_resident_bytes',
} as const;

const DEFAULT_CPU_CORES = 0.8;
const DEFAULT_MEMORY_BYTES = 512 * 1024 * 1024;
const FOR_MINUTES = 15;

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

function highCpu(ctx: ServiceContext): GeneratedAlert {
  const length = FOR_MINUTES + 12;
  // Seconds of CPU per one-minute step: `cores` cores busy for 60 s.
  const series = (cores: number) => [
    {
      series: `process_cpu_seconds_total{${targetLabels(ctx)}}`,
      values: `0+${Math.round(cores * 60 * 1000) / 1000}x${length}`,
    },
  ];
  const firing = (t: number) => t * 1.5;
  return {
    key: 'HighCpuUsage',
    threshold: ctx.service.resources?.cpuCores ?? DEFAULT_CPU_CORES,
    rule: (t) => ({
      alert: 'HighCpuUsage',
      expr: `${RESOURCE_RECORDS.cpu}{service="${ctx.service.name}"} > ${t}`,
      for: minutes(FOR_MINUTES),
      labels: { ...ctx.alertLabels, severity: 'warning' },
      annotations: {
        summary: `{{ $labels.instance }} of ${ctx.service.name} uses {{ printf "%.2f" $value }} CPU cores`,
        description: `CPU usage of {{ $labels.instance }} has been above ${t} cores for ${FOR_MINUTES} minutes.`,
      },
    }),
    tests: (t) => ({
      fires: {
        series: series(firing(t)),
        evalTime: minutes(FOR_MINUTES + 10),
        outputLabels: outputLabels(ctx),
        annotations: {
          summary: `${INSTANCE(ctx)} of ${ctx.service.name} uses ${fixed2(firing(t))} CPU cores`,
          description: `CPU usage of ${INSTANCE(ctx)} has been above ${t} cores for ${FOR_MINUTES} minutes.`,
        },
      },
      silent: { series: series(t / 2), evalTime: minutes(FOR_MINUTES + 10) },
    }),
  };
}

function highMemory(ctx: ServiceContext): GeneratedAlert {
  const length = FOR_MINUTES + 12;
  const series = (bytes: number) => [
    {
      series: `process_resident_memory_bytes{${targetLabels(ctx)}}`,
      values: `${Math.round(bytes)}x${length}`,
    },
  ];
  const firing = (t: number) => Math.round(t * 1.5);
  return {
    key: 'HighMemoryUsage',
    threshold: ctx.service.resources?.memoryBytes ?? DEFAULT_MEMORY_BYTES,
    rule: (t) => ({
      alert: 'HighMemoryUsage',
      expr: `${RESOURCE_RECORDS.memory}{service="${ctx.service.name}"} > ${t}`,
      for: minutes(FOR_MINUTES),
      labels: { ...ctx.alertLabels, severity: 'warning' },
      annotations: {
        summary: `{{ $labels.instance }} of ${ctx.service.name} uses {{ $value | humanize1024 }}B of memory`,
        description: `Resident memory of {{ $labels.instance }} has been above ${humanize1024(t)}B for ${FOR_MINUTES} minutes.`,
      },
    }),
    tests: (t) => ({
      fires: {
        series: series(firing(t)),
        evalTime: minutes(FOR_MINUTES + 10),
        outputLabels: outputLabels(ctx),
        annotations: {
          summary: `${INSTANCE(ctx)} of ${ctx.service.name} uses ${humanize1024(firing(t))}B of memory`,
          description: `Resident memory of ${INSTANCE(ctx)} has been above ${humanize1024(t)}B for ${FOR_MINUTES} minutes.`,
        },
      },
      silent: { series: series(t / 2), evalTime: minutes(FOR_MINUTES + 10) },
    }),
  };
}
