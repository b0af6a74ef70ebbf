import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { layoutUnder, type SynthResult } from '../components/stack';
import { type ToolName } from '../components/tools/binaries';
import {
  runPromtoolTests,
  runToolOnFiles,
  type BatchOptions,
  type BatchRun,
} from '../components/tools/batch';
import { TestCache } from './test-cache';
import { planTests, type TestUnitClass } from './test-units';
import { EXIT, noPositionals, parseCommandArgs, requireOption, stringOption, requireTools } from './args';
import { paint, printJson, type Io } from './io';
import { testRoutes, type AlertRoute } from '../components/stack/alert-routes';
import { PROJECT_ROOT, stackFileName, validationIssues } from './stacks';
import { reportIssues } from './synth';
import { loadTree, synthWith } from './tree';
import { OUTPUT_PATHS } from '../components/stack/paths';

export interface CheckStep {
  name: string;
  /** The command line, with paths relative to the rendered folder. */
  command: string;
  /** The files it checked, relative to the rendered folder. */
  files: string[];
  ok: boolean;
  output: string;
}

const PLACEHOLDER_SECRET = 'placeholder-written-by-promstack-check\n';
/**
 * A tool run is killed after this long per file it checks (ten minutes at least): a generated
 * service's unit tests take seconds to a minute of promtool on a busy machine; a run far beyond that
 * is stuck, and is reported as failed.
 */
const TIMEOUT_PER_FILE_MS = 120_000;

export async function checkCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      stack: { type: 'string' },
      root: { type: 'string' },
      keep: { type: 'boolean' },
      json: { type: 'boolean' },
      cache: { type: 'string' },
    },
    'check',
  );
  noPositionals(parsed, 'check');
  const stack = requireOption(parsed, 'stack', 'check');
  const root = resolve(stringOption(parsed, 'root') ?? PROJECT_ROOT);
  const json = parsed.values.json === true;
  requireTools('promtool', 'amtool');
  const cacheDir = stringOption(parsed, 'cache');
  const cache = cacheDir === undefined ? undefined : new TestCache(resolve(cacheDir));

  const dir = mkdtempSync(join(tmpdir(), 'promstack-check-'));
  try {
    let result: SynthResult;
    try {
      result = synthWith(loadTree(PROJECT_ROOT), root, stack, layoutUnder(dir));
    } catch (error) {
      const issues = validationIssues(error);
      if (!issues) throw error;
      reportIssues(io, json, stack, issues);
      return EXIT.findings;
    }
    writeRendered(dir, result);
    const steps = await runSteps(dir, result, cache);
    const amOk = steps.find((s) => s.name === 'amtool check-config')?.ok === true;
    const routing = amOk ? await testRoutes(result, join(dir, 'alertmanager', 'alertmanager.yml')) : [];
    const problems = [
      ...steps.filter((s) => !s.ok).map((s) => `${s.name} failed`),
      ...(amOk ? [] : ['routing not tested: alertmanager.yml is not valid']),
      ...routing.filter((r) => !r.ok).map((r) => `${alertTitle(r)}: ${r.problem}`),
    ];
    if (json) {
      printJson(io, { ok: problems.length === 0, stack, steps, routing, problems });
    } else {
      printReport(io, stack, steps, routing, problems);
    }
    if (parsed.values.keep) io.err(`rendered files kept in ${dir}\n`);
    return problems.length === 0 ? EXIT.ok : EXIT.findings;
  } finally {
    if (!parsed.values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

function writeRendered(dir: string, result: SynthResult): void {
  for (const [path, text] of Object.entries(result.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  // The tools check that credential files exist; their content is never looked at here.
  const layout = layoutUnder(dir);
  const secretDirs = {
    prometheus: layout.prometheusSecretsDir,
    alertmanager: layout.alertmanagerSecretsDir,
    grafana: layout.grafanaSecretsDir,
  };
  for (const [component, names] of Object.entries(result.secrets)) {
    const secretsDir = secretDirs[component as keyof typeof secretDirs];
    mkdirSync(secretsDir, { recursive: true });
    for (const name of names) writeFileSync(join(secretsDir, name), PLACEHOLDER_SECRET);
  }
}

const TEST_STEP = 'promtool test rules';

async function runSteps(dir: string, result: SynthResult, cache?: TestCache): Promise<CheckStep[]> {
  const paths = Object.keys(result.files);
  const under = (prefix: string) => paths.filter((p) => p.startsWith(prefix) && p.endsWith('.yml'));
  const planned: { name: string; tool: ToolName; args: string[]; files: string[] }[] = [
    {
      name: 'promtool check config',
      tool: 'promtool',
      args: ['check', 'config'],
      files: [OUTPUT_PATHS.prometheusConfig],
    },
    {
      name: 'promtool check rules',
      tool: 'promtool',
      args: ['check', 'rules'],
      files: under(OUTPUT_PATHS.rulesDir),
    },
    {
      name: TEST_STEP,
      tool: 'promtool',
      args: ['test', 'rules'],
      files: under(OUTPUT_PATHS.testsDir),
    },
    {
      name: 'amtool check-config',
      tool: 'amtool',
      args: ['check-config'],
      files: [OUTPUT_PATHS.alertmanagerConfig],
    },
  ];
  return Promise.all(
    planned.map(async (step): Promise<CheckStep> => {
      const command = [step.tool, ...step.args, ...step.files].join(' ');
      if (step.files.length === 0) {
        return { name: step.name, command, files: [], ok: true, output: 'no files' };
      }
      // Each file is checked on its own and reported by its path, so the files are split over the cores.
      const options = { cwd: dir, timeoutPerFileMs: TIMEOUT_PER_FILE_MS, minTimeoutMs: 600_000 };
      const at = (files: readonly string[]) => files.map((f) => join(dir, f));
      let run: BatchRun;
      if (step.name === TEST_STEP) {
        run = await runTests(dir, result, options, cache);
      } else {
        run = await runToolOnFiles(step.tool, step.args, at(step.files), options);
      }
      // Paths in the tools' messages are shown relative to the rendered folder, like the file keys.
      const output = run.output.split(`${dir}/`).join('').trim();
      return { name: step.name, command, files: step.files, ok: run.ok, output };
    }),
  );
}

/** Where the units are written, in the rendered folder (paths in messages are shown relative to it). */
const UNITS_DIR = '.check-units';

/**
 * The generated unit tests, as test units (cli/test-units.ts): each test group against the rules it
 * reads, once per class of groups that are the same up to names; test files that cannot be sliced run
 * as rendered. A failing unit is reported as `FAILED: <test file>: <group>` for every group it stands
 * for, with promtool's message for the group it ran.
 */
export async function runTests(
  dir: string,
  result: Pick<SynthResult, 'files' | 'rendered'>,
  options: BatchOptions,
  cache?: TestCache,
): Promise<BatchRun> {
  const plan = planTests(result);
  const fileKeys = cache?.keys(result) ?? new Map<string, string>();
  const keyOf = new Map<TestUnitClass, string>();
  const unitFiles = new Map<string, TestUnitClass>();
  const toRun: string[] = [];
  let skipped = 0;
  plan.classes.forEach((unit, i) => {
    const key = cache?.unitKey(unit.test, unit.rules);
    if (key && cache?.passed(key)) return void skipped++;
    if (key) keyOf.set(unit, key);
    const path = posix.join(UNITS_DIR, `${i}.yml`);
    mkdirSync(join(dir, UNITS_DIR, 'rules'), { recursive: true });
    writeFileSync(join(dir, path), unit.test);
    for (const [name, text] of Object.entries(unit.rules)) writeFileSync(join(dir, UNITS_DIR, name), text);
    unitFiles.set(path, unit);
    toRun.push(path);
  });
  const whole = plan.whole.filter((f) => !cache?.passed(fileKeys.get(f)));
  skipped += plan.whole.length - whole.length;
  const total = plan.classes.length + plan.whole.length;
  const at = (files: readonly string[]) => files.map((f) => join(dir, f));
  const run =
    toRun.length + whole.length > 0
      ? await runPromtoolTests(at([...toRun, ...whole]), options)
      : { ok: true, output: '', runs: 0, failures: [] };
  const failed = new Set(run.failures.map((f) => f.file));
  cache?.remember([
    ...toRun.filter((f) => !failed.has(join(dir, f))).flatMap((f) => keyOf.get(unitFiles.get(f)!) ?? []),
    ...whole.filter((f) => !failed.has(join(dir, f))).flatMap((f) => fileKeys.get(f) ?? []),
  ]);
  const lines = [
    `${plan.groups} test groups of ${Object.keys(result.rendered.ruleTests).length} test files ran as ` +
      `${plan.classes.length} test units (${UNITS_DIR}/: each with only the rules it can tell apart, once ` +
      `for every group that is the same up to its service's names)` +
      (plan.whole.length > 0 ? `; ${plan.whole.length} test files ran whole` : ''),
  ];
  if (skipped > 0)
    lines.push(
      `${skipped} of ${total} test units passed before with the same rules and promtool: not run again (--cache)`,
    );
  // Every group a failing unit stands for, once, by test file; then promtool's message for each unit.
  const failedGroups = new Map<string, Set<string>>();
  const messages: string[] = [];
  for (const failure of run.failures) {
    const unit = unitFiles.get(failure.file.startsWith(`${dir}/`) ? failure.file.slice(dir.length + 1) : '');
    if (!unit) continue;
    for (const m of unit.members)
      failedGroups.set(m.file, (failedGroups.get(m.file) ?? new Set()).add(m.group));
    const [first] = unit.members;
    for (const g of failure.groups)
      messages.push(
        `${first.file}: ${g.name} (run once for ${unit.members.length} group${unit.members.length === 1 ? '' : 's'}):`,
        indent(g.message, '  '),
      );
  }
  for (const [file, groups] of failedGroups) lines.push(`FAILED: ${file}: ${[...groups].join(', ')}`);
  lines.push(...messages);
  // promtool's own output only when it says more: a failing file run whole, or a run without a report
  // (killed at its timeout); a unit's is in terms of the group it holds.
  const wholeOutput =
    run.failures.some((f) => !unitFiles.has(f.file.slice(dir.length + 1))) ||
    (!run.ok && failedGroups.size === 0);
  const output = [...lines, run.ok ? 'SUCCESS' : '', wholeOutput ? run.output : ''].filter((l) => l !== '');
  return { ok: run.ok, output: `${output.join('\n')}\n`, runs: run.runs };
}

function alertTitle(route: Pick<AlertRoute, 'service' | 'key' | 'alertname' | 'severity'>): string {
  const name = route.key === route.alertname ? route.key : `${route.key} (${route.alertname})`;
  return `${route.service}/${name} [${route.severity}]`;
}

function printReport(
  io: Io,
  stack: string,
  steps: readonly CheckStep[],
  routing: readonly AlertRoute[],
  problems: readonly string[],
): void {
  const ok = paint(io, 'green', '✓');
  const bad = paint(io, 'red', '✗');
  io.out(`${paint(io, 'bold', `promstack check: stack ${stack}`)} (${stackFileName(stack)})\n`);
  for (const step of steps) {
    io.out(`  ${step.ok ? ok : bad} ${step.name.padEnd(22)} ${step.files.join(' ') || '(no files)'}\n`);
    if (!step.ok) io.out(`${indent(step.output, '      ')}\n`);
  }
  if (routing.length > 0) {
    io.out(`${paint(io, 'bold', 'Routing')} (amtool config routes test), ${routing.length} alerts:\n`);
    for (const route of routing) {
      const target = route.receivers.join(', ') || '(none)';
      const note = route.ok
        ? route.alertname === 'Watchdog'
          ? paint(io, 'dim', ' (its own receiver)')
          : ''
        : `\n      ${paint(io, 'red', route.problem ?? '')}`;
      io.out(`  ${route.ok ? ok : bad} ${alertTitle(route)} → ${target}${note}\n`);
    }
  }
  if (problems.length === 0) {
    io.out(
      `${paint(io, 'green', 'check passed')}: every tool accepts the files and every alert reaches someone\n`,
    );
  } else {
    io.out(
      `${paint(io, 'red', `check failed: ${problems.length} problem${problems.length === 1 ? '' : 's'}`)}\n`,
    );
    for (const problem of problems) io.out(`  ${problem}\n`);
  }
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
