import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Workload } from '../../platforms/workload';
import { startProcess, waitFor, type RunningProcess } from '../processes';

/** How a workload runs as a process: the binary, its flags and the environment it adds. */
export interface LocalCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
}

export interface LocalProcessSpec {
  /** The workload's name: `prometheus`, `alertmanager` or `alertmanager-N`, `grafana`, `example-backend`. */
  name: string;
  workload: Workload;
  command: LocalCommand;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Readiness path (`/-/ready`, `/api/health`, `/healthz`). */
  readyPath: string;
  /** Headers of the readiness request: the login of Prometheus and Alertmanager. */
  readyHeaders?: Record<string, string>;
  readyTimeoutMs: number;
  /** Output of every run is appended here. */
  logFile: string;
  /** Time between SIGTERM and SIGKILL on stop. */
  stopGraceMs: number;
}

export type ExitListener = (
  process: LocalProcess,
  code: number | null,
  signal: NodeJS.Signals | null,
) => void;

/** Time to let a terminal's Ctrl-C reach us too before a child's exit counts as a crash. */
const SIGNAL_RACE_MS = 300;

/** One process of a local stack, which can be stopped, killed and started again on the same data. */
export class LocalProcess {
  private current: RunningProcess | undefined;
  private expectingExit = false;
  private spawnError: Error | undefined;
  /** Milliseconds the last start took until ready. */
  readyAfterMs = 0;

  constructor(
    readonly spec: LocalProcessSpec,
    private readonly onUnexpectedExit?: ExitListener,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get url(): string {
    return this.spec.url;
  }

  get pid(): number | undefined {
    return this.alive ? this.current?.child.pid : undefined;
  }

  get alive(): boolean {
    const child = this.current?.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** What the current (or last) run wrote, for error messages. */
  output(): string {
    return this.current?.output() ?? '';
  }

  /** Starts the process and resolves once it answers its readiness path; throws if it exits first. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.alive) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    this.expectingExit = false;
    this.spawnError = undefined;
    const run = this.launch();
    this.current = run;
    const started = Date.now();
    const outcome = await waitFor(
      async () => {
        if (signal?.aborted) return 'aborted';
        if (this.spawnError || run.child.exitCode !== null || run.child.signalCode !== null) return 'exited';
        const response = await fetch(`${this.url}${this.spec.readyPath}`, {
          headers: this.spec.readyHeaders,
          signal: AbortSignal.timeout(2000),
        });
        return response.ok ? 'ready' : undefined;
      },
      {
        timeoutMs: this.spec.readyTimeoutMs,
        intervalMs: 200,
        describe: () => `${this.name} not ready at ${this.url}${this.spec.readyPath}\n${run.output()}`,
      },
    ).catch(async (error: unknown) => {
      await this.stop();
      throw error;
    });
    if (outcome === 'aborted') {
      await this.stop();
      throw new Error(`${this.name}: start interrupted`);
    }
    if (outcome === 'exited') {
      // Set by the child's error event, which TypeScript's narrowing does not see.
      const spawnError = this.spawnError as Error | undefined;
      if (spawnError)
        throw new Error(`${this.name}: cannot run ${this.spec.command.file}: ${spawnError.message}`);
      const { exitCode, signalCode } = run.child;
      throw new Error(
        `${this.name} exited while starting (${signalCode ?? `code ${exitCode}`}); see ${this.spec.logFile}:\n${tail(run.output())}`,
      );
    }
    this.readyAfterMs = Date.now() - started;
  }

  /** SIGTERM (the tools flush their data), SIGKILL after the grace time. */
  async stop(): Promise<void> {
    this.expectingExit = true;
    await this.current?.stop(this.spec.stopGraceMs);
  }

  /** SIGKILL, like a crash or a lost machine: nothing is flushed. */
  async kill(): Promise<void> {
    this.expectingExit = true;
    const child = this.current?.child;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * SIGHUP: Prometheus and Alertmanager read their config files again, and keep the old config when
   * the new one is broken (their HTTP reload endpoints are not needed, so Prometheus's stay off).
   */
  reload(): void {
    const child = this.current?.child;
    if (!child || !this.alive) throw new Error(`${this.name} is not running`);
    child.kill('SIGHUP');
  }

  async restart(signal?: AbortSignal): Promise<void> {
    await this.stop();
    await this.start(signal);
  }

  private launch(): RunningProcess {
    const { file, args, env } = this.spec.command;
    const assignments = Object.entries(env).map(([key, value]) => `${key}=${value}`);
    // processes.startProcess inherits our environment; env(1) adds the workload's and then execs the
    // binary, so the pid and the signals are the binary's own.
    const run =
      assignments.length > 0
        ? startProcess(this.name, 'env', [...assignments, file, ...args])
        : startProcess(this.name, file, args);
    run.child.once('error', (error) => {
      this.spawnError = error;
    });
    mkdirSync(dirname(this.spec.logFile), { recursive: true });
    const log = createWriteStream(this.spec.logFile, { flags: 'a' });
    log.write(`--- ${new Date().toISOString()} started: ${[file, ...args].join(' ')}\n`);
    run.child.stdout?.on('data', (chunk: Buffer) => log.write(chunk));
    run.child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
    // 'exit' can come before the last output chunks: the log ends on 'close', once stdio has drained.
    run.child.once('close', (code, signal) => {
      log.end(`--- ${new Date().toISOString()} exited: ${signal ?? `code ${code}`}\n`);
    });
    run.child.once('exit', (code, signal) => {
      if (this.expectingExit || this.current !== run) return;
      setTimeout(() => {
        if (!this.expectingExit && this.current === run) this.onUnexpectedExit?.(this, code, signal);
      }, SIGNAL_RACE_MS);
    });
    return run;
  }
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
