import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatReport, runDrill, timeScaleProblem } from '../components/runtime/drill';
import { vendoredRuleFiles } from '../infra/rule-files';
import { services } from '../infra/services';
import {
  EXIT,
  noPositionals,
  parseCommandArgs,
  requireOption,
  stringOption,
  UsageError,
  onStopSignals,
  requireTools,
} from './args';
import { paint, type Io } from './io';
import { PROJECT_ROOT, readStackInput, validationIssues } from './stacks';
import { reportIssues } from './synth';

export async function drillCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      stack: { type: 'string' },
      root: { type: 'string' },
      json: { type: 'string' },
      'time-scale': { type: 'string' },
      data: { type: 'string' },
      keep: { type: 'boolean' },
    },
    'drill',
  );
  noPositionals(parsed, 'drill');
  const stack = requireOption(parsed, 'stack', 'drill');
  const root = resolve(stringOption(parsed, 'root') ?? PROJECT_ROOT);
  const jsonFile = stringOption(parsed, 'json');
  const data = stringOption(parsed, 'data');
  const scaleText = stringOption(parsed, 'time-scale');
  const timeScale = scaleText === undefined ? undefined : Number(scaleText);
  if (timeScale !== undefined) {
    const problem = scaleText?.trim() === '' ? 'the time scale is empty' : timeScaleProblem(timeScale);
    if (problem) throw new UsageError(`--time-scale: ${problem} (see: promstack drill --help)`);
  }
  if (jsonFile === '') throw new UsageError('--json needs a file name (see: promstack drill --help)');
  const input = readStackInput(root, stack);
  requireTools('prometheus', 'alertmanager', 'promtool', 'amtool');

  io.err(`${paint(io, 'bold', `promstack drill: stack ${stack}`)}\n`);
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`;
  // Ctrl-C stops the drill where it is; its stack is stopped before the command exits.
  const aborter = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!aborter.signal.aborted) io.err(`${signal}: stopping the drill\n`);
    aborter.abort();
  };
  const removeSignalHandler = onStopSignals(onSignal);
  try {
    const report = await runDrill({
      stack: input,
      services,
      environment: stack,
      ruleFiles: vendoredRuleFiles(),
      ...(timeScale !== undefined ? { timeScale } : {}),
      ...(data ? { root: resolve(data) } : {}),
      keep: parsed.values.keep === true,
      // Progress goes to standard error: standard output carries the report only.
      log: (line) => io.err(`${paint(io, 'dim', `${elapsed()}  ${line}`)}\n`),
      signal: aborter.signal,
    });
    io.out(colourResults(io, formatReport(report)));
    if (report.dataDir) io.err(`data folder kept: ${report.dataDir} (configs, logs)\n`);
    if (jsonFile) writeJsonFile(io, jsonFile, report);
    return report.ok ? EXIT.ok : EXIT.findings;
  } catch (error) {
    const issues = validationIssues(error);
    if (issues) {
      reportIssues(io, false, stack, issues);
      // The same document the other commands print for a stack that does not validate.
      if (jsonFile) writeJsonFile(io, jsonFile, { ok: false, stack, issues });
      return EXIT.findings;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`${paint(io, 'red', 'promstack drill: the drill could not run')}:\n${message}\n`);
    if (jsonFile) writeJsonFile(io, jsonFile, { ok: false, stack, error: message });
    return EXIT.findings;
  } finally {
    removeSignalHandler();
  }
}

/** --json FILE: the document other commands print, written to FILE (standard output has the report). */
function writeJsonFile(io: Io, jsonFile: string, document: unknown): void {
  const file = resolve(jsonFile);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  io.err(`report written to ${file}\n`);
}

function colourResults(io: Io, text: string): string {
  if (!io.color) return text;
  return text.replace(/\bPASS\b/g, paint(io, 'green', 'PASS')).replace(/\bFAIL\b/g, paint(io, 'red', 'FAIL'));
}
