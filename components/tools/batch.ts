import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool, type ToolName } from './binaries';

/**
 * Calls `run` on every item, at most `limit` at a time, and returns the results in the items' order.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/** Consecutive slices of `items`, `count` of them (fewer when there are fewer items), sizes within one. */
export function slices<T>(items: readonly T[], count: number): T[][] {
  const n = Math.min(Math.max(1, count), items.length);
  const out: T[][] = [];
  for (let i = 0, start = 0; i < n; i++) {
    const end = start + Math.floor(items.length / n) + (i < items.length % n ? 1 : 0);
    out.push(items.slice(start, end));
    start = end;
  }
  return out;
}

export interface BatchOptions {
  cwd?: string;
  /** Runs at once: the machine's (os.availableParallelism) by default. */
  parallelism?: number;
  timeoutPerFileMs: number;
  /** The timeout of a run of few files: a minute by default. */
  minTimeoutMs?: number;
}

export interface BatchRun {
  ok: boolean;
  /** Every run's standard output and error, in the order of the files (a run per slice). */
  output: string;
  /** How many tool runs it took. */
  runs: number;
}

/**
 * `tool ...args ...files` for tools that check each file named on their command line on its own and
 * report it by its path (`promtool check rules`, `promtool test rules`): the files are cut into
 * consecutive slices run side by side, up to the machine's parallelism, so the output reads as one run
 * over all files would (each file's report in file order) and fails when any run fails. Slices outnumber
 * the cores a few times so that a slow file does not leave the other cores idle. A run that outlasts its
 * timeout (proportional to its files) is killed and reported as failed, naming its files.
 */
export async function runToolOnFiles(
  tool: ToolName,
  args: readonly string[],
  files: readonly string[],
  options: BatchOptions & {
    /** Arguments of one run besides `args` and its files (e.g. its own report file), by slice. */
    sliceArgs?: (slice: number) => string[];
    /** Reads what a run left besides its output (e.g. that report), after it ends. */
    after?: (slice: number) => string;
  },
): Promise<BatchRun> {
  const parallelism = options.parallelism ?? availableParallelism();
  const batches = slices(files, parallelism * 4);
  const outputs = await mapConcurrently(batches, parallelism, async (batch, i) => {
    const timeoutMs = Math.max(options.minTimeoutMs ?? 60_000, options.timeoutPerFileMs * batch.length);
    try {
      const all = [...args, ...(options.sliceArgs?.(i) ?? []), ...batch];
      const run = await runTool(tool, all, { cwd: options.cwd, timeoutMs });
      return { ok: run.code === 0, output: `${run.stdout}${run.stderr}${options.after?.(i) ?? ''}` };
    } catch (error) {
      if (!(error as { killed?: boolean }).killed) throw error;
      const message = `${tool} ${args.join(' ')} did not finish within ${timeoutMs / 1000} s on: ${batch.join(' ')}`;
      return { ok: false, output: `${message}\n` };
    }
  });
  return {
    ok: outputs.every((o) => o.ok),
    output: outputs.map((o) => o.output).join(''),
    runs: batches.length,
  };
}

/** A test file of a promtool JUnit report with failing groups, and each failure's message. */
export interface FailedTestFile {
  file: string;
  groups: { name: string; message: string }[];
}

/**
 * `promtool test rules` over many test files (runToolOnFiles). promtool 3.5 prints the failure of an
 * alert test under its group's name but that of a PromQL expression test with neither group nor file,
 * and never the file: each run also writes a JUnit report, which does name them, and every failing file
 * is added to the output as `FAILED: <file>: <group>, <group>` and to `failures`.
 */
export async function runPromtoolTests(
  files: readonly string[],
  options: BatchOptions,
): Promise<BatchRun & { failures: FailedTestFile[] }> {
  const reports = mkdtempSync(join(tmpdir(), 'promstack-junit-'));
  const report = (slice: number) => join(reports, `${slice}.xml`);
  const failures: FailedTestFile[][] = [];
  try {
    const run = await runToolOnFiles('promtool', ['test', 'rules'], files, {
      ...options,
      sliceArgs: (slice) => [`--junit=${report(slice)}`],
      after: (slice) => {
        const failed = failedTests(readFileSync(report(slice), { encoding: 'utf8', flag: 'a+' }));
        failures[slice] = failed;
        return failedLines(failed);
      },
    });
    return { ...run, failures: failures.flat() };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (entity, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
    return XML_ENTITIES[body] ?? entity;
  });
}

/** The test files of a promtool JUnit report with a failure, and their failing groups. */
export function failedTests(junit: string): FailedTestFile[] {
  const out: FailedTestFile[] = [];
  for (const suite of junit.matchAll(/<testsuite name="([^"]*)"[^>]*>([\s\S]*?)<\/testsuite>/g)) {
    const groups = [
      ...suite[2].matchAll(
        /<testcase name="([^"]*)">(?:(?!<\/testcase>)[\s\S])*?<(failure|error)\b[^>]*>([\s\S]*?)<\/\2>/g,
      ),
    ];
    const header = /failures="(\d+)" errors="(\d+)"/.exec(suite[0]);
    const failing = header ? Number(header[1]) + Number(header[2]) : groups.length;
    if (failing === 0 && groups.length === 0) continue;
    out.push({
      file: unescapeXml(suite[1]),
      groups: groups.map((g) => ({ name: unescapeXml(g[1]), message: unescapeXml(g[3]) })),
    });
  }
  return out;
}

function failedLines(failed: readonly FailedTestFile[]): string {
  return failed
    .map(
      (f) => `FAILED: ${f.file}${f.groups.length > 0 ? `: ${f.groups.map((g) => g.name).join(', ')}` : ''}\n`,
    )
    .join('');
}

/** `FAILED: <file>: <group>, ...` for each test file of a promtool JUnit report with a failure. */
export function failedTestFiles(junit: string): string {
  return failedLines(failedTests(junit));
}
