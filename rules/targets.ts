import type { ServiceDefinition } from '../components/service';
import { durationText, humanizePercentage } from './humanize';
import { SERVICE_ALERTS, TARGET_DOWN_SHARE_KEY } from './alert-names';
import type { ServiceContext } from './context';
import { minutes, type GeneratedAlert, type InputSeries } from './types';

const DEFAULT_PAGE_SHARE = 0.5;
const FOR_MINUTES = 2;
/** Long enough for a misconfigured selector to be a fact, not a rollout that replaces every pod at once. */
const MISSING_FOR_MINUTES = 10;
/** The instances the tests run: enough that one of them down stays below any page share but tiny ones. */
const TEST_INSTANCES = 20;

/** The share of down instances that pages, as the service and an override of the share alert set it. */
export function targetDownPageShare(service: ServiceDefinition): number {
  const override = service.alerts?.overrides?.[TARGET_DOWN_SHARE_KEY]?.threshold;
  return override ?? service.targetDownPageShare ?? DEFAULT_PAGE_SHARE;
}

/** Scrape health of one service: an instance down warns, a share of them down pages, none at all alerts. */
export function targetAlerts(ctx: ServiceContext): GeneratedAlert[] {
  return [targetDown(ctx), targetDownShare(ctx), targetsMissing(ctx)];
}

const instanceOf = (ctx: ServiceContext, i: number) => `${ctx.job}-${i}:8080`;

/** `up` of `count` instances of the service, the first `down` of them failing their scrapes. */
function upSeries(ctx: ServiceContext, count: number, down: number, steps: number): InputSeries[] {
  return Array.from({ length: count }, (_, i) => ({
    series: `up{instance="${instanceOf(ctx, i + 1)}",job="${ctx.job}",service="${ctx.service.name}"}`,
    values: `${i < down ? 0 : 1}x${steps}`,
  }));
}

/** As many instances as it takes for one of them down to stay below the page share. */
const instancesFor = (share: number) => Math.max(TEST_INSTANCES, Math.floor(1 / share) + 1);

const downText = (ctx: ServiceContext, instance: string, job: string, forDuration: string) => ({
  summary: `${instance} of ${ctx.service.name} is down`,
  description: `Prometheus has failed to scrape ${instance} (job ${job}) for ${durationText(forDuration)}.`,
});

function targetDown(ctx: ServiceContext): GeneratedAlert {
  const evalTime = minutes(FOR_MINUTES + 1);
  const steps = FOR_MINUTES + 5;
  return {
    key: SERVICE_ALERTS.targetDown,
    threshold: 0,
    rule: (_t, forDuration = minutes(FOR_MINUTES)) => ({
      alert: SERVICE_ALERTS.targetDown,
      expr: `up{job="${ctx.job}"} == 0`,
      for: forDuration,
      // One instance of many is not a page: the share alert pages, and inhibits this one while it does.
      labels: { ...ctx.alertLabels, severity: 'warning' },
      annotations: downText(ctx, '{{ $labels.instance }}', '{{ $labels.job }}', forDuration),
    }),
    tests: (_t, forDuration = minutes(FOR_MINUTES)) => {
      const count = instancesFor(targetDownPageShare(ctx.service));
      return {
        // One of `count` down: this warning alone, the share alert (same name) stays silent.
        fires: {
          series: upSeries(ctx, count, 1, steps),
          evalTime,
          outputLabels: { instance: instanceOf(ctx, 1), job: ctx.job, service: ctx.service.name },
          annotations: downText(ctx, instanceOf(ctx, 1), ctx.job, forDuration),
        },
        silent: { series: upSeries(ctx, count, 0, steps), evalTime },
        sameName: [TARGET_DOWN_SHARE_KEY],
      };
    },
  };
}

function targetDownShare(ctx: ServiceContext): GeneratedAlert {
  const evalTime = minutes(FOR_MINUTES + 1);
  const steps = FOR_MINUTES + 5;
  const sel = `up{job="${ctx.job}"}`;
  const description = (t: number, forDuration: string) =>
    `Prometheus has failed to scrape ${humanizePercentage(t)} or more of the instances of ${ctx.service.name} ` +
    `for ${durationText(forDuration)}; fewer down instances only warn.`;
  return {
    key: TARGET_DOWN_SHARE_KEY,
    threshold: targetDownPageShare(ctx.service),
    rule: (t, forDuration = minutes(FOR_MINUTES)) => ({
      alert: SERVICE_ALERTS.targetDown,
      expr: `count by (job) (${sel} == 0)\n  /\ncount by (job) (${sel})\n  >= ${t}`,
      for: forDuration,
      labels: { ...ctx.alertLabels, severity: 'critical' },
      annotations: {
        summary: `{{ $value | humanizePercentage }} of the instances of ${ctx.service.name} are down`,
        description: description(t, forDuration),
      },
    }),
    tests: (t, forDuration = minutes(FOR_MINUTES)) => {
      const count = instancesFor(t);
      const down = Math.min(count, Math.ceil(t * count));
      // The instances down also set off their warnings, which share the name: promtool expects them too.
      const warnings = Array.from({ length: down }, (_, i) => ({
        key: SERVICE_ALERTS.targetDown,
        outputLabels: { instance: instanceOf(ctx, i + 1), job: ctx.job, service: ctx.service.name },
        annotations: downText(ctx, instanceOf(ctx, i + 1), ctx.job, minutes(FOR_MINUTES)),
      }));
      const firing = (n: number) => ({
        outputLabels: { job: ctx.job },
        annotations: {
          summary: `${humanizePercentage(n / count)} of the instances of ${ctx.service.name} are down`,
          description: description(t, forDuration),
        },
      });
      return {
        fires: { series: upSeries(ctx, count, down, steps), evalTime, ...firing(down), alsoFiring: warnings },
        silent: { series: upSeries(ctx, count, 0, steps), evalTime },
        cases: [
          {
            name: 'fires with every instance down',
            series: upSeries(ctx, count, count, steps),
            evalTime,
            fires: {
              ...firing(count),
              alsoFiring: Array.from({ length: count }, (_, i) => ({
                key: SERVICE_ALERTS.targetDown,
                outputLabels: { instance: instanceOf(ctx, i + 1), job: ctx.job, service: ctx.service.name },
                annotations: downText(ctx, instanceOf(ctx, i + 1), ctx.job, minutes(FOR_MINUTES)),
              })),
            },
          },
        ],
        sameName: [SERVICE_ALERTS.targetDown],
      };
    },
  };
}

/** Where the service's targets come from on each platform it declares, for the text of TargetsMissing. */
function targetSources(service: ServiceDefinition): string {
  const { docker, kubernetes, local } = service.scrape.targets;
  const sources: string[] = [];
  if (kubernetes) {
    const labels = Object.entries(kubernetes.podLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    sources.push(
      `on Kubernetes, running pods in namespace ${kubernetes.namespace} labelled ${labels} with port ${kubernetes.port} (scrape.targets.kubernetes)`,
    );
  }
  if (docker) sources.push(`on Docker, ${docker.join(', ')} (scrape.targets.docker)`);
  if (local) sources.push(`as local processes, ${local.join(', ')} (scrape.targets.local)`);
  return sources.join('; ');
}

function targetsMissing(ctx: ServiceContext): GeneratedAlert {
  const evalTime = minutes(MISSING_FOR_MINUTES + 1);
  const steps = MISSING_FOR_MINUTES + 5;
  const text = (forDuration: string) => ({
    summary: `Prometheus has no scrape target for ${ctx.service.name}`,
    description:
      `No target of job ${ctx.job} has been scraped for ${durationText(forDuration)}, so no other alert of ` +
      `${ctx.service.name} can fire. Check that its targets exist: ${targetSources(ctx.service)}; and that ` +
      `Prometheus lists the job under Status > Targets.`,
  });
  const other = `${ctx.job}-other`;
  return {
    key: SERVICE_ALERTS.targetsMissing,
    threshold: 0,
    rule: (_t, forDuration = minutes(MISSING_FOR_MINUTES)) => ({
      alert: SERVICE_ALERTS.targetsMissing,
      expr: `absent(up{job="${ctx.job}"})`,
      for: forDuration,
      labels: { ...ctx.alertLabels, severity: 'critical' },
      annotations: text(forDuration),
    }),
    tests: (_t, forDuration = minutes(MISSING_FOR_MINUTES)) => ({
      // Another job's targets only: this job has no `up` series at all.
      fires: {
        series: [
          { series: `up{instance="${other}:8080",job="${other}",service="${other}"}`, values: `1x${steps}` },
        ],
        evalTime,
        outputLabels: { job: ctx.job },
        annotations: text(forDuration),
      },
      silent: { series: upSeries(ctx, 1, 0, steps), evalTime },
      // Targets that fail their scrapes still exist: TargetDown's business, not this alert's.
      cases: [{ name: 'stays silent with its targets down', series: upSeries(ctx, 2, 2, steps), evalTime }],
    }),
  };
}
