import { resolve } from 'node:path';
import { formatIssue, type ValidationIssue } from '../components/model/errors';
import type { SynthResult } from '../components/stack';
import { EXIT, noPositionals, parseCommandArgs, requireOption, stringOption } from './args';
import { paint, printJson, type Io } from './io';
import { writeOutput } from './output-dir';
import { PROJECT_ROOT, readStackInput, validationIssues } from './stacks';
import { loadTree, synthWith } from './tree';
import { vendoredRuleFileName } from '../components/stack/paths';

export async function synthCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      stack: { type: 'string' },
      out: { type: 'string' },
      root: { type: 'string' },
      json: { type: 'boolean' },
      manifests: { type: 'boolean' },
    },
    'synth',
  );
  noPositionals(parsed, 'synth');
  const stack = requireOption(parsed, 'stack', 'synth');
  const out = requireOption(parsed, 'out', 'synth');
  const root = resolve(stringOption(parsed, 'root') ?? PROJECT_ROOT);
  const json = parsed.values.json === true;

  let result: SynthResult;
  try {
    result = synthWith(loadTree(PROJECT_ROOT), root, stack);
  } catch (error) {
    const issues = validationIssues(error);
    if (!issues) throw error;
    reportIssues(io, json, stack, issues);
    return EXIT.findings;
  }
  const files =
    parsed.values.manifests === true
      ? { ...result.files, ...(await manifestsOf(root, stack, result)) }
      : result.files;
  writeOutput(resolve(out), stack, files);
  if (json) {
    printJson(io, {
      ok: true,
      stack,
      out,
      files: Object.keys(files),
      secrets: result.secrets,
      summary: result.summary,
    });
  } else {
    io.out(
      `${paint(io, 'bold', `promstack synth: stack ${stack}`)} → ${out} (${Object.keys(files).length} files)\n`,
    );
    io.out(formatSummary(io, result));
  }
  return EXIT.ok;
}

/**
 * The objects the Pulumi program would create for the stack (manifests/). Loaded on demand: the Pulumi
 * SDK takes a while to load, which a plain synth should not pay.
 */
async function manifestsOf(
  root: string,
  stack: string,
  result: SynthResult,
): Promise<Record<string, string>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { programManifests } = require('./manifests') as typeof import('./manifests');
  return programManifests(stack, readStackInput(root, stack), result);
}

/** Prints validation issues, one `path: message` per line, for any command that synthesizes. */
export function reportIssues(io: Io, json: boolean, stack: string, issues: readonly ValidationIssue[]): void {
  if (json) {
    printJson(io, { ok: false, stack, issues });
    return;
  }
  io.err(
    `${paint(io, 'red', `promstack: stack ${stack} is not valid`)} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n`,
  );
  for (const issue of issues) io.err(`  ${formatIssue(issue)}\n`);
}

/** The summary a reviewer reads: counts, names, and the alerts no generated unit test covers, with why. */
export function formatSummary(io: Io, result: Pick<SynthResult, 'summary' | 'files'>): string {
  const { summary } = result;
  const untested = summary.alerts.filter((a) => !a.tested);
  const vendored = Object.keys(result.files)
    .map(vendoredRuleFileName)
    .filter((name) => name !== undefined);
  const rows: [string, number, string][] = [
    ['services', summary.services.length, summary.services.join(', ')],
    ['scrape jobs', summary.jobs.length, summary.jobs.join(', ')],
    ['alerts', summary.alerts.length, `${summary.alerts.length - untested.length} with unit tests`],
    ['recording rules', summary.recordingRules, ''],
    ['vendored rule files', vendored.length, vendored.join(', ')],
    ['receivers', summary.receivers.length, summary.receivers.join(', ')],
    ['dashboards', summary.dashboards.length, summary.dashboards.join(', ')],
    ['untested alerts', untested.length, ''],
  ];
  const lines = rows.map(
    ([label, count, names]) =>
      `  ${label.padEnd(20)}${String(count).padStart(4)}${names ? `  ${names}` : ''}`,
  );
  for (const alert of untested) {
    lines.push(
      `    ${paint(io, 'yellow', `${alert.service}/${alert.key}`)}: ${alert.untestedReason ?? 'no unit test generated'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
