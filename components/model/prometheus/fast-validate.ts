import { parseDuration } from '../duration';
import { LABEL_NAME } from '../names';
import { isPlainRecord } from '../plain-data';
import { re2Problem } from '../re2';
import { NEEDS_TARGET, relabelConfig, type RelabelConfig } from './relabel';
import { kubernetesSdConfig } from './discovery';
import { scrapeConfig } from './scrape';

/**
 * The scrape job schema's result for a job a stack generates for a service, without zod: its parse of
 * a thousand jobs was most of rendering the Prometheus files. It takes only the fields generated
 * Kubernetes jobs use, makes every check the schema makes on them with the same predicates, and returns
 * what zod returns: keys in the schema's order, an optional key given as undefined kept, arrays copied.
 * On any other field, and on the first check that fails, it returns undefined and the caller leaves
 * the job to the schema, so that every error comes from the schema alone. fast-validate.test.ts
 * compares both on generated and broken jobs.
 */
export function validScrapeConfigFast(input: unknown): Record<string, unknown> | undefined {
  return validJob(input);
}

type Check = (value: unknown) => unknown;

/** What a check returns for a value the schema would refuse. */
const REFUSED = Symbol('refused');

const JOB_FIELDS: Readonly<Record<string, Check>> = {
  job_name: (value) =>
    typeof value === 'string' && value.length >= 1 && value.trim() === value ? value : REFUSED,
  scrape_interval: duration,
  scrape_timeout: duration,
  metrics_path: (value) => (typeof value === 'string' && value.startsWith('/') ? value : REFUSED),
  scheme: (value) => (value === 'http' || value === 'https' ? value : REFUSED),
  honor_labels: boolean,
  honor_timestamps: boolean,
  sample_limit: count,
  target_limit: count,
  label_limit: count,
  label_name_length_limit: count,
  label_value_length_limit: count,
  kubernetes_sd_configs: (value) => arrayOf(value, kubernetesSd),
  relabel_configs: (value) => arrayOf(value, relabel),
  metric_relabel_configs: (value) => arrayOf(value, relabel),
};
const JOB_ORDER = schemaOrder(scrapeConfig.shape, JOB_FIELDS);

function validJob(input: unknown): Record<string, unknown> | undefined {
  const job = validObject(input, JOB_FIELDS, JOB_ORDER, 'job_name');
  if (job === undefined) return undefined;
  // The schema's refinements: a timeout within the interval, and some targets.
  const { scrape_interval: interval, scrape_timeout: timeout } = job as Record<string, string | undefined>;
  if (interval !== undefined && timeout !== undefined && parseDuration(timeout)! > parseDuration(interval)!)
    return undefined;
  if (((job.kubernetes_sd_configs as unknown[] | undefined)?.length ?? 0) === 0) return undefined;
  return job;
}

const ROLES = new Set(kubernetesSdConfig.shape.role.options as readonly string[]);
const KUBERNETES_SD_FIELDS: Readonly<Record<string, Check>> = {
  role: (value) => (typeof value === 'string' && ROLES.has(value) ? value : REFUSED),
  namespaces: (value) => validObject(value, NAMESPACES_FIELDS, NAMESPACES_ORDER) ?? REFUSED,
};
const KUBERNETES_SD_ORDER = schemaOrder(kubernetesSdConfig.shape, KUBERNETES_SD_FIELDS);
const NAMESPACES_FIELDS: Readonly<Record<string, Check>> = {
  own_namespace: boolean,
  names: (value) => arrayOf(value, nonEmptyString),
};
const NAMESPACES_ORDER = schemaOrder(kubernetesSdConfig.shape.namespaces.unwrap().shape, NAMESPACES_FIELDS);

function kubernetesSd(value: unknown): unknown {
  return validObject(value, KUBERNETES_SD_FIELDS, KUBERNETES_SD_ORDER, 'role') ?? REFUSED;
}

const ACTIONS = new Set(relabelConfig.shape.action.unwrap().options as readonly string[]);
const RELABEL_FIELDS: Readonly<Record<string, Check>> = {
  source_labels: (value) => arrayOf(value, labelName),
  separator: string,
  target_label: (value) => (typeof value === 'string' && value.length >= 1 ? value : REFUSED),
  regex: (value) =>
    typeof value === 'string' && (LITERAL_PATTERN.test(value) || re2Problem(value) === undefined)
      ? value
      : REFUSED,
  modulus: (value) => (isSafeInteger(value) && value > 0 ? value : REFUSED),
  replacement: string,
  action: (value) => (typeof value === 'string' && ACTIONS.has(value) ? value : REFUSED),
};
const RELABEL_ORDER = schemaOrder(relabelConfig.shape, RELABEL_FIELDS);
/**
 * Patterns that RE2 reads as literal text, and so compiles: generated jobs keep their own service name
 * and port (`svc-00042`, `8080`), a thousand patterns that each cost a compile otherwise.
 */
const LITERAL_PATTERN = /^[A-Za-z0-9_:-]*$/;

function relabel(value: unknown): unknown {
  const rc = validObject(value, RELABEL_FIELDS, RELABEL_ORDER) as RelabelConfig | undefined;
  if (rc === undefined) return REFUSED;
  // relabel.ts's refinements, each of which adds an issue there.
  const action = rc.action ?? 'replace';
  if (NEEDS_TARGET.has(action) && !rc.target_label) return REFUSED;
  if (action === 'hashmod' && rc.modulus === undefined) return REFUSED;
  if ((action === 'keepequal' || action === 'dropequal') && rc.regex !== undefined) return REFUSED;
  if ((action === 'labeldrop' || action === 'labelkeep') && (rc.source_labels || rc.target_label))
    return REFUSED;
  if (rc.target_label && !rc.target_label.includes('$') && !LABEL_NAME.test(rc.target_label)) return REFUSED;
  return rc;
}

/**
 * A strict object of a schema whose fields are all optional but `required`, in the order of the
 * schema's shape; undefined when it is no plain object, has a key the schema lacks, lacks its required
 * field, or holds a value that the fields' checks refuse or that none checks. Optional fields may be
 * given as undefined, which zod keeps.
 */
function validObject(
  input: unknown,
  fields: Readonly<Record<string, Check>>,
  order: readonly string[],
  required?: string,
): Record<string, unknown> | undefined {
  if (!isPlainRecord(input)) return undefined;
  if (required !== undefined && input[required] === undefined) return undefined;
  let keys = Object.keys(input).length;
  const out: Record<string, unknown> = {};
  for (const key of order) {
    if (!Object.hasOwn(input, key)) continue;
    keys -= 1;
    const value = input[key];
    if (value === undefined) {
      out[key] = undefined;
      continue;
    }
    const check = fields[key];
    const checked = check === undefined ? REFUSED : check(value);
    if (checked === REFUSED) return undefined;
    out[key] = checked;
  }
  // A key left over is one the schema does not have: a strict object refuses it.
  return keys === 0 ? out : undefined;
}

/** The keys of a schema's shape, the order of zod's output, after checking that they hold `fields`'. */
function schemaOrder(shape: object, fields: Readonly<Record<string, Check>>): string[] {
  const order = Object.keys(shape);
  const unknown = Object.keys(fields).filter((key) => !order.includes(key));
  if (unknown.length > 0) throw new Error(`fast-validate: no such schema field ${unknown.join(', ')}`);
  return order;
}

function arrayOf(value: unknown, item: Check): unknown {
  if (!Array.isArray(value)) return REFUSED;
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const checked = item(value[i]);
    if (checked === REFUSED) return REFUSED;
    out.push(checked);
  }
  return out;
}

// Item checks are functions of their own, not arrows in the field checks: those would make (and,
// under tsx, name) a closure for every list of every job.

function nonEmptyString(value: unknown): unknown {
  return typeof value === 'string' && value.length >= 1 ? value : REFUSED;
}

function labelName(value: unknown): unknown {
  return typeof value === 'string' && LABEL_NAME.test(value) ? value : REFUSED;
}

function duration(value: unknown): unknown {
  return typeof value === 'string' && parseDuration(value) !== undefined ? value : REFUSED;
}

function string(value: unknown): unknown {
  return typeof value === 'string' ? value : REFUSED;
}

function boolean(value: unknown): unknown {
  return typeof value === 'boolean' ? value : REFUSED;
}

function count(value: unknown): unknown {
  return isSafeInteger(value) && value >= 0 ? value : REFUSED;
}

function isSafeInteger(value: unknown): value is number {
  return Number.isSafeInteger(value);
}
