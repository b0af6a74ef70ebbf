import type { ServiceDefinition, Severity } from '../components/service';
import { sortKeys } from '../components/model/names';
import { boundedMemo } from '../components/model/memo';
import { errorLabelValues } from '../components/service/error-values';
import { mergedInOrder } from './records';

/** What every rule factory needs to know about the service it writes rules for. */
export interface ServiceContext {
  service: ServiceDefinition;
  /** The scrape job of the service (its name): what every selector filters on. */
  job: string;
  /** Labels every alert of the service carries: service, team and the service's own extra labels. */
  alertLabels: Record<string, string>;
  /** alertLabels with each severity, in key order: the service's alerts of one severity share the map. */
  severityLabels: Record<Severity, Record<string, string>>;
}

export function serviceContext(service: ServiceDefinition): ServiceContext {
  const labels: Record<string, string> = { ...service.labels, service: service.name, team: service.team };
  const alertLabels = sortKeys(labels);
  const withSeverity = (severity: Severity) => mergedInOrder(alertLabels, { severity });
  return {
    service,
    job: service.name,
    alertLabels,
    severityLabels: {
      critical: withSeverity('critical'),
      warning: withSeverity('warning'),
      info: withSeverity('info'),
    },
  };
}

/** Labels of an input series as the scrape job attaches them (job, instance, the service label). */
export function targetLabels(ctx: ServiceContext, extra: Record<string, string> = {}): string {
  const keys = Object.keys(extra);
  // Every input series of every unit test writes these: the service's own part is written once. An
  // extra label of the same name takes its place in the order, which only the full form below keeps.
  if (keys.some((key) => SCRAPE_LABELS.has(key))) return seriesLabels(ctx, extra);
  let own = ownLabels.get(ctx);
  if (own?.job !== ctx.job || own.name !== ctx.service.name) {
    own = { job: ctx.job, name: ctx.service.name, text: seriesLabels(ctx, {}) };
    ownLabels.set(ctx, own);
  }
  if (keys.length === 0) return own.text;
  return `${keys.map((key) => `${key}=${JSON.stringify(extra[key])}`).join(',')},${own.text}`;
}

const SCRAPE_LABELS = new Set(['instance', 'job', 'service']);
const ownLabels = new WeakMap<ServiceContext, { job: string; name: string; text: string }>();

/** targetLabels written out in full; the tests compare both. */
export function seriesLabels(ctx: ServiceContext, extra: Record<string, string>): string {
  const all = { ...extra, instance: `${ctx.job}:8080`, job: ctx.job, service: ctx.service.name };
  return Object.entries(all)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(',');
}

export const INSTANCE = (ctx: ServiceContext): string => `${ctx.job}:8080`;

/** Series labels of a request counter whose error label holds an error (or a success) value. */
export function requestLabels(ctx: ServiceContext, failing: boolean): string {
  const red = ctx.service.red!;
  const values = errorValues(red.errors.regex)!;
  return targetLabels(ctx, { [red.errors.label]: failing ? values.error : values.success });
}

/**
 * errorLabelValues, found once per regex: it compiles the regex again for each of a dozen candidate
 * values, and a catalogue's services share a few regexes.
 */
export const errorValues = boundedMemo(errorLabelValues, 1000);
