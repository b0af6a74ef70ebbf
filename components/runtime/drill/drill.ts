import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReceiverInput } from '../../model/alertmanager';
import type { ServiceDefinition } from '../../service';
import { validateStack } from '../../stack/synth';
import { receiversPointingAt, startChannelSinks } from '../channels';
import { freeLocalPorts, startLocalStack, type LocalStack } from '../local';
import {
  defaultTimeScale,
  drillServices,
  drillStackInput,
  exampleBackendService,
  heartbeatReceivers,
  scaleIntervals,
  stackIntervals,
  timeScaleProblem,
} from './config';
import { round } from './floors';
import { heartbeatStage } from './heartbeat';
import { prepare } from './prepare';
import type { DrillReport, ScenarioResult } from './report';
import { DrillRun, LATENCY_LIMIT } from './run';
import { faultsStage } from './stage-faults';
import { maintenanceStage, silenceStage, stackHealth, targetDownStage } from './stage-hang';

export interface DrillOptions {
  /** The `promstack:stack` object of Pulumi.<env>.yaml. */
  stack: unknown;
  services: readonly ServiceDefinition[];
  /** Stack name (the `environment` label). */
  environment: string;
  /** Vendored rule files, deployed beside the generated ones as on the real stack. */
  ruleFiles?: Readonly<Record<string, string>>;
  /** Divides every window, `for` and interval. Default: the factor that makes the scrape interval 1s. */
  timeScale?: number;
  /** Data folder of the drill's stack. Default: a temporary folder, removed afterwards unless `keep`. */
  root?: string;
  keep?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Stops the drill (Ctrl-C): the stack is stopped and runDrill rejects. */
  signal?: AbortSignal;
}

/**
 * The alert fire drill: runs the stack as local processes on a compressed clock with its receivers
 * pointed at local stand-ins, breaks the example backend through its fault API, and proves that each
 * alert fires, reaches exactly the receivers its route names with the right labels, resolves, and that
 * silences, maintenance windows and inhibitions hold. Resolves with the report; throws only when the
 * drill cannot run (invalid config, no example backend service, a process that dies).
 */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const startedAt = new Date();
  const log = options.log ?? (() => undefined);
  const config = validateStack(options.stack, options.services);
  const factor = options.timeScale ?? defaultTimeScale(config);
  const problem = timeScaleProblem(factor);
  if (problem) throw new RangeError(problem);
  const service = exampleBackendService(options.services);
  if (!service)
    throw new Error(
      'no service of the catalogue is scraped where the example backend runs (local target 127.0.0.1:18080): the drill breaks that service',
    );
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'promstack-drill-'));
  const sinks = await startChannelSinks({ host: '127.0.0.1' });
  let stack: LocalStack | undefined;
  let died: Error | undefined;
  try {
    const ports = await freeLocalPorts(config.alertmanager.replicas);
    const rawReceivers = (options.stack as { receivers: ReceiverInput[] }).receivers;
    const receivers = [
      ...receiversPointingAt(sinks, rawReceivers, { secretsDir: join(root, 'channel-secrets') }),
      ...heartbeatReceivers(config, sinks),
    ];
    const input = drillStackInput(options.stack, config, { factor, receivers });
    const services = drillServices(options.services, {
      backendTarget: `127.0.0.1:${ports.exampleBackend}`,
      factor,
    });
    log(`starting the ${options.environment} stack on a ${factor}x clock in ${root}`);
    const stackStartedAt = Date.now();
    stack = await startLocalStack({
      stack: input,
      services,
      environment: options.environment,
      root: join(root, 'stack'),
      ports,
      ...(options.ruleFiles ? { ruleFiles: options.ruleFiles } : {}),
      exampleBackend: true,
      // The drill reads Prometheus and Alertmanager only; Grafana would cost a start and a core.
      tools: { 'grafana-server': undefined },
      timeScale: factor,
      log: (line) => log(`  ${line}`),
      ...(options.signal ? { signal: options.signal } : {}),
      onUnexpectedExit: (p, code, signal) => {
        died = new Error(
          `${p.name} exited during the drill (${signal ?? `code ${code}`}); see ${p.spec.logFile}`,
        );
      },
    });
    const run = new DrillRun({
      stackInput: options.stack,
      catalogue: options.services,
      environment: options.environment,
      ...(options.ruleFiles ? { ruleFiles: options.ruleFiles } : {}),
      config,
      factor,
      service: services.find((s) => s.name === service.name)!,
      services,
      input,
      stack,
      sinks,
      stackStartedAt,
      log,
      fatal: () => died ?? (options.signal?.aborted ? new Error('the drill was interrupted') : undefined),
    });
    const scenarios = await stages(run);
    if (died) throw died;
    return {
      ok: scenarios.every((s) => s.ok),
      stack: options.environment,
      timeScale: factor,
      limit: LATENCY_LIMIT,
      startedAt: startedAt.toISOString(),
      durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 1),
      service: service.name,
      intervals: { real: stackIntervals(config), scaled: scaleIntervals(stackIntervals(config), factor) },
      history: run.history,
      scenarios,
      ...(options.keep || options.root ? { dataDir: root } : {}),
    };
  } finally {
    await stack?.stop();
    await sinks.close();
    if (!options.keep && !options.root) rmSync(root, { recursive: true, force: true });
  }
}

/** Report order: the alerts first, then the checks. */
const ORDER = [
  'baseline',
  'target down',
  'error ratio',
  'latency',
  'SLO fast burn',
  'latency SLO fast burn',
  'CPU',
  'inhibition',
  'dashboards',
  'silence',
  'maintenance window',
  'watchdog heartbeat',
  'stack health',
];

/**
 * The stages, in an order that keeps them apart where they would disturb each other:
 *
 * - errors, latency and CPU first (stage-faults.ts), then a wait until their alerts have resolved on
 *   their own data: the stages after them hang the backend, which stops every scrape of it;
 * - TargetDown before any other hang, so that it meets a fresh Alertmanager group (an emptied group
 *   lingers for up to a group_interval and a cleanup, and a new alert in it waits for its next tick
 *   instead of group_wait);
 * - the maintenance window once every resolved notification has arrived: it mutes the owner team's
 *   routes, resolved notifications included;
 * - the silence last;
 * - the Watchdog heartbeat all along, beside the others: only its notifications are read at the end.
 */
async function stages(run: DrillRun): Promise<ScenarioResult[]> {
  await prepare(run);
  const faults = await faultsStage(run);
  await run.settle('the alerts of the faults resolve in Prometheus', faults.alerts, 120);
  await faults.recheck();
  await targetDownStage(run);
  await Promise.allSettled(run.pending);
  await maintenanceStage(run);
  await silenceStage(run);
  await Promise.allSettled(run.pending);
  // The Watchdog's notifications arrived all along: reading them adds no time.
  heartbeatStage(run);
  await stackHealth(run);
  return ORDER.flatMap((name) => {
    const result = run.results.get(name);
    return result ? [result()] : [];
  });
}
