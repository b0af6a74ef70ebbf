import { ValidationError, type ValidationIssue } from '../components/model/errors';
import { grafanaUidProblem } from '../components/model/grafana';
import { boundedMemo } from '../components/model/memo';
import { promqlErrors } from '../components/model/promql';
import {
  GRAFANA_BUILTIN_VARIABLES,
  grafanaVariableRefs,
  substituteGrafanaRefs,
  type GrafanaVariableRef,
} from './macros';
import type { PlainDashboard, PlainDatasourceRef, PlainGridPos, PlainPanel } from './types';
import { dashboardPath, panelEntries, targetPath, type PanelEntry } from './walk';

const GRID_COLUMNS = 24;
const BUILTIN_VARIABLES: ReadonlySet<string> = new Set(GRAFANA_BUILTIN_VARIABLES);

/**
 * Every problem of one dashboard that Grafana would not report, or report only by showing a broken panel:
 * uid, panel ids, layout, query names, variables and PromQL syntax. Paths read like
 * `dashboards.checkout-overview.panels[Error ratio].targets[A].expr`.
 */
export function checkDashboard(dashboard: PlainDashboard): ValidationIssue[] {
  const root = dashboardPath(dashboard);
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  checkIdentity(dashboard, root, add);
  const variables = checkVariables(dashboard, root, add);
  const checkRefs: CheckRefs = (path, text, refs = grafanaVariableRefs(text)) => {
    for (const ref of refs) {
      if (variables.has(ref.name) || BUILTIN_VARIABLES.has(ref.name)) continue;
      add(
        path,
        `unknown variable $${ref.name}: define it in templating.list (defined: ${[...variables].join(', ') || 'none'}) or use a Grafana builtin such as $__rate_interval`,
      );
    }
  };
  for (const variable of dashboard.templating?.list ?? []) {
    const path = `${root}.templating.list[${variable.name}]`;
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    if (variable.type === 'query' && typeof query === 'string') checkRefs(`${path}.query`, query);
    checkDatasourceRef(variable.datasource, `${path}.datasource.uid`, checkRefs);
  }

  const entries = panelEntries(dashboard);
  checkPanelIds(entries, add);
  checkLayout(entries, add);
  for (const { panel, path } of entries) {
    checkDatasourceRef(panel.datasource, `${path}.datasource.uid`, checkRefs);
    if (panel.type === 'row') {
      if (panel.collapsed !== true && (panel.panels?.length ?? 0) > 0) {
        add(
          `${path}.panels`,
          'an expanded row must not hold panels: set collapsed: true or move them after the row',
        );
      }
      continue;
    }
    checkTargets(panel, path, add, checkRefs);
  }
  return issues;
}

/** checkDashboard for a set of dashboards that are provisioned together, plus unique uids and titles. */
export function checkDashboards(dashboards: readonly PlainDashboard[]): ValidationIssue[] {
  return [...dashboards.flatMap(checkDashboard), ...checkDashboardIdentities(dashboards)];
}

/**
 * The part of checkDashboards that looks across dashboards: unique uids and titles. Needs only those two
 * fields, so that a caller checking and rendering one dashboard at a time need not keep them all.
 */
export function checkDashboardIdentities(
  dashboards: readonly Pick<PlainDashboard, 'uid' | 'title'>[],
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const field of ['uid', 'title'] as const) {
    const seen = new Set<string>();
    for (const dashboard of dashboards) {
      const value = dashboard[field];
      if (typeof value !== 'string') continue;
      if (seen.has(value)) {
        issues.push({
          path: `${dashboardPath(dashboard)}.${field}`,
          message: `another dashboard has the ${field} ${JSON.stringify(value)}: Grafana keeps only one of them`,
        });
      }
      seen.add(value);
    }
  }
  return issues;
}

/** Throws a ValidationError with every problem of the dashboards, sorted by path. */
export function assertDashboards(dashboards: readonly PlainDashboard[]): void {
  const issues = checkDashboards(dashboards);
  if (issues.length > 0) throw new ValidationError(issues);
}

type Add = (path: string, message: string) => void;
/** Reports the unknown variables of `text`, whose references the caller may have found already. */
type CheckRefs = (path: string, text: string, refs?: readonly GrafanaVariableRef[]) => void;

function checkIdentity(dashboard: PlainDashboard, root: string, add: Add): void {
  if (typeof dashboard.uid !== 'string' || dashboard.uid === '') {
    add(`${root}.uid`, 'missing: set a stable uid so that links and provisioning survive renames');
  } else {
    const problem = grafanaUidProblem(dashboard.uid);
    if (problem) add(`${root}.uid`, problem);
  }
  if (typeof dashboard.title !== 'string' || dashboard.title.trim() === '')
    add(`${root}.title`, 'missing: give the dashboard a title');
  if (dashboard.id !== undefined && dashboard.id !== null) {
    add(
      `${root}.id`,
      'must be unset: Grafana assigns ids to provisioned dashboards and a stale one breaks saving',
    );
  }
}

/** Checks the variable list and returns the defined names. */
function checkVariables(dashboard: PlainDashboard, root: string, add: Add): Set<string> {
  const names = new Set<string>();
  for (const variable of dashboard.templating?.list ?? []) {
    const path = `${root}.templating.list[${variable.name}].name`;
    if (!/^\w+$/.test(variable.name ?? '')) {
      add(
        path,
        `invalid variable name ${JSON.stringify(variable.name)}: use letters, digits and _ so queries can refer to it`,
      );
    } else if (names.has(variable.name)) {
      add(path, `duplicate variable ${variable.name}: Grafana would use only the first`);
    }
    names.add(variable.name);
  }
  return names;
}

function checkDatasourceRef(ref: PlainDatasourceRef | undefined, path: string, checkRefs: CheckRefs): void {
  if (typeof ref?.uid === 'string') checkRefs(path, ref.uid, datasourceUidRefs(ref.uid));
}

/**
 * The variable references of datasource uids, which are few and each repeated in every panel and target
 * (`${datasource}`). Bounded: a uid's references depend on its text alone.
 */
const datasourceUidRefs: (uid: string) => readonly GrafanaVariableRef[] = boundedMemo(
  grafanaVariableRefs,
  100,
);

function checkPanelIds(entries: readonly PanelEntry[], add: Add): void {
  const seen = new Map<number, PanelEntry>();
  for (const entry of entries) {
    const id = entry.panel.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) {
      add(
        `${entry.path}.id`,
        `missing or invalid id ${JSON.stringify(id)}: number the panels with toPlainDashboard`,
      );
      continue;
    }
    const first = seen.get(id);
    if (first) {
      add(
        `${entry.path}.id`,
        `id ${id} is also used by ${first.path}: panel ids must be unique (toPlainDashboard numbers them)`,
      );
    } else seen.set(id, entry);
  }
}

function checkLayout(entries: readonly PanelEntry[], add: Add): void {
  const placed: { entry: PanelEntry; pos: PlainGridPos }[] = [];
  for (const entry of entries) {
    const pos = entry.panel.gridPos;
    const path = `${entry.path}.gridPos`;
    if (!pos) {
      add(
        path,
        'missing: every panel needs a position (the SDK dashboard builder places panels it is given)',
      );
      continue;
    }
    const whole = isWhole(pos.x) && isWhole(pos.y) && isWhole(pos.w) && isWhole(pos.h);
    if (!whole || pos.x < 0 || pos.y < 0 || pos.w < 1 || pos.h < 1) {
      add(path, `invalid ${describe(pos)}: x and y are whole numbers from 0, w and h from 1`);
      continue;
    }
    if (pos.x + pos.w > GRID_COLUMNS) {
      add(
        path,
        `${describe(pos)} ends at column ${pos.x + pos.w}: the grid has ${GRID_COLUMNS} columns, reduce x or w`,
      );
    }
    for (const other of placed) {
      if (other.entry.layout !== entry.layout || !overlaps(pos, other.pos)) continue;
      add(
        path,
        `${describe(pos)} overlaps ${other.entry.path} (${describe(other.pos)}): move or resize one of them`,
      );
    }
    placed.push({ entry, pos });
  }
}

function isWhole(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n);
}

function overlaps(a: PlainGridPos, b: PlainGridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function describe(pos: PlainGridPos): string {
  return `x=${pos.x} y=${pos.y} w=${pos.w} h=${pos.h}`;
}

function checkTargets(panel: PlainPanel, path: string, add: Add, checkRefs: CheckRefs): void {
  const refIds = new Set<string>();
  (panel.targets ?? []).forEach((target, index) => {
    const at = targetPath(path, target, index);
    if (typeof target.refId !== 'string' || target.refId === '') {
      add(
        `${at}.refId`,
        'missing: name each query (A, B, ...) or pass the dashboard through toPlainDashboard',
      );
    } else if (refIds.has(target.refId)) {
      add(`${at}.refId`, `duplicate refId ${target.refId}: each query of a panel needs its own`);
    } else refIds.add(target.refId);

    checkDatasourceRef(target.datasource, `${at}.datasource.uid`, checkRefs);
    const type = target.datasource?.type ?? panel.datasource?.type ?? 'prometheus';
    if (type !== 'prometheus') return;
    if (typeof target.expr !== 'string' || target.expr.trim() === '') {
      add(`${at}.expr`, 'missing: every Prometheus query needs a PromQL expression');
      return;
    }
    const refs = grafanaVariableRefs(target.expr);
    checkRefs(`${at}.expr`, target.expr, refs);
    const substituted = substituteGrafanaRefs(target.expr, refs);
    const [first] = promqlErrors(substituted);
    if (first) {
      const shown = substituted === target.expr ? '' : ' (after substituting Grafana variables)';
      add(`${at}.expr`, `invalid PromQL: ${first.message} in ${JSON.stringify(substituted)}${shown}`);
    }
  });
}
