import { existsSync, readFileSync } from 'node:fs';
import type { ValidationIssue } from '../components/model/errors';
import { parseRuleFileYaml, renderRuleFile, type RuleFile } from '../components/model/rules';
import { EXIT, parseCommandArgs, UsageError } from './args';
import { ruleFilePaths } from './rule-paths';
import { paint, printJson, type Io } from './io';
import { validationIssues } from './stacks';

export interface RuleProblem {
  file: string;
  group?: string;
  rule?: string;
  /** Field path inside the rule (or group), e.g. `expr` or `labels.severity`. */
  field?: string;
  message: string;
}

export async function rulesCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(args, { json: { type: 'boolean' } }, 'rules');
  const [action, ...files] = parsed.positionals;
  if (action === 'check') return checkRuleFiles(files, parsed.values.json === true, io);
  if (action === 'fmt') return formatRuleFile(files, io);
  throw new UsageError(
    action === undefined
      ? 'say check or fmt (see: promstack rules --help)'
      : `unknown rules action ${JSON.stringify(action)}: use check or fmt`,
  );
}

function readRuleText(file: string): string {
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Problems of one rule file, located by group and rule name; [] when it is valid. */
export function ruleFileProblems(file: string, text: string): RuleProblem[] {
  try {
    parseRuleFileYaml(text, file);
    return [];
  } catch (error) {
    const issues = validationIssues(error);
    if (!issues) throw error;
    return issues.map((issue) => locate(file, issue));
  }
}

const LOCATED = /^groups\[([^\]]*)\](?:\.rules\[([^\]]*)\])?(?:\.(.+))?$/;

/** Splits a model path (`<file>.groups[g].rules[r].expr`) into group, rule and field. */
function locate(file: string, issue: ValidationIssue): RuleProblem {
  const path = issue.path.startsWith(`${file}.`) ? issue.path.slice(file.length + 1) : issue.path;
  if (path === file || path === '') return { file, message: issue.message };
  const match = LOCATED.exec(path);
  if (!match) return { file, field: path, message: issue.message };
  const [, group, rule, field] = match;
  return {
    file,
    group,
    ...(rule !== undefined ? { rule } : {}),
    ...(field ? { field } : {}),
    message: issue.message,
  };
}

export function formatProblem(problem: RuleProblem): string {
  const where = [problem.group, problem.rule].filter((part) => part !== undefined).join('/');
  const field = problem.field ? `${problem.field}: ` : '';
  return `${problem.file}: ${where ? `${where}: ` : ''}${field}${problem.message}`;
}

function checkRuleFiles(args: readonly string[], json: boolean, io: Io): number {
  if (args.length === 0)
    throw new UsageError('name at least one rule file, folder or glob (see: promstack rules --help)');
  const files = ruleFilePaths(args);
  const problems = files.flatMap((file) => ruleFileProblems(file, readRuleText(file)));
  if (json) {
    printJson(io, { ok: problems.length === 0, files, errors: problems });
  } else if (problems.length === 0) {
    io.out(`${paint(io, 'green', 'ok')}: ${files.length} rule file${files.length === 1 ? '' : 's'} valid\n`);
  } else {
    for (const problem of problems) io.out(`${formatProblem(problem)}\n`);
    const bad = new Set(problems.map((p) => p.file)).size;
    io.err(
      `${paint(io, 'red', `${problems.length} problem${problems.length === 1 ? '' : 's'}`)} in ${bad} of ${files.length} file${files.length === 1 ? '' : 's'}\n`,
    );
  }
  return problems.length === 0 ? EXIT.ok : EXIT.findings;
}

function formatRuleFile(files: readonly string[], io: Io): number {
  if (files.length !== 1) throw new UsageError('fmt takes exactly one FILE (see: promstack rules --help)');
  const [file] = files;
  const text = readRuleText(file);
  let ruleFile: RuleFile;
  try {
    ruleFile = parseRuleFileYaml(text, file);
  } catch (error) {
    const issues = validationIssues(error);
    if (!issues) throw error;
    for (const issue of issues) io.err(`${formatProblem(locate(file, issue))}\n`);
    return EXIT.findings;
  }
  io.out(renderRuleFile(ruleFile));
  return EXIT.ok;
}
