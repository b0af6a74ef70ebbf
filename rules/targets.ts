import type { ServiceDefinition } from '../components/service';
import { durationText, humanizePercentage } from './humanize';
import { SERVICE_ALERTS, TARGET_DOWN_SHARE_KEY } from './alert-names';
import { type ServiceContext } from './context';
import { minutes, type AlertScenario, type GeneratedAlert, type InputSeries } from './types';

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
  const up = instances(ctx);
  return [targetDown(ctx, up), targetDownShare(ctx, up), targetsMissing(ctx, up)];
}

/**
 * The numbered instances the three alerts' tests run, each written once per service however many
 * scenarios and companion alerts name it: its `up` series up and down, and the labels it fires with.
 */
interface Instances {
  /** `up` of `count` instances, the first `down` of them failing their scrapes, for `steps` minutes. */
  series(count: number, down: number, steps: number): InputSeries[];
  /** The labels the n-th instance (from 1) fires TargetDown with. */
  labels(n: number): { instance: string; job: string; service: string };
}

function instances(ctx: ServiceContext): Instances {
  const names: { up: string; labels: ReturnType<Instances['labels']> }[] = [];
  const named = (n: number) => {
    for (let i = names.length + 1; i <= n; i++) {
      const instance = `${ctx.job}-${i}:8080`;
      names.push({
        up: `up{instance="${instance}",job="${ctx.job}",service="${ctx.service.name}"}`,
        labels: { instance, job: ctx.job, service: ctx.service.name },
      });
    }
    return names[n - 1];
  };
  // Each instance's series by their values (up or down, so many minutes): the scenarios share them.
  const byValues = new Map<string, InputSeries[]>();
  const one = (n: number, values: string) => {
    let list = byValues.get(values);
    if (!list) {
      list = [];
      byValues.set(values, list);
    }
    return (list[n] ??= { series: named(n).up, values });
  };
  return {
    series: (count, down, steps) => {
      const upValues = `1x${steps}`;
      const downValues = `0x${steps}`;
      const series: InputSeries[] = [];
      for (let i = 1; i <= count; i++) series.push(one(i, i <= down ? downValues : upValues));
      return series;
    },
    labels: (n) => named(n).labels,
  };
}

/** As many instances as it takes for one of them down to stay below the page share. */
const instancesFor = (share: number) => Math.max(TEST_INSTANCES, Math.floor(1 / share) + 1);

/** `forText` is the `for` in words (durationText). */
const downText = (ctx: ServiceContext, instance: string, job: string, forText: string) => ({
  summary: `${instance} of ${ctx.service.name} is down`,
  description: `Prometheus has failed to scrape ${instance} (job ${job}) for ${forText}.`,
});

function targetDown(ctx: ServiceContext, up: Instances): GeneratedAlert {
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
      labels: ctx.severityLabels.warning,
      annotations: downText(ctx, '{{ $labels.instance }}', '{{ $labels.job }}', durationText(forDuration)),
    }),
    tests: (_t, forDuration = minutes(FOR_MINUTES)) => {
      const count = instancesFor(targetDownPageShare(ctx.service));
      const first = up.labels(1);
      return {
        // One of `count` down: this warning alone, the share alert (same name) stays silent.
        fires: {
          series: up.series(count, 1, steps),
          evalTime,
          outputLabels: first,
          annotations: downText(ctx, first.instance, ctx.job, durationText(forDuration)),
        },
        silent: { series: up.series(count, 0, steps), evalTime },
        sameName: [TARGET_DOWN_SHARE_KEY],
      };
    },
  };
}

function targetDownShare(ctx: ServiceContext, up: Instances): GeneratedAlert {
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
      labels: ctx.severityLabels.critical,
      annotations: {
        summary: `{{ $value | humanizePercentage }} of the instances of ${ctx.service.name} are down`,
        description: description(t, forDuration),
      },
    }),
    tests: (t, forDuration = minutes(FOR_MINUTES)) => {
      const count = instancesFor(t);
      const down = Math.min(count, Math.ceil(t * count));
      // The instances down also set off their warnings, which share the name: promtool expects them too.
      // Those of the first scenario are the first of the second's, the same objects.
      const warningFor = durationText(minutes(FOR_MINUTES));
      const warnings: NonNullable<AlertScenario['alsoFiring']> = [];
      for (let n = 1; n <= count; n++) {
        const outputLabels = up.labels(n);
        warnings.push({
          key: SERVICE_ALERTS.targetDown,
          outputLabels,
          annotations: downText(ctx, outputLabels.instance, ctx.job, warningFor),
        });
      }
      const descriptionText = description(t, forDuration);
      const firing = (n: number) => ({
        outputLabels: { job: ctx.job },
        annotations: {
          summary: `${humanizePercentage(n / count)} of the instances of ${ctx.service.name} are down`,
          description: descriptionText,
        },
      });
      return {
        fires: {
          series: up.series(count, down, steps),
          evalTime,
          ...firing(down),
          alsoFiring: warnings.slice(0, down),
        },
        silent: { series: up.series(count, 0, steps), evalTime },
        cases: [
          {
            name: 'fires with every instance down',
            series: up.series(count, count, steps),
            evalTime,
            fires: { ...firing(count), alsoFiring: warnings },
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

function targetsMissing(ctx: ServiceContext, up: Instances): GeneratedAlert {
  const evalTime = minutes(MISSING_FOR_MINUTES + 1);
  const steps = MISSING_FOR_MINUTES + 5;
  const sources = targetSources(ctx.service);
  const text = (forDuration: string) => ({
    summary: `Prometheus has no scrape target for ${ctx.service.name}`,
    description:
      `No target of job ${ctx.job} has been scraped for ${durationText(forDuration)}, so no other alert of ` +
      `${ctx.service.name} can fire. Check that its targets exist: ${sources}; and that ` +
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
      labels: ctx.severityLabels.critical,
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
      silent: { series: up.series(1, 0, steps), evalTime },
      // Targets that fail their scrapes still exist: TargetDown's business, not this alert's.
      cases: [{ name: 'stays silent with its targets down', series: up.series(2, 2, steps), evalTime }],
    }),
  };
}
