import { resolve } from 'node:path';
import { EXIT, noPositionals, parseCommandArgs, requireOption, stringOption } from './args';
import { paint, printJson, type Io } from './io';
import { alertTitle, placeAlerts, routeTree, synthAndRoute, type RouteNode } from './routed';
import { PROJECT_ROOT, stackFileName } from './stacks';

export async function routesCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    { stack: { type: 'string' }, root: { type: 'string' }, json: { type: 'boolean' } },
    'routes',
  );
  noPositionals(parsed, 'routes');
  const stack = requireOption(parsed, 'stack', 'routes');
  const root = resolve(stringOption(parsed, 'root') ?? PROJECT_ROOT);
  const json = parsed.values.json === true;

  const routed = await synthAndRoute(io, { projectRoot: PROJECT_ROOT, root, stack, json });
  if (!routed) return EXIT.findings;
  const tree = routeTree(routed.result);
  const unplaced = placeAlerts(tree, routed.routes);
  if (json) {
    printJson(io, {
      ok: true,
      stack,
      tree,
      unplaced: unplaced.map(({ service, key, alertname, severity, receivers }) => ({
        service,
        key,
        alertname,
        severity,
        receivers,
      })),
    });
    return EXIT.ok;
  }
  io.out(
    `${paint(io, 'bold', `promstack routes: stack ${stack}`)} (${stackFileName(stack)}), ` +
      `${routed.routes.length} alerts routed by amtool config routes test\n`,
  );
  io.out(`${paint(io, 'cyan', `→ ${tree.receiver}`)} (default receiver)\n`);
  printAlerts(io, tree, '');
  printChildren(io, tree, '');
  if (unplaced.length > 0) {
    io.out(`${paint(io, 'yellow', 'Alerts amtool routes differently from the tree walk:')}\n`);
    for (const route of unplaced) io.out(`  ${alertTitle(route)} → ${route.receivers.join(', ')}\n`);
  }
  return EXIT.ok;
}

function printChildren(io: Io, node: RouteNode, prefix: string): void {
  node.routes.forEach((child, i) => {
    const last = i === node.routes.length - 1;
    const matchers = child.matchers.join(', ') || '(every alert)';
    const cont = child.continue ? paint(io, 'dim', ' (continue)') : '';
    io.out(`${prefix}${last ? '└─' : '├─'} ${matchers} ${paint(io, 'cyan', `→ ${child.receiver}`)}${cont}\n`);
    const inner = `${prefix}${last ? '   ' : '│  '}`;
    printAlerts(io, child, inner);
    printChildren(io, child, inner);
  });
}

function printAlerts(io: Io, node: RouteNode, prefix: string): void {
  const bar = node.routes.length > 0 ? '│ ' : '  ';
  for (const alert of node.alerts) io.out(`${prefix}${bar}   ${alertTitle(alert)}\n`);
}
