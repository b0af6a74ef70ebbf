/**
 * Differential test (issue 11): the project's verdict on a rule file (`parseRuleFileYaml`, what
 * `promstack rules check` and synth use) must be promtool's, for every file of the corpus: the
 * repository's rules, Prometheus's documented PromQL and seeded mutants of both.
 *
 * promtool runs as the tests of the rule model run it, `check rules --lint=all --lint-fatal`: the
 * project refuses what promtool refuses or lints (duplicate rules), and the deployed Prometheus enables
 * no experimental PromQL feature, so neither does promtool here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../components/model/errors';
import { parseRuleFileYaml } from '../../components/model/rules';
import { findTool, runTool } from '../../components/tools/binaries';
import { generateCorpus, MUTATIONS, type AgreementCase } from './corpus';

const PROMTOOL_ARGS = ['check', 'rules', '--lint=all', '--lint-fatal'];
/** Far below ARG_MAX (2 MiB on Linux, environment included): file names are short and relative. */
const MAX_ARGV_CHARS = 100_000;
const SHOWN = 20;

/**
 * Expressions Prometheus 3.5.3 reads but the grammar promstack parses with (lezer-promql 0.305.3, the
 * same release) does not. Nobody writes them on purpose; each must still disagree, so that a grammar
 * that learns them is noticed and its entry dropped.
 */
const LEZER_GRAMMAR_GAPS: ReadonlyMap<string, { fragment: string; why: string }> = new Map([
  ['offset{step="1s"}[5m]', { fragment: 'offset{step="1s"}', why: 'the keyword offset as a metric name' }],
  [
    'foo[5s x 5s]',
    {
      fragment: '[5s x 5s]',
      why: "Prometheus's lexer reads any letter between a range and a step as the colon",
    },
  ],
  [
    'foo[5s s 5s]',
    {
      fragment: '[5s s 5s]',
      why: "Prometheus's lexer reads any letter between a range and a step as the colon",
    },
  ],
]);

/** The known gap an expression carries (a mutant of a gap example keeps its construct), if any. */
function gapOf(expression: string | undefined): string | undefined {
  if (expression === undefined) return undefined;
  for (const [example, { fragment }] of LEZER_GRAMMAR_GAPS) if (expression.includes(fragment)) return example;
  return undefined;
}

/** The expression of a one-rule case, as the corpus writes it (a JSON string). */
function caseExpression(c: AgreementCase): string | undefined {
  const match = /^\s*expr: (".*")$/m.exec(c.yaml);
  return match ? (JSON.parse(match[1]) as string) : undefined;
}

interface Verdict {
  ok: boolean;
  /** Why it was refused (all error lines, joined); empty when accepted. */
  message: string;
}

/**
 * Per-file verdicts from one `promtool check rules` run over `files`. promtool 3.5 prints, in file order,
 * `Checking <file>` on stdout, then `  SUCCESS: <n> rules found` on stdout, or `  FAILED:` on stderr
 * followed by one or more error lines (a lint error spans several). Failures are matched to files in
 * order; any output that does not fit that shape fails the test rather than being guessed at.
 */
function parsePromtoolOutput(files: readonly string[], stdout: string, stderr: string): Map<string, Verdict> {
  const checked: { file: string; ok: boolean }[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('Checking ')) checked.push({ file: line.slice('Checking '.length), ok: false });
    else if (/^ {2}SUCCESS: \d+ rules found$/.test(line)) {
      const last = checked[checked.length - 1];
      if (!last || last.ok) throw new Error(`promtool output out of order at ${JSON.stringify(line)}`);
      last.ok = true;
    } else if (line.trim() !== '') throw new Error(`unexpected promtool output line ${JSON.stringify(line)}`);
  }
  if (checked.map((c) => c.file).join('\n') !== files.join('\n')) {
    throw new Error(`promtool checked ${checked.length} files, asked for ${files.length}`);
  }
  const blocks = stderr.split(/^ {2}FAILED:\n/m);
  if (blocks.shift()?.trim()) throw new Error(`promtool printed before any failure: ${stderr.slice(0, 300)}`);
  const failed = checked.filter((c) => !c.ok);
  if (blocks.length !== failed.length) {
    throw new Error(`promtool printed ${blocks.length} failures for ${failed.length} failed files`);
  }
  const verdicts = new Map<string, Verdict>();
  for (const c of checked) verdicts.set(c.file, { ok: c.ok, message: '' });
  failed.forEach((c, i) => {
    const message = blocks[i]
      .trim()
      .split('\n')
      .map((line) => line.replace(`${c.file}: `, '').trim())
      .filter((line, j, all) => line !== '' && all.indexOf(line) === j) // promtool repeats YAML errors
      .join(' | ');
    verdicts.set(c.file, { ok: false, message });
  });
  return verdicts;
}

/** promtool's verdicts for every case: as few runs as argv allows. */
async function promtoolVerdicts(dir: string, cases: readonly AgreementCase[]): Promise<Map<string, Verdict>> {
  const batches: string[][] = [[]];
  let size = 0;
  for (const c of cases) {
    const file = `${c.id}.yml`;
    if (size + file.length + 1 > MAX_ARGV_CHARS) {
      batches.push([]);
      size = 0;
    }
    batches[batches.length - 1].push(file);
    size += file.length + 1;
  }
  const verdicts = new Map<string, Verdict>();
  for (const files of batches) {
    const run = await runTool('promtool', [...PROMTOOL_ARGS, ...files], { cwd: dir, timeoutMs: 60_000 });
    if (![0, 1, 3].includes(run.code)) {
      throw new Error(`promtool exited ${run.code}: ${run.stderr.slice(0, 500)}`);
    }
    for (const [file, verdict] of parsePromtoolOutput(files, run.stdout, run.stderr))
      verdicts.set(file, verdict);
  }
  return verdicts;
}

function projectVerdict(c: AgreementCase): Verdict & { crashed?: boolean } {
  try {
    parseRuleFileYaml(c.yaml, `${c.id}.yml`);
    return { ok: true, message: '' };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { ok: false, message: error.issues.map((i) => `${i.path}: ${i.message}`).join(' | ') };
    }
    return {
      ok: false,
      crashed: true,
      message: `crashed: ${error instanceof Error ? error.stack : String(error)}`,
    };
  }
}

interface Disagreement {
  c: AgreementCase;
  promtool: Verdict;
  project: Verdict;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The rules of a case on one line, without the `groups:` header. */
function oneLine(yaml: string): string {
  return clip(
    yaml
      .replace(/^(#.*\n)*groups:\n/, '')
      .trim()
      .replace(/\s*\n\s*/g, ' ⏎ '),
    300,
  );
}

/** Up to `count` disagreements, taking turns between mutation kinds so that each kind shows. */
function sample(disagreements: readonly Disagreement[], count: number): Disagreement[] {
  const byKind = new Map<string, Disagreement[]>();
  for (const d of disagreements) byKind.set(d.c.mutation, [...(byKind.get(d.c.mutation) ?? []), d]);
  const shown: Disagreement[] = [];
  for (let i = 0; shown.length < count && shown.length < disagreements.length; i++) {
    for (const list of byKind.values()) if (list[i] && shown.length < count) shown.push(list[i]);
  }
  return shown;
}

function describe_(d: Disagreement): string {
  const says = (v: Verdict) => (v.ok ? 'accepts' : `refuses: ${clip(v.message, 400)}`);
  return [
    `- ${d.c.id} (${d.c.mutation}, from ${d.c.source})`,
    `    rules:    ${oneLine(d.c.yaml)}`,
    `    promtool ${says(d.promtool)}`,
    `    project  ${says(d.project)}`,
  ].join('\n');
}

describe('promtool agreement', () => {
  const cases = generateCorpus();

  it('has a seeded corpus of at least 1,200 rule files, every mutation kind included', () => {
    expect(cases.length).toBeGreaterThanOrEqual(1200);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const kind of ['none', ...MUTATIONS]) {
      expect(cases.filter((c) => c.mutation === kind).length).toBeGreaterThanOrEqual(20);
    }
    expect(generateCorpus().map((c) => c.yaml)).toEqual(cases.map((c) => c.yaml));
  });

  it('gives every rule file the verdict promtool gives it', async () => {
    findTool('promtool'); // a missing promtool fails here, with the fix
    const dir = mkdtempSync(join(tmpdir(), 'promtool-agreement-'));
    for (const c of cases) writeFileSync(join(dir, `${c.id}.yml`), c.yaml);
    const promtool = await promtoolVerdicts(dir, cases);

    const disagreements: Disagreement[] = [];
    const crashes: Disagreement[] = [];
    const gapsSeen = new Set<string>();
    let gapCases = 0;
    for (const c of cases) {
      const theirs = promtool.get(`${c.id}.yml`)!;
      const ours = projectVerdict(c);
      if (ours.crashed) crashes.push({ c, promtool: theirs, project: ours });
      const expression = caseExpression(c);
      const gap = gapOf(expression);
      if (gap !== undefined && expression === gap && c.mutation === 'none') {
        expect({ gap, promtoolAccepts: theirs.ok, projectAccepts: ours.ok }).toEqual({
          gap,
          promtoolAccepts: true,
          projectAccepts: false,
        });
        gapsSeen.add(gap);
        gapCases += 1;
        continue;
      }
      // A mutant that kept the gap's construct, and that promtool still accepts: the same gap.
      if (gap !== undefined && theirs.ok && !ours.ok) {
        gapCases += 1;
        continue;
      }
      if (ours.ok !== theirs.ok) disagreements.push({ c, promtool: theirs, project: ours });
    }
    expect([...gapsSeen].sort()).toEqual([...LEZER_GRAMMAR_GAPS.keys()].sort());

    const compared = cases.length - gapCases;
    const agreed = compared - disagreements.length;
    const perKind = ['none', ...MUTATIONS]
      .map((kind) => [kind, disagreements.filter((d) => d.c.mutation === kind).length] as const)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${kind} ${n}`);
    const tooLenient = disagreements.filter((d) => d.project.ok).length;
    console.log(
      `promtool agreement: ${agreed}/${compared} rule files (${((100 * agreed) / compared).toFixed(1)}%), ` +
        `${gapCases} with a known lezer grammar gap set apart; ` +
        `project accepts ${tooLenient} that promtool refuses, refuses ${disagreements.length - tooLenient} that it accepts; ` +
        `disagreements by mutation: ${perKind.join(', ') || 'none'}`,
    );

    if (disagreements.length === 0 && crashes.length === 0) {
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    const report = [
      `${disagreements.length} of ${cases.length} rule files get another verdict from the project than from promtool` +
        ` (files kept in ${dir}; rerun: cd ${dir} && promtool ${PROMTOOL_ARGS.join(' ')} <id>.yml).`,
      ...sample(disagreements, SHOWN).map(describe_),
      ...(crashes.length > 0
        ? [`${crashes.length} files crash the validator:`, ...crashes.slice(0, 5).map(describe_)]
        : []),
    ].join('\n');
    throw new Error(report);
  });
});
