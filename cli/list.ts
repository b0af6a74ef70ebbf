import { resolve } from 'node:path';
import { EXIT, noPositionals, parseCommandArgs, requireOption, stringOption } from './args';
import { paint, printJson, type Io } from './io';
import { rulesOf, synthAndRoute } from './routed';
import { PROJECT_ROOT, stackFileName } from './stacks';
import { DEFAULT_SLO_PERIOD } from '../components/service/slo-conventions';

export async function listCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    { stack: { type: 'string' }, root: { type: 'string' }, json: { type: 'boolean' } },
    'list',
  );
  noPositionals(parsed, 'list');
  const stack = requireOption(parsed, 'stack', 'list');
  const root = resolve(stringOption(parsed, 'root') ?? PROJECT_ROOT);
  const json = parsed.values.json === true;

  const routed = await synthAndRoute(io, { projectRoot: PROJECT_ROOT, root, stack, json });
  if (!routed) return EXIT.findings;
  const { result, routes, tree } = routed;
  const jobs = new Set((result.rendered.prometheus.scrape_configs ?? []).map((job) => job.job_name));
  const services = tree.services.map((service) => ({
    name: service.name,
    team: service.team,
    // A service with no targets on this platform has no scrape job here.
    job: jobs.has(service.name) ? service.name : null,
  }));
  const rules = rulesOf(result, routes);
  const alerts = routes.map((route, i) => ({
    service: route.service,
    key: route.key,
    alertname: route.alertname,
    severity: route.severity,
    for: rules[i]?.for ?? null,
    receivers: route.receivers,
  }));
  const slos = tree.services.flatMap((service) =>
    (service.slos ?? []).map((slo) => ({
      service: service.name,
      name: slo.name,
      objective: slo.objective,
      period: slo.period ?? DEFAULT_SLO_PERIOD,
    })),
  );
  if (json) {
    printJson(io, { ok: true, stack, services, alerts, slos });
    return EXIT.ok;
  }
  io.out(`${paint(io, 'bold', `promstack list: stack ${stack}`)} (${stackFileName(stack)})\n`);
  io.out(`${paint(io, 'bold', `Services`)} (${services.length}):\n`);
  printTable(
    io,
    ['service', 'team', 'job'],
    services.map((s) => [s.name, s.team, s.job ?? '(no targets)']),
  );
  io.out(`${paint(io, 'bold', `Alerts`)} (${alerts.length}; receivers from amtool config routes test):\n`);
  printTable(
    io,
    ['service', 'key', 'alertname', 'severity', 'for', 'receivers'],
    alerts.map((a) => [
      a.service,
      a.key,
      a.alertname,
      a.severity || 'none',
      a.for ?? '-',
      a.receivers.join(', ') || '(none)',
    ]),
  );
  io.out(`${paint(io, 'bold', `SLOs`)} (${slos.length}):\n`);
  printTable(
    io,
    ['service', 'slo', 'objective', 'period'],
    slos.map((s) => [s.service, s.name, `${s.objective}%`, s.period]),
  );
  return EXIT.ok;
}

function printTable(io: Io, header: readonly string[], rows: readonly (readonly string[])[]): void {
  if (rows.length === 0) {
    io.out('  (none)\n');
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`;
  io.out(paint(io, 'dim', line(header)));
  for (const row of rows) io.out(line(row));
}
