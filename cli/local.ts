import { join, relative, resolve } from 'node:path';
import { startLocalStack, type LocalStack } from '../components/runtime/local';
import { vendoredRuleFiles } from '../infra/rule-files';
import { services } from '../infra/services';
import {
  EXIT,
  noPositionals,
  parseCommandArgs,
  requireOption,
  stringOption,
  onStopSignals,
  requireTools,
} from './args';
import { paint, printJson, type Io } from './io';
import { PROJECT_ROOT, readStackInput, validationIssues } from './stacks';
import { reportIssues } from './synth';

/** The default data folder of a stack: below the repository's gitignored .promstack/. */
export function defaultDataDir(stack: string): string {
  return join(PROJECT_ROOT, '.promstack', 'local', stack);
}

type Outcome = { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'crash'; message: string };

export async function localCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      stack: { type: 'string' },
      root: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
    },
    'local',
  );
  noPositionals(parsed, 'local');
  const stack = requireOption(parsed, 'stack', 'local');
  const root = resolve(stringOption(parsed, 'root') ?? PROJECT_ROOT);
  const data = resolve(stringOption(parsed, 'data') ?? defaultDataDir(stack));
  const json = parsed.values.json === true;
  const input = readStackInput(root, stack);
  requireTools('prometheus', 'alertmanager');

  // With --json, standard output carries one document; progress goes to standard error.
  const progress = (line: string) => (json ? io.err(`${line}\n`) : io.out(`${line}\n`));
  if (!json) io.out(`${paint(io, 'bold', `promstack local: stack ${stack}`)}\n`);

  const aborter = new AbortController();
  let finish: (outcome: Outcome) => void = () => undefined;
  const finished = new Promise<Outcome>((resolveOutcome) => {
    finish = resolveOutcome;
  });
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      progress(`${signal}: already stopping, waiting for the processes to exit`);
      return;
    }
    stopping = true;
    aborter.abort();
    finish({ kind: 'signal', signal });
  };
  const removeSignalHandler = onStopSignals(onSignal);

  let running: LocalStack | undefined;
  try {
    try {
      running = await startLocalStack({
        stack: input,
        services,
        environment: stack,
        root: data,
        ruleFiles: vendoredRuleFiles(),
        log: (line) => progress(`  ${line}`),
        signal: aborter.signal,
        onUnexpectedExit: (p, code, signal) => {
          if (stopping) return;
          stopping = true;
          finish({
            kind: 'crash',
            message: `${p.name} exited unexpectedly (${signal ?? `code ${code}`}); its output is in ${p.spec.logFile}`,
          });
        },
      });
    } catch (error) {
      const issues = validationIssues(error);
      if (issues) {
        reportIssues(io, json, stack, issues);
        return EXIT.findings;
      }
      if (aborter.signal.aborted) {
        progress('stopped before the stack was ready');
        return EXIT.ok;
      }
      const message = error instanceof Error ? error.message : String(error);
      if (json) printJson(io, { ok: false, stack, error: message });
      else io.err(`${paint(io, 'red', 'promstack local: the stack did not start')}:\n${message}\n`);
      return EXIT.findings;
    }

    report(io, json, stack, running);
    const outcome = await finished;
    if (outcome.kind === 'crash') io.err(`${paint(io, 'red', 'promstack local')}: ${outcome.message}\n`);
    else progress(`${outcome.signal}: stopping every process`);
    await running.stop();
    return outcome.kind === 'signal' ? EXIT.ok : EXIT.findings;
  } finally {
    removeSignalHandler();
  }
}

function report(io: Io, json: boolean, stack: string, running: LocalStack): void {
  // Where the password is, never the password: the output may be pasted anywhere.
  const login = {
    username: running.webAuth.username,
    passwordFile: join(running.paths.secrets, running.synth.config.webAuth.passwordSecret),
  };
  if (json) {
    printJson(io, {
      ok: true,
      stack,
      data: running.paths.root,
      urls: running.urls,
      processes: Object.values(running.processes).map((p) => ({
        name: p.name,
        pid: p.pid,
        url: p.url,
        log: p.spec.logFile,
      })),
      notStarted: running.notStarted,
      secrets: running.secrets.map(({ name, source, envVar }) => ({ name, source, envVar })),
      login,
    });
    return;
  }
  const grafana = running.notStarted.find((n) => n.name === 'grafana');
  const rows: [string, string][] = [
    ['Prometheus', running.urls.prometheus],
    ['Alertmanager', running.urls.alertmanagers.join(' ')],
    ['Login', `${login.username}, password in ${shortPath(login.passwordFile)} (Prometheus, Alertmanager)`],
    ['Grafana', running.urls.grafana ?? `not started (${grafana?.reason ?? 'not configured'})`],
    ...(running.urls.exampleBackend
      ? [['Example backend', running.urls.exampleBackend] as [string, string]]
      : []),
    ['Data', `${shortPath(running.paths.root)} (logs in ${shortPath(running.paths.logs)})`],
  ];
  io.out('\n');
  for (const [label, value] of rows) io.out(`${paint(io, 'bold', `${label}:`)} ${value}\n`);
  io.out(`\n${paint(io, 'green', 'Running.')} Press Ctrl-C to stop every process.\n`);
}

/** Relative to the working directory when below it, absolute otherwise. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
