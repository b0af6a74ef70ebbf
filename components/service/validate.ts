import { hasUserInfo } from '../model/inline-credentials';
import { dns1123Label, labelKeyProblem, labelValueProblem, matchLabels } from '../model/kubernetes-names';
import { z } from 'zod';
import { duration, parseDuration } from '../model/duration';
import type { IssueCollector } from '../model/errors';
import { hostPort, port } from '../model/http';
import { LABEL_NAME, labelName, METRIC_NAME, metricName, userLabelName } from '../model/names';
import { promqlErrors, promqlTree } from '../model/promql';
import type { PromqlNode } from '../model/promql-ast';
import { keepsLabel } from '../model/promql-labels';
import { alertTemplateText } from '../model/rules/schema';
import { re2Problem } from '../model/re2';
import { credentialFile } from '../model/secrets';
import { zodIssues } from '../model/validate';
import { isPlainRecord, onlyKeys } from '../model/plain-data';
import { errorLabelValues } from './error-values';
import {
  DEFAULT_SLO_PERIOD,
  WINDOW_PLACEHOLDER,
  objectiveFloor,
  ruleNumber,
  sliKind,
  sloAlertName,
  sloBudgetExhaustedAlertName,
} from './slo-conventions';
import type { GeneratedAlertKey, ResourcesSpec, ServiceDefinition, SloSpec } from './spec';

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
const SLO_NAME = /^[a-z][a-z0-9-]*$/;
const TEAM_NAME = /^[a-z][a-z0-9-]*$/;
const severity = z.enum(['critical', 'warning', 'info']);
const labels = z.record(userLabelName, z.string());
/** Labels of an alert: values are templates, as in the rule file they end up in. */
const alertLabels = z.record(userLabelName, alertTemplateText);

const metricSpec = z
  .strictObject({
    type: z.enum(['counter', 'gauge', 'histogram', 'summary']),
    labels: z.array(labelName),
    help: z.string().optional(),
    buckets: z.array(z.number().finite()).min(1).optional(),
  })
  .superRefine((spec, ctx) => {
    if (!spec.buckets) return;
    if (spec.type !== 'histogram')
      ctx.addIssue({ code: 'custom', path: ['buckets'], message: 'only a histogram has buckets' });
    else if (spec.buckets.some((b, i) => i > 0 && b <= spec.buckets![i - 1]))
      ctx.addIssue({
        code: 'custom',
        path: ['buckets'],
        message: 'list the boundaries in ascending order, each once',
      });
  });

/**
 * A link annotation (`runbook_url`, `dashboard_url`) written as plain text must be an http(s) URL
 * without credentials: every notification shows it. Templated ones are checked as templates only.
 */
const LINK_ANNOTATIONS = ['runbook_url', 'dashboard_url'];
function linkProblem(value: string): string | undefined {
  if (value.includes('{{')) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'write an http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'write an http(s) URL';
  if (hasUserInfo(url)) {
    return 'remove the user name and password: the URL is shown in every notification';
  }
  return undefined;
}
const alertAnnotations = z.record(z.string(), alertTemplateText).superRefine((annotations, ctx) => {
  for (const name of LINK_ANNOTATIONS) {
    const problem = annotations[name] === undefined ? undefined : linkProblem(annotations[name]);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [name] });
  }
});

const override = z.strictObject({
  disabled: z.boolean().optional(),
  threshold: z.number().nonnegative().optional(),
  for: duration.optional(),
  severity: severity.optional(),
  labels: alertLabels.optional(),
  annotations: alertAnnotations.optional(),
  expr: z.string().optional(),
});

/** A share of a whole: above 0, at most 1 (a percentage written as a share). */
const share = z
  .number()
  .gt(0, { error: 'a share above 0 and at most 1, e.g. 0.5' })
  .max(1, {
    error: (issue) => `a share from 0 to 1: write ${Number(issue.input) / 100} for ${issue.input}%`,
  });

/**
 * A resource alert fires at an absolute threshold or at a share of the container's limit, not both;
 * a share needs the limit it is a share of.
 */
function checkResources(resources: ResourcesSpec, ctx: z.RefinementCtx): void {
  const kinds = [
    { absolute: 'cpuCores', share: 'cpuLimitShare', unit: 'cores' },
    { absolute: 'memoryBytes', share: 'memoryLimitShare', unit: 'bytes' },
  ] as const;
  for (const { absolute, share, unit } of kinds) {
    const limit = resources.limits?.[absolute];
    if (limit !== undefined && resources[absolute] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [absolute],
        message: `give either ${absolute} (the threshold in ${unit}) or limits.${absolute} with ${share}, not both`,
      });
    if (limit === undefined && resources[share] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [share],
        message: `${share} is a share of limits.${absolute}: set the container's limit there`,
      });
  }
}

/** Shape checks; references between fields are checked afterwards in checkReferences. */
export const serviceShape = z.strictObject({
  kind: z.literal('promstack.service', { error: 'create services with defineService()' }),
  name: z.string().regex(SERVICE_NAME, {
    error: 'use 2 to 40 lower-case letters, digits and dashes, starting with a letter',
  }),
  team: z.string().regex(TEAM_NAME, { error: 'use lower-case letters, digits and dashes' }),
  description: z.string().optional(),
  scrape: z.strictObject({
    targets: z.strictObject({
      docker: z.array(hostPort).min(1).optional(),
      kubernetes: z
        .strictObject({
          namespace: dns1123Label,
          // An empty selector matches every pod of the namespace: the job would scrape other services.
          podLabels: matchLabels.refine((labels) => Object.keys(labels).length > 0, {
            error:
              'give at least one pod label that selects this service’s pods only, e.g. { app: "checkout" }',
          }),
          port,
        })
        .optional(),
      local: z.array(hostPort).min(1).optional(),
    }),
    path: z.string().startsWith('/', { error: 'must start with /' }).optional(),
    interval: duration.optional(),
    timeout: duration.optional(),
    scheme: z.enum(['http', 'https']).optional(),
    sampleLimit: z.number().int().positive().optional(),
    bearerTokenFile: credentialFile.optional(),
  }),
  metrics: z.record(metricName, metricSpec).superRefine((metrics, ctx) => {
    for (const [name, spec] of Object.entries(metrics)) {
      const suffix = /_(bucket|count|sum)$/.exec(name)?.[1];
      if (spec.type === 'histogram' && suffix)
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `declare a histogram by its base name, ${name.slice(0, -suffix.length - 1)}: its _bucket, _count and _sum series come with it`,
        });
    }
  }),
  red: z
    .strictObject({
      requests: z.string(),
      errors: z.strictObject({ label: labelName, regex: z.string() }),
      latency: z.string().optional(),
    })
    .optional(),
  resources: z
    .strictObject({
      cpuCores: z.number().positive().optional(),
      memoryBytes: z.number().int().positive().optional(),
      limits: z
        .strictObject({
          cpuCores: z.number().positive().optional(),
          memoryBytes: z.number().int().positive().optional(),
        })
        .optional(),
      cpuLimitShare: share.optional(),
      memoryLimitShare: share.optional(),
    })
    .superRefine((resources, ctx) => checkResources(resources, ctx))
    .optional(),
  latencyThresholdSeconds: z.number().positive().optional(),
  errorRatioThreshold: z
    .number()
    .positive()
    .max(1, {
      error: (issue) => `a ratio from 0 to 1: write ${Number(issue.input) / 100} for ${issue.input}%`,
    })
    .optional(),
  errorRatioMinRequestsPerSecond: z
    .number()
    .positive({ error: 'a request rate above 0, e.g. 0.1 (30 requests in 5 minutes)' })
    .optional(),
  targetDownPageShare: share.optional(),
  slos: z
    .array(
      z.strictObject({
        name: z.string().regex(SLO_NAME, { error: 'use lower-case letters, digits and dashes' }),
        objective: z
          .number()
          // The lower bound depends on the period: checkReferences checks it (objectiveFloor).
          .gt(0, { error: 'objective is a percentage above 0 and below 100, e.g. 99.9' })
          .lt(100, { error: 'objective must be below 100: a 100% objective leaves no error budget' }),
        period: z.enum(['7d', '28d', '30d']).optional(),
        description: z.string().optional(),
        sli: z
          .union([
            z.strictObject({ availability: z.strictObject({}) }),
            z.strictObject({
              latency: z.strictObject({
                histogram: z.string().optional(),
                le: z.union([z.number().positive(), z.string()]),
              }),
            }),
            z.strictObject({ events: z.strictObject({ errors: z.string(), total: z.string() }) }),
          ])
          .optional(),
        groupBy: z.array(labelName).optional(),
        alertName: metricName.optional(),
        labels: labels.optional(),
        budgetExhausted: z.boolean().optional(),
      }),
    )
    .optional(),
  alerts: z
    .strictObject({
      overrides: z.record(z.string(), override).optional(),
      custom: z
        .record(
          metricName,
          z.strictObject({
            expr: z.string(),
            for: duration.optional(),
            severity,
            summary: alertTemplateText.pipe(z.string().min(1)),
            description: alertTemplateText.optional(),
            labels: alertLabels.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  labels: labels.optional(),
});

/** Keys of the alerts a service would generate, the ones its overrides may name. */
export function generatedAlertKeys(service: ServiceDefinition): GeneratedAlertKey[] {
  const keys: GeneratedAlertKey[] = [
    'TargetDown',
    'TargetDown:share',
    'TargetsMissing',
    'HighCpuUsage',
    'HighMemoryUsage',
  ];
  if (service.red) keys.push('HighErrorRate');
  if (service.red?.latency) keys.push('HighLatency');
  for (const slo of service.slos ?? []) {
    keys.push(`SloBurn:${slo.name}:page`, `SloBurn:${slo.name}:ticket`);
    if (slo.budgetExhausted) keys.push(`SloBudgetExhausted:${slo.name}`);
  }
  return keys;
}

/** Validates every service, collecting all problems under `services.<name>`. */
/**
 * Whether serviceShape takes a service, decided without zod's objects and records (most of validating
 * a large catalogue) for the fields services usually set: true only when every check the schema makes
 * holds, with the same predicates (its own leaf schemas where a predicate is more than a comparison).
 * False for anything else or anything wrong: the caller then asks the schema, which reports the errors.
 * Only the verdict is used: checks after it read the service itself. validate.test.ts compares both.
 */
export function serviceShapeHolds(service: unknown): boolean {
  if (!isPlainRecord(service) || !onlyKeys(service, SERVICE_KEYS)) return false;
  const s = service;
  return (
    s.kind === 'promstack.service' &&
    typeof s.name === 'string' &&
    SERVICE_NAME.test(s.name) &&
    typeof s.team === 'string' &&
    TEAM_NAME.test(s.team) &&
    optional(s.description, isString) &&
    scrapeHolds(s.scrape) &&
    metricsHold(s.metrics) &&
    optional(s.red, redHolds) &&
    optional(s.resources, resourcesHold) &&
    optional(s.latencyThresholdSeconds, isPositive) &&
    optional(s.errorRatioThreshold, isRatio) &&
    optional(s.errorRatioMinRequestsPerSecond, isPositive) &&
    optional(s.slos, slosHold) &&
    // Rarer fields, left to the schema when set.
    s.targetDownPageShare === undefined &&
    s.alerts === undefined &&
    s.labels === undefined
  );
}

const SERVICE_KEYS = new Set(Object.keys(serviceShape.shape));

function scrapeHolds(scrape: unknown): boolean {
  if (!isPlainRecord(scrape) || !onlyKeys(scrape, SCRAPE_KEYS)) return false;
  const { targets } = scrape;
  if (!isPlainRecord(targets) || !onlyKeys(targets, TARGET_KEYS)) return false;
  return (
    optional(targets.docker, addressesHold) &&
    optional(targets.local, addressesHold) &&
    optional(targets.kubernetes, kubernetesTargetsHold) &&
    optional(scrape.path, isPath) &&
    optional(scrape.interval, isDuration) &&
    optional(scrape.timeout, isDuration) &&
    optional(scrape.scheme, isScheme) &&
    optional(scrape.sampleLimit, isPositiveInteger) &&
    scrape.bearerTokenFile === undefined
  );
}

const SCRAPE_KEYS = new Set([
  'targets',
  'path',
  'interval',
  'timeout',
  'scheme',
  'sampleLimit',
  'bearerTokenFile',
]);
const TARGET_KEYS = new Set(['docker', 'kubernetes', 'local']);
const KUBERNETES_TARGET_KEYS = new Set(['namespace', 'podLabels', 'port']);

function kubernetesTargetsHold(kubernetes: unknown): boolean {
  return (
    isPlainRecord(kubernetes) &&
    onlyKeys(kubernetes, KUBERNETES_TARGET_KEYS) &&
    dns1123Label.safeParse(kubernetes.namespace).success &&
    isPlainRecord(kubernetes.podLabels) &&
    Object.keys(kubernetes.podLabels).length > 0 &&
    podLabelsHold(kubernetes.podLabels) &&
    port.safeParse(kubernetes.port).success
  );
}

/** matchLabels' checks, through the predicates its refinement uses. */
function podLabelsHold(labels: Record<string, unknown>): boolean {
  for (const key of Object.keys(labels)) {
    const value = labels[key];
    if (key === '__proto__' || typeof value !== 'string') return false;
    if (labelKeyProblem(key) !== undefined || labelValueProblem(value) !== undefined) return false;
  }
  return true;
}

function metricsHold(metrics: unknown): boolean {
  if (!isPlainRecord(metrics)) return false;
  for (const name of Object.keys(metrics)) {
    const spec = metrics[name];
    if (name === '__proto__' || !METRIC_NAME.test(name)) return false;
    if (!isPlainRecord(spec) || !onlyKeys(spec, METRIC_SPEC_KEYS)) return false;
    if (typeof spec.type !== 'string' || !METRIC_TYPES.has(spec.type)) return false;
    if (!Array.isArray(spec.labels) || !spec.labels.every(isLabelName)) return false;
    if (!optional(spec.help, isString) || spec.buckets !== undefined) return false;
    if (spec.type === 'histogram' && /_(bucket|count|sum)$/.test(name)) return false;
  }
  return true;
}

const METRIC_SPEC_KEYS = new Set(['type', 'labels', 'help', 'buckets']);
const METRIC_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary']);

function redHolds(red: unknown): boolean {
  if (!isPlainRecord(red) || !onlyKeys(red, RED_KEYS)) return false;
  const { errors } = red;
  return (
    typeof red.requests === 'string' &&
    isPlainRecord(errors) &&
    onlyKeys(errors, RED_ERROR_KEYS) &&
    isLabelName(errors.label) &&
    typeof errors.regex === 'string' &&
    optional(red.latency, isString)
  );
}

const RED_KEYS = new Set(['requests', 'errors', 'latency']);
const RED_ERROR_KEYS = new Set(['label', 'regex']);

/** Thresholds only: with no limits and no shares, checkResources has nothing to refuse. */
function resourcesHold(resources: unknown): boolean {
  return (
    isPlainRecord(resources) &&
    onlyKeys(resources, RESOURCE_KEYS) &&
    optional(resources.cpuCores, isPositive) &&
    optional(resources.memoryBytes, isPositiveInteger) &&
    resources.limits === undefined &&
    resources.cpuLimitShare === undefined &&
    resources.memoryLimitShare === undefined
  );
}

const RESOURCE_KEYS = new Set(['cpuCores', 'memoryBytes', 'limits', 'cpuLimitShare', 'memoryLimitShare']);

function sloHolds(slo: unknown): boolean {
  return (
    isPlainRecord(slo) &&
    onlyKeys(slo, SLO_KEYS) &&
    typeof slo.name === 'string' &&
    SLO_NAME.test(slo.name) &&
    isFiniteNumber(slo.objective) &&
    slo.objective > 0 &&
    slo.objective < 100 &&
    optional(slo.period, isSloPeriod) &&
    optional(slo.description, isString) &&
    // Rarer fields, left to the schema when set.
    slo.sli === undefined &&
    slo.groupBy === undefined &&
    slo.alertName === undefined &&
    slo.labels === undefined &&
    slo.budgetExhausted === undefined
  );
}

const SLO_KEYS = new Set([
  'name',
  'objective',
  'period',
  'description',
  'sli',
  'groupBy',
  'alertName',
  'labels',
  'budgetExhausted',
]);

// The predicates below are functions of their own rather than arrows at each call: a closure per
// service would be made (and, under tsx, named) a thousand times a synth.

function addressesHold(list: unknown): boolean {
  if (!Array.isArray(list) || list.length < 1) return false;
  for (const address of list) if (!hostPort.safeParse(address).success) return false;
  return true;
}

function slosHold(slos: unknown): boolean {
  if (!Array.isArray(slos)) return false;
  for (const slo of slos) if (!sloHolds(slo)) return false;
  return true;
}

function isPath(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('/');
}

function isScheme(value: unknown): boolean {
  return value === 'http' || value === 'https';
}

function isSloPeriod(value: unknown): boolean {
  return value === '7d' || value === '28d' || value === '30d';
}

/** z.number().int().positive(): zod's integers are safe ones. */
function isPositiveInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** errorRatioThreshold: above 0, at most 1. */
function isRatio(value: unknown): boolean {
  return isPositive(value) && value <= 1;
}

/** An optional field: absent or undefined, as zod's optional() takes it, or a value that holds. */
function optional(value: unknown, holds: (value: unknown) => boolean): boolean {
  return value === undefined || holds(value);
}

function isString(value: unknown): boolean {
  return typeof value === 'string';
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** z.number().positive(): zod's numbers are finite. */
function isPositive(value: unknown): value is number {
  return isFiniteNumber(value) && value > 0;
}

function isDuration(value: unknown): boolean {
  return typeof value === 'string' && parseDuration(value) !== undefined;
}

function isLabelName(value: unknown): boolean {
  return typeof value === 'string' && LABEL_NAME.test(value);
}

export function validateServices(services: readonly ServiceDefinition[], issues: IssueCollector): void {
  const names = new Set<string>();
  const targets = new TargetIndex();
  for (const [index, service] of services.entries()) {
    const prefix = `services.${typeof service?.name === 'string' && service.name ? service.name : index}`;
    if (!serviceShapeHolds(service)) {
      const parsed = serviceShape.safeParse(service);
      if (!parsed.success) {
        issues.addAll(zodIssues(parsed.error, service, prefix));
        continue;
      }
    }
    if (names.has(service.name))
      issues.add(`${prefix}.name`, `duplicate service name ${JSON.stringify(service.name)}`);
    names.add(service.name);
    checkReferences(service, prefix, issues);
    targets.check(service, prefix, issues);
  }
}

/**
 * Two services must not scrape the same targets: each series would be stored twice under two jobs, and
 * each service's alerts would fire for the other's pods. Kubernetes selectors overlap when they look in
 * the same namespace and port and no label tells them apart (both could select one pod). Indexed, so
 * that a catalogue of thousands of services is checked in linear time.
 */
class TargetIndex {
  private readonly addresses = new Map<string, string>();
  /** By `namespace:port`: the selectors seen there. */
  private readonly selectors = new Map<string, { service: string; labels: Record<string, string> }[]>();

  check(service: ServiceDefinition, prefix: string, issues: IssueCollector): void {
    const { targets } = service.scrape;
    for (const platform of ['docker', 'local'] as const) {
      for (const address of targets[platform] ?? []) {
        const owner = this.addresses.get(`${platform} ${address}`);
        if (owner)
          issues.add(
            `${prefix}.scrape.targets.${platform}`,
            `${address} is scraped by service ${owner} too: give each service its own targets`,
          );
        this.addresses.set(`${platform} ${address}`, service.name);
      }
    }
    const kubernetes = targets.kubernetes;
    if (!kubernetes) return;
    const where = `${kubernetes.namespace}:${kubernetes.port}`;
    const seen = this.selectors.get(where) ?? [];
    const overlapping = seen.find(
      ({ labels }) =>
        !Object.entries(kubernetes.podLabels).some(
          ([label, value]) => label in labels && labels[label] !== value,
        ),
    );
    if (overlapping)
      issues.add(
        `${prefix}.scrape.targets.kubernetes.podLabels`,
        `selects the pods of service ${overlapping.service} too (namespace ${kubernetes.namespace}, port ` +
          `${kubernetes.port}): give both a label with a different value each, e.g. app`,
      );
    seen.push({ service: service.name, labels: kubernetes.podLabels });
    this.selectors.set(where, seen);
  }
}

function checkReferences(service: ServiceDefinition, prefix: string, issues: IssueCollector): void {
  const declared = Object.keys(service.metrics).sort().join(', ') || 'none';
  const { red } = service;
  if (red) {
    const requests = service.metrics[red.requests];
    if (!requests) {
      issues.add(
        `${prefix}.red.requests`,
        `metric ${red.requests} is not declared in metrics (declared: ${declared})`,
      );
    } else if (requests.type !== 'counter') {
      issues.add(
        `${prefix}.red.requests`,
        `metric ${red.requests} is a ${requests.type}; RED requests need a counter`,
      );
    } else if (!requests.labels.includes(red.errors.label)) {
      issues.add(
        `${prefix}.red.errors.label`,
        `label ${red.errors.label} is not a label of ${red.requests} (labels: ${requests.labels.join(', ') || 'none'})`,
      );
    }
    const problem = re2Problem(red.errors.regex);
    if (problem) {
      issues.add(
        `${prefix}.red.errors.regex`,
        `invalid regex ${JSON.stringify(red.errors.regex)}: ${problem}`,
      );
    } else if (!errorLabelValues(red.errors.regex)) {
      issues.add(
        `${prefix}.red.errors.regex`,
        `cannot derive test values from ${JSON.stringify(red.errors.regex)}: start it with a literal error value such as 500 or error`,
      );
    }
    if (red.latency !== undefined) {
      const latency = service.metrics[red.latency];
      if (!latency) {
        issues.add(
          `${prefix}.red.latency`,
          `metric ${red.latency} is not declared in metrics (declared: ${declared})`,
        );
      } else if (latency.type !== 'histogram') {
        issues.add(
          `${prefix}.red.latency`,
          `metric ${red.latency} is a ${latency.type}; latency alerts need a histogram (summaries cannot be aggregated)`,
        );
      }
    }
  }
  checkSlos(service, prefix, issues);
  checkRoutingLabels(service, prefix, issues);
  const { interval, timeout } = service.scrape;
  if (interval && timeout && parseDuration(timeout)! > parseDuration(interval)!) {
    issues.add(
      `${prefix}.scrape.timeout`,
      `timeout ${timeout} is longer than interval ${interval}: lower it`,
    );
  }
  const known = generatedAlertKeys(service);
  for (const [key, change] of Object.entries(service.alerts?.overrides ?? {})) {
    if (!(known as string[]).includes(key)) {
      issues.add(
        `${prefix}.alerts.overrides.${key}`,
        `no generated alert has the key ${key}; known keys: ${known.join(', ')}`,
      );
    }
    if (change?.expr !== undefined) checkExpr(change.expr, `${prefix}.alerts.overrides.${key}.expr`, issues);
  }
  for (const [name, alert] of Object.entries(service.alerts?.custom ?? {})) {
    checkExpr(alert.expr, `${prefix}.alerts.custom.${name}.expr`, issues);
  }
}

/**
 * The labels Alertmanager routes by. promstack sets them from the service (its name and team) and from
 * each alert's `severity` field, which routing checks against the team's receivers; a label with the
 * same name would send a page to another team, or to nobody, without any check seeing it.
 */
const ROUTING_LABEL_FIXES: Record<string, string> = {
  team: "it is the service's team (`team`): to page another team, change the service's owner",
  service: "it is the service's name, set by promstack: name the service instead",
  severity: "set the `severity` field instead, which routing checks against the team's receivers",
};

function checkRoutingLabels(service: ServiceDefinition, prefix: string, issues: IssueCollector): void {
  const labelSets: [string, Record<string, string> | undefined][] = [
    [`${prefix}.labels`, service.labels],
    ...Object.entries(service.alerts?.overrides ?? {}).map(
      ([key, change]): [string, Record<string, string> | undefined] => [
        `${prefix}.alerts.overrides.${key}.labels`,
        change?.labels,
      ],
    ),
    ...Object.entries(service.alerts?.custom ?? {}).map(
      ([name, alert]): [string, Record<string, string> | undefined] => [
        `${prefix}.alerts.custom.${name}.labels`,
        alert.labels,
      ],
    ),
  ];
  for (const [path, labels] of labelSets) {
    for (const label of Object.keys(labels ?? {})) {
      const fix = ROUTING_LABEL_FIXES[label];
      if (fix) issues.add(`${path}.${label}`, `${label} is a routing label promstack sets: ${fix}`);
    }
  }
}

/** Labels promstack sets on an SLO's rules and alerts itself: an SLO's `labels` must leave them alone. */
const SLO_OWN_LABELS = ['service', 'team', 'severity', 'slo', 'sli'];

/** An SLO's SLI, grouping, names and objective against the service's metrics and its other SLOs. */
function checkSlos(service: ServiceDefinition, prefix: string, issues: IssueCollector): void {
  // Generated alerts without a parameter in their key are named by it (HighErrorRate).
  const alertNames = new Map<string, string>(
    generatedAlertKeys(service)
      .filter((key) => !key.includes(':'))
      .map((key) => [key, `the generated alert ${key}`]),
  );
  for (const slo of service.slos ?? []) {
    const path = `${prefix}.slos[${slo.name}]`;
    if (alertNames.has(`slo ${slo.name}`)) issues.add(`${path}.name`, `duplicate SLO name ${slo.name}`);
    alertNames.set(`slo ${slo.name}`, slo.name);
    const problem = unreachableObjective(slo);
    if (problem) issues.add(`${path}.objective`, problem);
    const kept = checkSli(service, slo, path, issues);
    for (const label of slo.groupBy ?? []) {
      const why = kept?.(label);
      if (why) issues.add(`${path}.groupBy`, why);
    }
    const alert = sloAlertName(slo);
    const taken = alertNames.get(alert) ?? (service.alerts?.custom?.[alert] ? 'a custom alert' : undefined);
    if (taken)
      issues.add(`${path}.alertName`, `alert name ${alert} is taken by ${taken}: give each SLO its own`);
    alertNames.set(alert, `SLO ${slo.name}`);
    if (slo.budgetExhausted) alertNames.set(sloBudgetExhaustedAlertName(slo), `SLO ${slo.name}`);
    for (const label of Object.keys(slo.labels ?? {})) {
      if (label.startsWith('sloth_') || SLO_OWN_LABELS.includes(label))
        issues.add(
          `${path}.labels.${label}`,
          `promstack sets ${label} itself (sloth_*, ${SLO_OWN_LABELS.join(', ')}): choose another name`,
        );
    }
  }
}

/**
 * The SLI's own problems; returns what tells whether a `groupBy` label is one the SLI keeps (a reason
 * when it is not), or undefined when the SLI is too broken to tell.
 */
function checkSli(
  service: ServiceDefinition,
  slo: SloSpec,
  path: string,
  issues: IssueCollector,
): ((label: string) => string | undefined) | undefined {
  const { red } = service;
  const declared = Object.keys(service.metrics).sort().join(', ') || 'none';
  const kind = sliKind(slo);
  if (kind === 'availability') {
    if (!red) {
      issues.add(
        `${path}.sli`,
        'the availability SLI is the RED error ratio: declare red, or give a latency or events sli',
      );
      return undefined;
    }
    const labels = service.metrics[red.requests]?.labels ?? [];
    return (label) =>
      label === red.errors.label
        ? `grouping by ${label}, the error label, would put errors and successes in different groups`
        : labels.includes(label)
          ? undefined
          : `${label} is not a label of ${red.requests} (labels: ${labels.join(', ') || 'none'})`;
  }
  if (kind === 'latency') {
    const { histogram: named, le } = (slo.sli as { latency: { histogram?: string; le: string | number } })
      .latency;
    const histogram = named ?? red?.latency;
    if (!histogram) {
      issues.add(`${path}.sli.latency.histogram`, 'name the histogram, or declare red.latency');
      return undefined;
    }
    const metric = service.metrics[histogram];
    if (!metric) {
      issues.add(
        `${path}.sli.latency.histogram`,
        `metric ${histogram} is not declared in metrics (declared: ${declared})`,
      );
      return undefined;
    }
    if (metric.type !== 'histogram') {
      issues.add(`${path}.sli.latency.histogram`, `metric ${histogram} is a ${metric.type}, not a histogram`);
      return undefined;
    }
    if (!metric.buckets) {
      issues.add(
        `${path}.sli.latency.le`,
        `${histogram} declares no buckets: add metrics.${histogram}.buckets, the boundaries its client library uses, so the threshold can be checked against them`,
      );
    } else if (!metric.buckets.includes(Number(le))) {
      issues.add(
        `${path}.sli.latency.le`,
        `${le} is not a bucket boundary of ${histogram}: a threshold between boundaries cannot be counted; use one of ${metric.buckets.join(', ')}`,
      );
    }
    return (label) =>
      label === 'le'
        ? 'le is the bucket boundary: it cannot group an SLI'
        : metric.labels.includes(label)
          ? undefined
          : `${label} is not a label of ${histogram} (labels: ${metric.labels.join(', ') || 'none'})`;
  }
  const { errors, total } = (slo.sli as { events: { errors: string; total: string } }).events;
  const trees: PromqlNode[] = [];
  for (const [key, query] of [
    ['errors', errors],
    ['total', total],
  ] as const) {
    if (!query.includes(WINDOW_PLACEHOLDER)) {
      issues.add(
        `${path}.sli.events.${key}`,
        `write the range as ${WINDOW_PLACEHOLDER} (e.g. rate(x[${WINDOW_PLACEHOLDER}])): each alert window fills it in`,
      );
      continue;
    }
    const expr = query.replaceAll(WINDOW_PLACEHOLDER, '5m');
    const [first] = promqlErrors(expr);
    if (first) issues.add(`${path}.sli.events.${key}`, `${first.message} (with ${WINDOW_PLACEHOLDER} as 5m)`);
    else trees.push(promqlTree(expr)!);
  }
  if (trees.length < 2) return undefined;
  return (label) =>
    trees.every((tree) => keepsLabel(tree, label))
      ? undefined
      : `the queries do not keep ${label}: aggregate them by it, e.g. sum by (${label}) (…)`;
}

/**
 * Why an objective's alerts could never all fire, if they could not: each compares the error ratio with
 * factor × (1 − objective), which no ratio exceeds once it reaches 1 (100% of requests failing).
 */
export function unreachableObjective(slo: Pick<SloSpec, 'objective' | 'period'>): string | undefined {
  const period = slo.period ?? DEFAULT_SLO_PERIOD;
  const floor = objectiveFloor(period);
  if (slo.objective > floor.percent) return undefined;
  const { condition, factor } = floor;
  const needed = Number((factor * (100 - slo.objective)).toPrecision(4));
  // Rounded up, so that the objective shown passes.
  const bound = Math.ceil(floor.percent * 1e4) / 1e4;
  return (
    `objective ${slo.objective} cannot be alerted on over ${period}: the ${condition.kind} at ` +
    `${ruleNumber(factor)}x the error budget over ${condition.long}/${condition.short} would need ${needed}% ` +
    `of requests failing; use an objective of ${bound} or more (100 × (1 − 1/${ruleNumber(factor)}))`
  );
}

function checkExpr(expr: string, path: string, issues: IssueCollector): void {
  const [first] = promqlErrors(expr);
  if (first) issues.add(path, first.message);
}
