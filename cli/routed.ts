import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseMatcher, type Route } from '../components/model/alertmanager';
import { re2FullMatch } from '../components/model/re2';
import { isAlertingRule, type AlertingRule } from '../components/model/rules';
import { layoutUnder, type SynthResult } from '../components/stack';
import { testRoutes, type AlertRoute } from '../components/stack/alert-routes';
import { OUTPUT_PATHS, ruleFilePath } from '../components/stack/paths';
import { requireTools } from './args';
import type { Io } from './io';
import { validationIssues } from './stacks';
import { reportIssues } from './synth';
import { loadTree, synthWith, type StackTree } from './tree';

/** A stack rendered, and every alert of it routed by amtool. */
export interface RoutedStack {
  tree: StackTree;
  result: SynthResult;
  /** One per alert, in the order of the synth summary (vendored rule files' alerts last). */
  routes: AlertRoute[];
}

const PLACEHOLDER_SECRET = 'placeholder-written-by-promstack\n';

/**
 * Renders the stack into a temporary folder laid out like the containers and asks `amtool config routes
 * test` where each alert goes. Validation errors are printed (as every synthesizing command prints
 * them) and returned as undefined: exit 1.
 */
export async function synthAndRoute(
  io: Io,
  options: { projectRoot: string; root: string; stack: string; json: boolean },
): Promise<RoutedStack | undefined> {
  requireTools('amtool');
  const dir = mkdtempSync(join(tmpdir(), 'promstack-routes-'));
  try {
    const tree = loadTree(options.projectRoot);
    let result: SynthResult;
    try {
      result = synthWith(tree, options.root, options.stack, layoutUnder(dir));
    } catch (error) {
      const issues = validationIssues(error);
      if (!issues) throw error;
      reportIssues(io, options.json, options.stack, issues);
      return undefined;
    }
    writeAlertmanagerFiles(dir, result);
    const routes = await testRoutes(result, join(dir, OUTPUT_PATHS.alertmanagerConfig));
    return { tree, result, routes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** alertmanager.yml, its templates and placeholder secret files: what amtool loads. */
function writeAlertmanagerFiles(dir: string, result: SynthResult): void {
  for (const [path, text] of Object.entries(result.files)) {
    if (!path.startsWith('alertmanager/')) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const secretsDir = layoutUnder(dir).alertmanagerSecretsDir;
  mkdirSync(secretsDir, { recursive: true });
  for (const name of result.secrets.alertmanager) writeFileSync(join(secretsDir, name), PLACEHOLDER_SECRET);
}

/** `service/key [severity]`, with the alert name when it differs from the key, as check prints it. */
export function alertTitle(route: Pick<AlertRoute, 'service' | 'key' | 'alertname' | 'severity'>): string {
  const name = route.key === route.alertname ? route.key : `${route.key} (${route.alertname})`;
  return `${route.service}/${name} [${route.severity || 'none'}]`;
}

/**
 * The alerting rule of each routed alert, from the rendered rule files (never the YAML): alerts that
 * share a name (an SLO's page and ticket) differ by severity and are taken in file order, as
 * alertsToRoute pairs them.
 */
export function rulesOf(result: SynthResult, routes: readonly AlertRoute[]): (AlertingRule | undefined)[] {
  const unused = new Map<string, AlertingRule[]>();
  for (const [path, file] of Object.entries(result.rendered.ruleFiles)) {
    unused.set(
      path,
      file.groups.flatMap((group) => group.rules.filter(isAlertingRule)),
    );
  }
  return routes.map((route) => {
    const rules = unused.get(ruleFilePath(route.service)) ?? [];
    const index = rules.findIndex(
      (rule) => rule.alert === route.alertname && (rule.labels?.severity ?? '') === route.severity,
    );
    return index >= 0 ? rules.splice(index, 1)[0] : undefined;
  });
}

export interface RoutedAlert {
  service: string;
  key: string;
  alertname: string;
  severity: string;
}

/** One node of the routing tree, with the alerts that stop at it. */
export interface RouteNode {
  /** The matchers of this route alone; the path to it is the matchers of its ancestors too. */
  matchers: string[];
  /** Its receiver, inherited from the parent when the route names none. */
  receiver: string;
  continue: boolean;
  /** Alerts this route delivers (it matched them and no child took them). */
  alerts: RoutedAlert[];
  routes: RouteNode[];
}

function matches(matcherText: string, labels: Record<string, string>): boolean {
  const parsed = parseMatcher(matcherText);
  if (!parsed.ok) return false;
  const { name, operator, value } = parsed.matcher;
  const actual = labels[name] ?? '';
  switch (operator) {
    case '=':
      return actual === value;
    case '!=':
      return actual !== value;
    case '=~':
      return re2FullMatch(value, actual);
    case '!~':
      return !re2FullMatch(value, actual);
  }
}

/** The routing tree of the rendered Alertmanager config, receivers inherited as Alertmanager does. */
export function routeTree(result: { rendered: Pick<SynthResult['rendered'], 'alertmanager'> }): RouteNode {
  const root = result.rendered.alertmanager.route;
  const build = (route: Route, inherited: string): RouteNode => {
    const receiver = route.receiver ?? inherited;
    return {
      matchers: route.matchers ?? [],
      receiver,
      continue: route.continue === true,
      alerts: [],
      routes: (route.routes ?? []).map((child) => build(child, receiver)),
    };
  };
  return build({ ...root, continue: undefined, matchers: undefined } as Route, root.receiver);
}

/** The nodes an alert stops at, as Alertmanager's dispatcher walks the tree (Route.Match). */
export function matchNodes(node: RouteNode, labels: Record<string, string>): RouteNode[] {
  if (!node.matchers.every((m) => matches(m, labels))) return [];
  const all: RouteNode[] = [];
  for (const child of node.routes) {
    const found = matchNodes(child, labels);
    all.push(...found);
    if (found.length > 0 && !child.continue) break;
  }
  return all.length > 0 ? all : [node];
}

/**
 * Places every alert at the routes that deliver it. amtool decides the receivers; the walk over the
 * typed tree only says which route (two routes may share a receiver). An alert whose walk disagrees
 * with amtool is returned as unplaced, with amtool's receivers, rather than put at a guessed route.
 */
export function placeAlerts(tree: RouteNode, routes: readonly AlertRoute[]): AlertRoute[] {
  const unplaced: AlertRoute[] = [];
  for (const route of routes) {
    const nodes = matchNodes(tree, route.labels);
    const walked = nodes.map((n) => n.receiver);
    if (walked.join(',') !== route.receivers.join(',')) {
      unplaced.push(route);
      continue;
    }
    const { service, key, alertname, severity } = route;
    for (const node of nodes) node.alerts.push({ service, key, alertname, severity });
  }
  return unplaced;
}
