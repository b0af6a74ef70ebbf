import { parse } from 'yaml';
import { compareText } from '../components/model/errors';
import { dashboardPath, dashboardUidOf, OUTPUT_PATHS } from '../components/stack/paths';
import type { RenderedStack } from '../components/stack/synth';

/** One reviewable change of a rendered stack, in words. */
export interface SemanticChange {
  op: 'added' | 'removed' | 'changed';
  kind:
    | 'alert'
    | 'recording rule'
    | 'rule group'
    | 'prometheus'
    | 'scrape job'
    | 'alertmanager'
    | 'route'
    | 'receiver'
    | 'inhibit rule'
    | 'time interval'
    | 'dashboard'
    | 'panel'
    | 'file';
  name: string;
  /** What changed, e.g. `threshold changed: 0.5 → 0.8`; absent for plain additions and removals. */
  detail?: string;
}

type Files = Record<string, string>;
type Obj = Record<string, unknown>;

const MAX_DETAILS = 12;
const MAX_VALUE = 80;

/** One side of a diff: its files, and the typed objects synth rendered them from. */
export interface DiffSide {
  files: Files;
  /** Absent for a git base whose synth predates the typed result: its files are read back then. */
  rendered?: RenderedStack;
}

/** The parts of a rendered stack a reviewer reads, as plain objects. */
interface StackView {
  /** The whole Prometheus config, every scrape job (the services' files too) in `scrape_configs`. */
  prometheus?: Obj;
  ruleFiles: Record<string, Obj>;
  alertmanager?: Obj;
  dashboards: Record<string, Obj>;
  grafana?: Obj;
}

function viewOf(side: DiffSide): StackView {
  const { rendered } = side;
  if (!rendered) return viewOfFiles(side.files);
  return {
    prometheus: rendered.prometheus as Obj,
    ruleFiles: rendered.ruleFiles as unknown as Record<string, Obj>,
    alertmanager: rendered.alertmanager as Obj,
    dashboards: rendered.dashboards as unknown as Record<string, Obj>,
    grafana: rendered.grafana as Obj,
  };
}

/**
 * The view of a tree rendered before synth returned typed objects (a git base from then): its files
 * are all it has, so they are read back, into the shapes the typed objects have.
 */
function viewOfFiles(files: Files): StackView {
  const load = (path: string) => (files[path] === undefined ? undefined : loadYaml(files[path]));
  const paths = Object.keys(files).sort(compareText);
  const main = load(OUTPUT_PATHS.prometheusConfig);
  const scrapeFiles = paths.filter((path) => path.startsWith(OUTPUT_PATHS.scrapeDir));
  const prometheus =
    main === undefined && scrapeFiles.length === 0
      ? undefined
      : (() => {
          const { scrape_config_files: _loadedFiles, ...rest } = main ?? {};
          const jobs = [
            ...list(rest.scrape_configs),
            ...scrapeFiles.flatMap((p) => list(load(p)?.scrape_configs)),
          ];
          return { ...rest, ...(jobs.length > 0 ? { scrape_configs: jobs } : {}) };
        })();
  const under = (dir: string, read: (path: string) => Obj | undefined) =>
    Object.fromEntries(paths.filter((path) => path.startsWith(dir)).map((path) => [path, read(path) ?? {}]));
  return {
    ...(prometheus ? { prometheus } : {}),
    ruleFiles: under(OUTPUT_PATHS.rulesDir, load),
    ...(files[OUTPUT_PATHS.alertmanagerConfig] !== undefined
      ? { alertmanager: load(OUTPUT_PATHS.alertmanagerConfig) }
      : {}),
    dashboards: Object.fromEntries(
      paths.flatMap((path) => {
        const uid = dashboardUidOf(path);
        return uid === undefined ? [] : [[uid, loadJson(files[path]) ?? {}]];
      }),
    ),
  };
}

/** Every change between two renders of a stack, grouped by kind, in a stable order. */
export function semanticChanges(before: DiffSide, after: DiffSide): SemanticChange[] {
  const a = viewOf(before);
  const b = viewOf(after);
  const changes: SemanticChange[] = [];
  // The files whose changes a line below describes; any other changed file gets a line of its own.
  const described = new Set<string>();
  const rules = ruleChanges(a.ruleFiles, b.ruleFiles);
  changes.push(...rules.changes);
  for (const path of rules.files) described.add(path);
  const component = (found: SemanticChange[], isItsFile: (path: string) => boolean) => {
    changes.push(...found);
    if (found.length === 0) return;
    for (const path of [...Object.keys(before.files), ...Object.keys(after.files)])
      if (isItsFile(path)) described.add(path);
  };
  component(
    prometheusChanges(a.prometheus, b.prometheus),
    (path) => path === OUTPUT_PATHS.prometheusConfig || path.startsWith(OUTPUT_PATHS.scrapeDir),
  );
  component(
    alertmanagerChanges(a.alertmanager, b.alertmanager),
    (path) => path === OUTPUT_PATHS.alertmanagerConfig,
  );
  for (const uid of [...new Set([...Object.keys(a.dashboards), ...Object.keys(b.dashboards)])].sort(
    compareText,
  ))
    component(
      dashboardChanges(uid, a.dashboards[uid], b.dashboards[uid]),
      (path) => path === dashboardPath(uid),
    );
  if (a.grafana && b.grafana)
    component(
      deepChanges(a.grafana, b.grafana, '').map((detail) => ({
        op: 'changed' as const,
        kind: 'file' as const,
        name: 'Grafana provisioning',
        detail,
      })),
      (path) => path.startsWith(OUTPUT_PATHS.grafanaProvisioningDir),
    );
  const paths = [...new Set([...Object.keys(before.files), ...Object.keys(after.files)])].sort(compareText);
  for (const path of paths) {
    const x = before.files[path];
    const y = after.files[path];
    if (x === y || described.has(path)) continue;
    if (x === undefined) changes.push({ op: 'added', kind: 'file', name: path });
    else if (y === undefined) changes.push({ op: 'removed', kind: 'file', name: path });
    else changes.push({ op: 'changed', kind: 'file', name: path, detail: fileKindNote(path) });
  }
  return changes
    .map((change, index) => ({ change, index }))
    .sort(
      (x, y) => KIND_ORDER.indexOf(x.change.kind) - KIND_ORDER.indexOf(y.change.kind) || x.index - y.index,
    )
    .map(({ change }) => change);
}

/** Reading order of a summary: what pages people first, then what is scraped, routed and shown. */
const KIND_ORDER: readonly SemanticChange['kind'][] = [
  'alert',
  'recording rule',
  'rule group',
  'scrape job',
  'prometheus',
  'route',
  'receiver',
  'inhibit rule',
  'time interval',
  'alertmanager',
  'dashboard',
  'panel',
  'file',
];

function fileKindNote(path: string): string {
  if (path.startsWith(OUTPUT_PATHS.rulesDir)) return 'rule order or formatting changed';
  if (path.startsWith(OUTPUT_PATHS.testsDir)) return 'generated unit tests changed';
  if (path.startsWith(OUTPUT_PATHS.alertmanagerTemplatesDir)) return 'notification template changed';
  if (path.startsWith(OUTPUT_PATHS.grafanaProvisioningDir)) return 'Grafana provisioning changed';
  return 'changed';
}

function loadYaml(text: string | undefined): Obj | undefined {
  if (text === undefined) return undefined;
  const data = parse(text) as unknown;
  return isObj(data) ? data : {};
}

function loadJson(text: string | undefined): Obj | undefined {
  if (text === undefined) return undefined;
  const data = JSON.parse(text) as unknown;
  return isObj(data) ? data : {};
}

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isObj) : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
}

// ---- rules ------------------------------------------------------------------------------------------

interface RuleEntry {
  file: string;
  group: string;
  name: string;
  alerting: boolean;
  rule: Obj;
}

function ruleEntries(ruleFiles: Record<string, Obj>): {
  rules: RuleEntry[];
  groups: Map<string, { file: string; group: Obj }>;
} {
  const rules: RuleEntry[] = [];
  const groups = new Map<string, { file: string; group: Obj }>();
  for (const file of Object.keys(ruleFiles).sort(compareText)) {
    for (const group of list(ruleFiles[file].groups)) {
      const groupName = str(group.name);
      groups.set(groupName, { file, group });
      for (const rule of list(group.rules)) {
        const alerting = typeof rule.alert === 'string';
        rules.push({
          file,
          group: groupName,
          name: str(alerting ? rule.alert : rule.record),
          alerting,
          rule,
        });
      }
    }
  }
  return { rules, groups };
}

function labelsOf(rule: Obj): Record<string, string> {
  return isObj(rule.labels) ? (rule.labels as Record<string, string>) : {};
}

/**
 * Rules are matched by group and name; rules sharing both (a burn-rate pair) are matched first by equal
 * labels, then in file order, so that a severity change reads as a change, not a removal and an addition.
 */
function ruleChanges(
  before: Record<string, Obj>,
  after: Record<string, Obj>,
): { changes: SemanticChange[]; files: Set<string> } {
  const a = ruleEntries(before);
  const b = ruleEntries(after);
  const changes: SemanticChange[] = [];
  const files = new Set<string>();
  const key = (e: RuleEntry) => `${e.alerting ? 'alert' : 'record'}\u0000${e.group}\u0000${e.name}`;
  // Grouped once: filtering every rule for every key took minutes at a thousand services.
  const byKey = (entries: readonly RuleEntry[]) => {
    const groups = new Map<string, RuleEntry[]>();
    for (const e of entries) {
      const k = key(e);
      const group = groups.get(k);
      if (group) group.push(e);
      else groups.set(k, [e]);
    }
    return groups;
  };
  const leftOf = byKey(a.rules);
  const rightOf = byKey(b.rules);
  const keys = [...new Set([...leftOf.keys(), ...rightOf.keys()])];
  for (const k of keys) {
    const left = leftOf.get(k) ?? [];
    const right = rightOf.get(k) ?? [];
    const ambiguous = left.length > 1 || right.length > 1;
    const pairs: [RuleEntry, RuleEntry][] = [];
    for (const entry of [...left]) {
      const same = right.findIndex(
        (r) => JSON.stringify(labelsOf(r.rule)) === JSON.stringify(labelsOf(entry.rule)),
      );
      if (same >= 0) {
        pairs.push([entry, right.splice(same, 1)[0]]);
        left.splice(left.indexOf(entry), 1);
      }
    }
    while (left.length > 0 && right.length > 0) pairs.push([left.shift()!, right.shift()!]);
    const title = (e: RuleEntry) =>
      `${e.group}/${e.name}${ambiguous && labelsOf(e.rule).severity ? ` (${labelsOf(e.rule).severity})` : ''}`;
    for (const e of left) {
      changes.push({ op: 'removed', kind: kindOf(e), name: title(e) });
      files.add(e.file);
    }
    for (const e of right) {
      changes.push({ op: 'added', kind: kindOf(e), name: title(e) });
      files.add(e.file);
    }
    for (const [x, y] of pairs) {
      const details = ruleDetails(x.rule, y.rule);
      for (const detail of details) changes.push({ op: 'changed', kind: kindOf(y), name: title(y), detail });
      if (details.length > 0 || x.file !== y.file) files.add(x.file).add(y.file);
    }
  }
  for (const [name, { file, group }] of b.groups) {
    const old = a.groups.get(name)?.group;
    if (!old) continue;
    for (const field of ['interval', 'limit', 'query_offset']) {
      if (str(old[field]) !== str(group[field])) {
        const detail = `${field} changed: ${show(old[field])} → ${show(group[field])}`;
        changes.push({ op: 'changed', kind: 'rule group', name, detail });
        files.add(file);
      }
    }
  }
  return { changes, files };
}

function kindOf(entry: RuleEntry): SemanticChange['kind'] {
  return entry.alerting ? 'alert' : 'recording rule';
}

const NUMBER = /(?<![\w.:$])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])/gi;

function ruleDetails(a: Obj, b: Obj): string[] {
  const details: string[] = [];
  const exprA = str(a.expr);
  const exprB = str(b.expr);
  if (exprA !== exprB)
    details.push(exprChange(exprA, exprB, typeof b.alert === 'string' ? 'threshold' : 'constant'));
  for (const field of ['for', 'keep_firing_for']) {
    if (str(a[field]) !== str(b[field])) {
      details.push(`${field} changed: ${show(a[field] ?? '0s')} → ${show(b[field] ?? '0s')}`);
    }
  }
  const labelsA = labelsOf(a);
  const labelsB = labelsOf(b);
  if (labelsA.severity !== labelsB.severity) {
    details.push(`severity changed: ${show(labelsA.severity)} → ${show(labelsB.severity)}`);
  }
  for (const name of unionKeys(labelsA, labelsB)) {
    if (name === 'severity' || labelsA[name] === labelsB[name]) continue;
    if (labelsA[name] === undefined) details.push(`label ${name} added: ${show(labelsB[name])}`);
    else if (labelsB[name] === undefined) details.push(`label ${name} removed (was ${show(labelsA[name])})`);
    else details.push(`label ${name} changed: ${show(labelsA[name])} → ${show(labelsB[name])}`);
  }
  const annotationsA = isObj(a.annotations) ? a.annotations : {};
  const annotationsB = isObj(b.annotations) ? b.annotations : {};
  const annotations = unionKeys(annotationsA, annotationsB).filter(
    (k) => str(annotationsA[k]) !== str(annotationsB[k]),
  );
  if (annotations.length > 0) details.push(`annotations changed: ${annotations.join(', ')}`);
  return details;
}

/**
 * Tells a threshold change (the same query, other numbers) from a change of the query itself. Numbers
 * inside metric names, label values and range durations are not thresholds and are not extracted.
 */
export function exprChange(a: string, b: string, noun = 'threshold'): string {
  const skeleton = (expr: string) => stripQuoted(expr).replace(NUMBER, '#').replace(/\s+/g, ' ').trim();
  if (skeleton(a) === skeleton(b)) {
    const numbersA = stripQuoted(a).match(NUMBER) ?? [];
    const numbersB = stripQuoted(b).match(NUMBER) ?? [];
    const counts = new Map<string, number>();
    numbersA.forEach((n, i) => {
      if (n !== numbersB[i])
        counts.set(`${n} → ${numbersB[i]}`, (counts.get(`${n} → ${numbersB[i]}`) ?? 0) + 1);
    });
    const pairs = [...counts].map(([pair, count]) => (count > 1 ? `${pair} (${count} times)` : pair));
    if (pairs.length > 0) return `${noun} changed: ${pairs.join(', ')}`;
  }
  const oneLine = (expr: string) => expr.replace(/\s+/g, ' ').trim();
  const shortA = oneLine(a);
  const shortB = oneLine(b);
  return shortA.length + shortB.length <= 2 * MAX_VALUE
    ? `expr changed: ${shortA} → ${shortB}`
    : 'expr changed (see the file diff)';
}

/** Quoted strings (label values, regexes) blanked, so that their digits are not taken for thresholds. */
function stripQuoted(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
}

// ---- prometheus.yml ---------------------------------------------------------------------------------

const scrapeJobs = (doc: Obj | undefined) =>
  new Map(list(doc?.scrape_configs).map((job) => [str(job.job_name), job]));

/** Scrape jobs added, removed or changed, wherever they are rendered, then the other settings. */
function prometheusChanges(a: Obj | undefined, b: Obj | undefined): SemanticChange[] {
  const changes: SemanticChange[] = [];
  changes.push(...keyedChanges('scrape job', scrapeJobs(a), scrapeJobs(b)));
  if (!a || !b) return changes;
  for (const field of unionKeys(a, b)) {
    if (field === 'scrape_configs') continue;
    for (const detail of deepChanges(a[field], b[field], '')) {
      changes.push({ op: 'changed', kind: 'prometheus', name: field, detail });
    }
  }
  return changes;
}

// ---- alertmanager.yml -------------------------------------------------------------------------------

interface RouteNode {
  receivers: string[];
  settings: Obj[];
}

/**
 * Routes flattened to their matcher paths (`team="shop" › severity="critical"`), with the receivers of
 * every route at that path in order: sibling routes with `continue` share a path, and the list shows
 * all the receivers an alert there reaches.
 */
function flattenRoutes(
  route: Obj | undefined,
  path = '',
  out = new Map<string, RouteNode>(),
): Map<string, RouteNode> {
  if (!route) return out;
  const here = path || '(root route)';
  const node = out.get(here) ?? { receivers: [], settings: [] };
  if (typeof route.receiver === 'string') node.receivers.push(route.receiver);
  const settings: Obj = {};
  for (const [key, value] of Object.entries(route)) {
    // `continue` only chains the routes of one severity's receivers; the receiver list shows its effect.
    if (!['routes', 'receiver', 'matchers', 'continue'].includes(key)) settings[key] = value;
  }
  node.settings.push(settings);
  out.set(here, node);
  for (const child of list(route.routes)) {
    const matchers = Array.isArray(child.matchers) ? child.matchers.map(str).join(', ') : '(any)';
    flattenRoutes(child, path ? `${path} › ${matchers}` : matchers, out);
  }
  return out;
}

/** Sibling routes at one path usually share their settings: compare them as one object then. */
function collapse(settings: readonly Obj[]): Obj | Obj[] {
  const distinct = new Set(settings.map((entry) => JSON.stringify(entry)));
  return distinct.size === 1 ? settings[0] : [...settings];
}

function alertmanagerChanges(a: Obj | undefined, b: Obj | undefined): SemanticChange[] {
  if (!a || !b) return [];
  const changes: SemanticChange[] = [];
  const routesA = flattenRoutes(isObj(a.route) ? a.route : undefined);
  const routesB = flattenRoutes(isObj(b.route) ? b.route : undefined);
  for (const [path, node] of routesA) {
    if (!routesB.has(path))
      changes.push({
        op: 'removed',
        kind: 'route',
        name: path,
        detail: `was → ${node.receivers.join(', ') || '(inherited receiver)'}`,
      });
  }
  for (const [path, node] of routesB) {
    const old = routesA.get(path);
    if (!old) {
      changes.push({
        op: 'added',
        kind: 'route',
        name: path,
        detail: `→ ${node.receivers.join(', ') || '(inherited receiver)'}`,
      });
      continue;
    }
    if (old.receivers.join(',') !== node.receivers.join(',')) {
      changes.push({
        op: 'changed',
        kind: 'route',
        name: path,
        detail: `receivers changed: ${old.receivers.join(', ') || '(inherited)'} → ${node.receivers.join(', ') || '(inherited)'}`,
      });
    }
    const settingsA = collapse(old.settings);
    const settingsB = collapse(node.settings);
    for (const detail of deepChanges(settingsA, settingsB, ''))
      changes.push({ op: 'changed', kind: 'route', name: path, detail });
  }
  const receivers = (doc: Obj) => new Map(list(doc.receivers).map((r) => [str(r.name), r]));
  changes.push(...keyedChanges('receiver', receivers(a), receivers(b)));
  const inhibit = (doc: Obj) => new Map(list(doc.inhibit_rules).map((r) => [describeInhibit(r), r]));
  changes.push(...keyedChanges('inhibit rule', inhibit(a), inhibit(b)));
  const intervals = (doc: Obj) => new Map(list(doc.time_intervals).map((t) => [str(t.name), t]));
  changes.push(...keyedChanges('time interval', intervals(a), intervals(b)));
  for (const field of unionKeys(a, b)) {
    if (['route', 'receivers', 'inhibit_rules', 'time_intervals'].includes(field)) continue;
    for (const detail of deepChanges(a[field], b[field], '')) {
      changes.push({ op: 'changed', kind: 'alertmanager', name: field, detail });
    }
  }
  return changes;
}

function describeInhibit(rule: Obj): string {
  const matchers = (value: unknown) => (Array.isArray(value) ? value.map(str).join(', ') : '');
  const equal = Array.isArray(rule.equal) ? ` (equal: ${rule.equal.map(str).join(', ')})` : '';
  return `${matchers(rule.source_matchers)} mutes ${matchers(rule.target_matchers)}${equal}`;
}

// ---- dashboards -------------------------------------------------------------------------------------

function panelsOf(dashboard: Obj): Obj[] {
  return list(dashboard.panels).flatMap((panel) => [panel, ...list(panel.panels)]);
}

function panelName(panel: Obj): string {
  return `"${str(panel.title) || `#${str(panel.id)}`}"`;
}

/**
 * Panels are matched by title, then what is left by id, so that a renamed panel reads as a title change
 * and a panel inserted above others (which shifts their ids) does not make them all look changed.
 */
function dashboardChanges(uid: string, a: Obj | undefined, b: Obj | undefined): SemanticChange[] {
  if (!a && b) return [{ op: 'added', kind: 'dashboard', name: uid, detail: str(b.title) }];
  if (a && !b) return [{ op: 'removed', kind: 'dashboard', name: uid, detail: str(a.title) }];
  if (!a || !b) return [];
  const changes: SemanticChange[] = [];
  const left = panelsOf(a);
  const right = panelsOf(b);
  const pairs: [Obj, Obj][] = [];
  for (const match of [
    (x: Obj, y: Obj) => str(x.title) === str(y.title),
    (x: Obj, y: Obj) => str(x.id) === str(y.id),
  ]) {
    for (const panel of [...left]) {
      const index = right.findIndex((other) => match(panel, other));
      if (index < 0) continue;
      pairs.push([panel, right.splice(index, 1)[0]]);
      left.splice(left.indexOf(panel), 1);
    }
  }
  for (const panel of left)
    changes.push({ op: 'removed', kind: 'panel', name: `${uid} ${panelName(panel)}` });
  for (const panel of right) changes.push({ op: 'added', kind: 'panel', name: `${uid} ${panelName(panel)}` });
  for (const [old, panel] of pairs) {
    const name = `${uid} ${panelName(panel)}`;
    if (str(old.title) !== str(panel.title)) {
      changes.push({
        op: 'changed',
        kind: 'panel',
        name,
        detail: `title changed: ${panelName(old)} → ${panelName(panel)}`,
      });
    }
    const fields = unionKeys(old, panel).filter(
      (k) => k !== 'panels' && k !== 'title' && JSON.stringify(old[k]) !== JSON.stringify(panel[k]),
    );
    if (fields.length > 0)
      changes.push({ op: 'changed', kind: 'panel', name, detail: `${fields.join(', ')} changed` });
  }
  for (const field of unionKeys(a, b)) {
    if (field === 'panels') continue;
    for (const detail of deepChanges(a[field], b[field], field)) {
      changes.push({ op: 'changed', kind: 'dashboard', name: uid, detail });
    }
  }
  return changes;
}

// ---- helpers ----------------------------------------------------------------------------------------

function keyedChanges(
  kind: SemanticChange['kind'],
  a: Map<string, Obj>,
  b: Map<string, Obj>,
): SemanticChange[] {
  const changes: SemanticChange[] = [];
  for (const name of a.keys()) if (!b.has(name)) changes.push({ op: 'removed', kind, name });
  for (const [name, value] of b) {
    const old = a.get(name);
    if (!old) changes.push({ op: 'added', kind, name });
    else
      for (const detail of deepChanges(old, value, '')) changes.push({ op: 'changed', kind, name, detail });
  }
  return changes;
}

function unionKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

/** Leaf-level differences as `path: old → new`, at most MAX_DETAILS of them. */
export function deepChanges(a: unknown, b: unknown, path: string): string[] {
  const out: string[] = [];
  walk(a, b, path, out);
  if (out.length > MAX_DETAILS)
    return [...out.slice(0, MAX_DETAILS), `… and ${out.length - MAX_DETAILS} more`];
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const at = path ? `${path}: ` : '';
  if (a === undefined) {
    out.push(`${path ? `${path} ` : ''}added: ${show(b)}`);
  } else if (b === undefined) {
    out.push(`${path ? `${path} ` : ''}removed (was ${show(a)})`);
  } else if (Array.isArray(a) && Array.isArray(b) && a.every(isScalar) && b.every(isScalar)) {
    out.push(`${at}${listChange(a, b)}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, out);
  } else if (isObj(a) && isObj(b)) {
    for (const key of unionKeys(a, b)) walk(a[key], b[key], path ? `${path}.${key}` : key, out);
  } else {
    out.push(`${at}${show(a)} → ${show(b)}`);
  }
}

/** Lists of names or targets: what was added and removed reads better than both lists in full. */
function listChange(a: readonly unknown[], b: readonly unknown[]): string {
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const before = a.map(text);
  const after = b.map(text);
  const added = after.filter((v) => !before.includes(v));
  const removed = before.filter((v) => !after.includes(v));
  if (added.length === 0 && removed.length === 0) return `order changed: ${show(a)} → ${show(b)}`;
  if (before.length <= 1 && after.length <= 1) return `${show(a)} → ${show(b)}`;
  return [
    added.length > 0 ? `added ${show(added)}` : '',
    removed.length > 0 ? `removed ${show(removed)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value) && value.every(isScalar)) {
    text = `[${value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}]`;
  } else if (Array.isArray(value)) text = `${value.length} entr${value.length === 1 ? 'y' : 'ies'}`;
  else if (isObj(value)) text = `{${Object.keys(value).join(', ')}}`;
  else text = JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** One line per change: `+ alert orders.alerts/HighLatency`, `~ alert …: threshold changed: 0.5 → 0.8`. */
export function formatChange(change: SemanticChange): string {
  const sign = change.op === 'added' ? '+' : change.op === 'removed' ? '-' : '~';
  return `${sign} ${change.kind} ${change.name}${change.detail ? `: ${change.detail}` : ''}`;
}
