import { applySilences } from './silences';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exampleBackendWorkload, type ExampleBackendOptions } from '../../platforms/dev-extras';
import {
  grafanaWorkload,
  localAlertmanagerWorkloads,
  prometheusWorkload,
  secretsNeeded,
  type Workload,
} from '../../platforms/workload';
import type { ServiceDefinition } from '../../service';
import type { StackConfig } from '../../stack/config';
import type { StackLayout } from '../../stack/layout';
import { synthStack, validateStack, type SynthResult } from '../../stack/synth';
import { findTool, locateTool } from '../../tools/binaries';
import { exampleBackendCommand, grafanaCommand, grafanaHome, toolCommand } from './commands';
import { localDataDirs, localLayout, localPaths, type LocalPaths } from './layout';
import { LocalProcess, type ExitListener, type LocalCommand } from './local-process';
import { defaultLocalPorts, freeLocalPorts, portInUse, type LocalPorts } from './ports';
import { writeLocalSecrets, type LocalSecret } from './secrets';
import { readWebCredentials, withLogin, writeWebConfigs, type WebCredentials } from './web-auth';

/** Binaries a local stack runs; grafana-server is optional. */
export type LocalTool = 'prometheus' | 'alertmanager' | 'grafana-server';

export interface LocalStackOptions {
  /** The `promstack:stack` object of Pulumi.<env>.yaml (validated here). */
  stack: unknown;
  services: readonly ServiceDefinition[];
  /** Stack name: the `environment` label, and part of the default data folder. */
  environment: string;
  /** Data folder; configs, secrets, data and logs go below it and persist between runs. */
  root: string;
  /** Default: the stack's own ports (defaultLocalPorts); `free` picks unused ones. */
  ports?: Partial<LocalPorts> | 'free';
  /** Existing rule files deployed beside the generated ones (synthStack's ruleFiles). */
  ruleFiles?: Readonly<Record<string, string>>;
  /** Run the example backend. Default: the stack's docker.exampleBackend. */
  exampleBackend?: boolean;
  /** Binaries to run instead of the ones findTool/locateTool find; `grafana-server: undefined` skips Grafana. */
  tools?: Partial<Record<LocalTool, string | undefined>>;
  /** Every rule window and `for` divided by this factor (synthStack's timeScale), for alert drills. */
  timeScale?: number;
  /** Where PROMSTACK_SECRET_<NAME> values are read. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Progress lines while starting and stopping. */
  log?: (line: string) => void;
  /** Aborts a start in progress (Ctrl-C while Prometheus replays its WAL). */
  signal?: AbortSignal;
  /** A process that exits while the stack runs, without being asked to. */
  onUnexpectedExit?: ExitListener;
}

export interface LocalStack {
  environment: string;
  paths: LocalPaths;
  ports: LocalPorts;
  synth: SynthResult;
  urls: { prometheus: string; alertmanagers: string[]; grafana?: string; exampleBackend?: string };
  /** By workload name, in start order: prometheus, alertmanager (or alertmanager-N), grafana, example-backend. */
  processes: Record<string, LocalProcess>;
  /** Processes left out, with why (Grafana without grafana-server). */
  notStarted: { name: string; reason: string }[];
  /** Where each secret file's value came from; never the values. */
  secrets: LocalSecret[];
  /** The login Prometheus and Alertmanager ask for (webAuth, the password from the secrets folder). */
  webAuth: WebCredentials;
  /** Stops every process (SIGTERM, so the tools flush their data) and releases the data folder. */
  stop(): Promise<void>;
}

/** Written into the config folder, so that only a folder promstack wrote is ever replaced. */
const CONFIG_MARKER = '.promstack-local';

const STOP_GRACE_MS: Record<string, number> = { prometheus: 30_000 };

/** Every process listens on the loopback address only. */
const HOST = '127.0.0.1';

function urlOf(port: number): string {
  return `http://${HOST}:${port}`;
}

/**
 * Runs a stack as processes on 127.0.0.1: the same flags, files and environment as the Docker and
 * Kubernetes workloads (components/platforms/workload.ts), with paths in the data folder. Resolves when
 * every process is ready; on any failure stops what it started and throws.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const paths = localPaths(options.root);
  const config = validateStack(options.stack, options.services);
  const ports = await localPortsOf(config, options.ports);
  const layout = localLayout(paths);
  const binaries = findBinaries(options);
  const synth = synthLocal(options, layout, ports, binaries.grafana !== undefined);
  const planned = planProcesses(synth, config, paths, layout, ports, binaries, options);

  const group = processGroup(paths);
  try {
    const { secrets, webAuth } = await prepareFolders(paths, planned, config, options, log);
    await startProcesses(group.processes, planned, paths, webAuth, options, log);
    for (const skipped of binaries.notStarted) log(`${skipped.name}: not started (${skipped.reason})`);
    const silences = await applySilences(
      urlOf(ports.alertmanagers[0].web),
      config.silences,
      Date.now(),
      webAuth,
    );
    if (config.silences.length > 0)
      log(
        `silences: ${silences.created} created, ${silences.present} already there, ${silences.ended} ended`,
      );
    return {
      environment: options.environment,
      paths,
      ports,
      synth,
      urls: {
        prometheus: urlOf(ports.prometheus),
        alertmanagers: ports.alertmanagers.map((m) => urlOf(m.web)),
        ...(group.processes.grafana ? { grafana: urlOf(ports.grafana) } : {}),
        ...(group.processes['example-backend'] ? { exampleBackend: urlOf(ports.exampleBackend) } : {}),
      },
      processes: group.processes,
      notStarted: binaries.notStarted,
      secrets,
      webAuth,
      stop: async () => {
        log('stopping');
        await group.stopAll();
        log('stopped');
      },
    };
  } catch (error) {
    await group.stopAll();
    throw error;
  }
}

/** The stack's own ports, or free ones; one web and gossip port per Alertmanager replica. */
async function localPortsOf(config: StackConfig, wanted: LocalStackOptions['ports']): Promise<LocalPorts> {
  const replicas = config.alertmanager.replicas;
  const ports: LocalPorts =
    wanted === 'free' ? await freeLocalPorts(replicas) : { ...defaultLocalPorts(config), ...wanted };
  if (ports.alertmanagers.length !== replicas) {
    throw new Error(
      `ports.alertmanagers lists ${ports.alertmanagers.length} members, the stack has alertmanager.replicas ${replicas}`,
    );
  }
  return ports;
}

/** The binaries to run; Grafana only where grafana-server and its home are found, else why not. */
interface LocalBinaries {
  prometheus: string;
  alertmanager: string;
  grafana?: { binary: string; home: string };
  notStarted: LocalStack['notStarted'];
}

function findBinaries(options: LocalStackOptions): LocalBinaries {
  const tool = (name: LocalTool) =>
    options.tools && Object.hasOwn(options.tools, name) ? options.tools[name] : undefined;
  const prometheus = tool('prometheus') ?? findTool('prometheus');
  const alertmanager = tool('alertmanager') ?? findTool('alertmanager');
  const grafanaBinary =
    options.tools && Object.hasOwn(options.tools, 'grafana-server')
      ? tool('grafana-server')
      : locateTool('grafana-server');
  const home = grafanaBinary ? grafanaHome(grafanaBinary, options.env) : undefined;
  const notStarted: LocalStack['notStarted'] = [];
  if (!grafanaBinary) notStarted.push({ name: 'grafana', reason: 'grafana-server not found' });
  else if (!home)
    notStarted.push({
      name: 'grafana',
      reason: `no Grafana home (conf/defaults.ini) found for ${grafanaBinary}: set GRAFANA_HOME`,
    });
  const grafana =
    grafanaBinary !== undefined && home !== undefined ? { binary: grafanaBinary, home } : undefined;
  return { prometheus, alertmanager, grafana, notStarted };
}

/** The stack rendered for local processes: paths in the data folder, endpoints on 127.0.0.1. */
function synthLocal(
  options: LocalStackOptions,
  layout: StackLayout,
  ports: LocalPorts,
  runsGrafana: boolean,
): SynthResult {
  return synthStack(options.stack, options.services, {
    environment: options.environment,
    platform: 'local',
    layout,
    endpoints: {
      prometheus: [`${HOST}:${ports.prometheus}`],
      alertmanagers: ports.alertmanagers.map((m) => `${HOST}:${m.web}`),
      // Only a Grafana that runs is scraped: one that is not installed would only be down.
      ...(runsGrafana ? { grafana: `${HOST}:${ports.grafana}` } : {}),
    },
    ...(options.ruleFiles ? { ruleFiles: options.ruleFiles } : {}),
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
  });
}

interface PlannedProcess {
  workload: Workload;
  command: LocalCommand;
}

/** Each process in start order, its workload and command: Prometheus, Alertmanagers, Grafana, backend. */
function planProcesses(
  synth: SynthResult,
  config: StackConfig,
  paths: LocalPaths,
  layout: StackLayout,
  ports: LocalPorts,
  binaries: LocalBinaries,
  options: LocalStackOptions,
): PlannedProcess[] {
  const data = localDataDirs(paths, config.alertmanager.replicas);
  const workloadOptions: ExampleBackendOptions = {
    platform: 'local',
    layout,
    listenHost: HOST,
    dataDirs: { prometheus: data.prometheus, grafana: data.grafana },
    ports: { prometheus: ports.prometheus, grafana: ports.grafana },
    exampleBackendPort: ports.exampleBackend,
  };
  const members = ports.alertmanagers.map((m, i) => ({
    port: m.web,
    clusterPort: m.cluster,
    dataDir: data.alertmanagers[i],
  }));
  const planned: PlannedProcess[] = [
    toolPlan(prometheusWorkload(synth, workloadOptions), binaries.prometheus),
    ...localAlertmanagerWorkloads(synth, members, workloadOptions).map((w) =>
      toolPlan(w, binaries.alertmanager),
    ),
  ];
  if (binaries.grafana) {
    const { binary, home } = binaries.grafana;
    const workload = grafanaWorkload(synth, workloadOptions);
    planned.push({ workload, command: grafanaCommand(workload, binary, home) });
  }
  if (options.exampleBackend ?? config.docker.exampleBackend) {
    const workload = exampleBackendWorkload(synth, workloadOptions);
    planned.push({ workload, command: exampleBackendCommand(workload) });
  }
  return planned;
}

function toolPlan(workload: Workload, binary: string): PlannedProcess {
  return { workload, command: toolCommand(workload, binary) };
}

/**
 * The processes of one stack, holding its data folder: they get SIGTERM if this process exits, and
 * stopAll stops them (Alertmanager members one at a time) and releases the folder.
 */
function processGroup(paths: LocalPaths): {
  processes: Record<string, LocalProcess>;
  stopAll: () => Promise<void>;
} {
  const releaseLock = acquireLock(paths);
  const processes: Record<string, LocalProcess> = {};
  const exitHook = () => {
    // The stack must not outlive this process: the tools get SIGTERM and flush on their own.
    for (const p of Object.values(processes)) {
      try {
        if (p.pid) process.kill(p.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', exitHook);
  const stopAll = async () => {
    const all = Object.values(processes);
    const members = all.filter((p) => p.spec.workload.cluster);
    const others = all.filter((p) => !p.spec.workload.cluster);
    // One member at a time: a member leaving while the others still listen is acknowledged at once,
    // while members leaving together each wait out the leave timeout (10 s).
    const leave = async () => {
      for (const member of members) await member.stop();
    };
    await Promise.all([leave(), ...others.map((p) => p.stop())]);
    process.off('exit', exitHook);
    releaseLock();
  };
  return { processes, stopAll };
}

/**
 * Refuses a port something else listens on, then writes the configs, the secrets and the web configs
 * derived from the password, and makes the data folders; returns where each secret came from and the
 * login.
 */
async function prepareFolders(
  paths: LocalPaths,
  planned: readonly PlannedProcess[],
  config: StackConfig,
  options: LocalStackOptions,
  log: (line: string) => void,
): Promise<{ secrets: LocalSecret[]; webAuth: WebCredentials }> {
  for (const { workload } of planned) {
    for (const port of workload.ports) {
      if (await portInUse(port.container)) {
        throw new Error(
          `port ${port.container} on ${HOST} is in use, ${workload.name} cannot listen there: stop what runs there or change the stack's ports`,
        );
      }
    }
  }
  log(`data folder ${paths.root}`);
  const workloads = planned.map((p) => p.workload);
  const written = writeConfigs(paths, workloads);
  log(`configs written: ${written} files in ${paths.config}`);
  const secrets = writeLocalSecrets(paths.secrets, secretsNeeded(workloads), {
    env: options.env,
    generate: [
      config.grafana.adminPasswordSecret,
      config.grafana.secretKeySecret,
      config.webAuth.passwordSecret,
    ],
  });
  for (const secret of secrets) log(describeSecret(secret));
  const webAuth = readWebCredentials(config, paths.secrets);
  const webConfigs = writeWebConfigs(workloads, webAuth);
  log(
    `web configs written: ${webConfigs} (login ${webAuth.username}, password in ${config.webAuth.passwordSecret})`,
  );
  for (const workload of workloads) {
    for (const volume of workload.volumes) mkdirSync(volume.path, { recursive: true });
  }
  return { secrets, webAuth };
}

/** Starts every planned process into `processes` and waits until all are ready; throws every failure. */
async function startProcesses(
  processes: Record<string, LocalProcess>,
  planned: readonly PlannedProcess[],
  paths: LocalPaths,
  webAuth: WebCredentials,
  options: LocalStackOptions,
  log: (line: string) => void,
): Promise<void> {
  const login = withLogin(webAuth).headers as Record<string, string>;
  for (const { workload, command } of planned) {
    processes[workload.name] = new LocalProcess(
      {
        name: workload.name,
        workload,
        command,
        url: urlOf(workload.healthCheck.port),
        readyPath: workload.healthCheck.readyPath ?? workload.healthCheck.httpPath,
        readyHeaders: workload.healthCheck.basicAuth ? login : undefined,
        readyTimeoutMs: workload.healthCheck.startPeriodSeconds * 1000,
        logFile: join(paths.logs, `${workload.name}.log`),
        stopGraceMs: STOP_GRACE_MS[workload.name] ?? 10_000,
      },
      options.onUnexpectedExit,
    );
  }
  // Independent of each other: Prometheus retries Alertmanager and its targets until they answer.
  const results = await Promise.allSettled(
    Object.values(processes).map(async (p) => {
      log(`starting ${p.name} on ${p.url}`);
      await p.start(options.signal);
      log(`${p.name} ready (${(p.readyAfterMs / 1000).toFixed(1)} s)`);
    }),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) {
    throw new Error(failures.map((f) => (f instanceof Error ? f.message : String(f))).join('\n'));
  }
}

function describeSecret(secret: LocalSecret): string {
  switch (secret.source) {
    case 'env':
      return `secret ${secret.name}: from ${secret.envVar}`;
    case 'file':
      return `secret ${secret.name}: kept from ${secret.path}`;
    case 'generated':
      return `secret ${secret.name}: generated, in ${secret.path}`;
    case 'placeholder':
      return `secret ${secret.name}: placeholder (set ${secret.envVar} for a real value)`;
  }
}

/** Replaces the config folder with the workloads' files; returns how many were written. */
function writeConfigs(paths: LocalPaths, workloads: readonly Workload[]): number {
  if (existsSync(paths.config)) {
    if (!existsSync(join(paths.config, CONFIG_MARKER))) {
      throw new Error(
        `${paths.config} exists and was not written by promstack local: choose another data folder`,
      );
    }
    rmSync(paths.config, { recursive: true, force: true });
  }
  mkdirSync(paths.config, { recursive: true });
  writeFileSync(join(paths.config, CONFIG_MARKER), 'Rendered by promstack local; replaced on every start.\n');
  const files = new Map<string, string>();
  for (const workload of workloads)
    for (const file of workload.configFiles) files.set(file.path, file.content);
  for (const [path, content] of files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return files.size;
}

/** Data folders of the stacks this process runs. */
const running = new Set<string>();

/** Claims the data folder for this process; throws when another stack, here or elsewhere, holds it. */
function acquireLock(paths: LocalPaths): () => void {
  if (running.has(paths.root)) throw new Error(`a stack already runs in ${paths.root}: stop it first`);
  mkdirSync(paths.root, { recursive: true });
  if (existsSync(paths.lock)) {
    const pid = Number(readFileSync(paths.lock, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(`another promstack local (pid ${pid}) runs the stack in ${paths.root}: stop it first`);
    }
  }
  writeFileSync(paths.lock, `${process.pid}\n`);
  running.add(paths.root);
  return () => {
    running.delete(paths.root);
    if (existsSync(paths.lock) && readFileSync(paths.lock, 'utf8').trim() === String(process.pid))
      rmSync(paths.lock, { force: true });
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
