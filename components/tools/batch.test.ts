import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failedTestFiles, mapConcurrently, runPromtoolTests, runToolOnFiles, slices } from './batch';

describe('slices', () => {
  it('cuts a list into consecutive slices whose sizes differ by one at most', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    expect(slices(items, 3)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(slices(items, 20)).toHaveLength(10);
    expect(slices(items, 3).flat()).toEqual(items);
    expect(slices([], 4)).toEqual([]);
  });
});

describe('mapConcurrently', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrently([30, 10, 20, 5, 15], 2, async (ms, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return i * 10;
    });
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
  });
});

describe('runToolOnFiles with promtool', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'promstack-batch-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ruleFile = (i: number, expr: string) => {
    const path = join(dir, `rules-${String(i).padStart(2, '0')}.yml`);
    writeFileSync(
      path,
      `groups:\n  - name: g${i}\n    rules:\n      - record: job:up:sum${i}\n        expr: ${expr}\n`,
    );
    return path;
  };

  it('reports a broken rule file among many, by its path, when the files are split over several runs', async () => {
    const files = Array.from({ length: 17 }, (_, i) => ruleFile(i, i === 11 ? 'sum(up' : 'sum(up)'));
    const run = await runToolOnFiles('promtool', ['check', 'rules'], files, {
      parallelism: 2,
      timeoutPerFileMs: 10_000,
    });
    expect(run.runs).toBeGreaterThan(1);
    expect(run.ok).toBe(false);
    expect(run.output).toContain(`Checking ${files[11]}`);
    expect(run.output).toMatch(
      new RegExp(`${files[11]}: \\d+:\\d+: group "g11", rule 1, "job:up:sum11": could not parse expression`),
    );
    // Every other file is still checked and reported, in file order, as one run over all would.
    const checked = [...run.output.matchAll(/^Checking (\S+)/gm)].map((m) => m[1]);
    expect(checked).toEqual(files);
    expect(run.output.match(/SUCCESS: 1 rules found/g)).toHaveLength(16);
  });

  it('names the file and group of a failing unit test among many, with what promtool expected and got', async () => {
    const tests = Array.from({ length: 9 }, (_, i) => {
      const rules = ruleFile(20 + i, 'sum(up)');
      const path = join(dir, `test-${i}.yml`);
      const expected = i === 6 ? 3 : 2;
      writeFileSync(
        path,
        [
          `rule_files: [${rules}]`,
          'evaluation_interval: 1m',
          'tests:',
          `  - name: sums ${i}`,
          '    interval: 1m',
          '    input_series:',
          `      - { series: 'up{instance="a"}', values: '1x5' }`,
          `      - { series: 'up{instance="b"}', values: '1x5' }`,
          '    promql_expr_test:',
          `      - { expr: job:up:sum${20 + i}, eval_time: 2m, exp_samples: [{ labels: 'job:up:sum${20 + i}', value: ${expected} }] }`,
          '',
        ].join('\n'),
      );
      return path;
    });
    const run = await runPromtoolTests(tests, {
      parallelism: 2,
      timeoutPerFileMs: 10_000,
    });
    expect(run.ok).toBe(false);
    expect(run.runs).toBeGreaterThan(1);
    // promtool 3.5 names neither the file nor the group of a failing PromQL test; the JUnit report does.
    expect(run.output).toContain(`FAILED: ${tests[6]}: sums 6\n`);
    expect(run.output.match(/FAILED: /g)).toHaveLength(1);
    expect(run.output).toContain('exp: {__name__="job:up:sum26"} 3E+00');
    expect(run.output).toContain('got: {__name__="job:up:sum26"} 2E+00');
    expect(run.output.match(/SUCCESS/g)).toHaveLength(8);
  });

  it('reports a run that outlasts its timeout as failed, naming its files, instead of throwing', async () => {
    const files = [ruleFile(40, 'sum(up)')];
    const run = await runToolOnFiles('promtool', ['check', 'rules'], files, {
      parallelism: 1,
      timeoutPerFileMs: 1,
      minTimeoutMs: 1,
    });
    expect(run.ok).toBe(false);
    expect(run.output).toContain(`promtool check rules did not finish within 0.001 s on: ${files[0]}`);
  });
});

describe('failedTestFiles', () => {
  it('lists the failing files of a JUnit report with their failing groups, unescaped', () => {
    const junit =
      '<testsuites><testsuite name="a.yml" tests="1" failures="0" errors="0"><testcase name="ok"></testcase></testsuite>' +
      '<testsuite name="b &amp; c.yml" tests="2" failures="1" errors="0"><testcase name="fine"></testcase>' +
      '<testcase name="&#34;fires&#34;"><failure>exp 1&#xA;got 2</failure></testcase></testsuite>' +
      '<testsuite name="d.yml" tests="0" failures="0" errors="1"></testsuite></testsuites>';
    expect(failedTestFiles(junit)).toBe('FAILED: b & c.yml: "fires"\nFAILED: d.yml\n');
    expect(failedTestFiles('')).toBe('');
  });
});
