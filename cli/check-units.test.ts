import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { benchStackConfig, syntheticCatalogue } from '../bench/catalogue';
import { renderValidRuleFile } from '../components/model/rules/render';
import type { RuleFile } from '../components/model/rules/schema';
import { synthStack, type SynthResult } from '../components/stack';
import { runTests } from './check';

type Input = Pick<SynthResult, 'files' | 'rendered'>;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function written(input: Input): string {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-check-units-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(input.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The result with each named service's HighLatency threshold raised after synth (typed and text). */
function withLatencyDefect(input: Input, services: string[]): Input {
  const out = {
    files: { ...input.files },
    rendered: { ...input.rendered, ruleFiles: { ...input.rendered.ruleFiles } },
  };
  for (const service of services) {
    const path = `prometheus/rules/${service}.yml`;
    const file: RuleFile = structuredClone(input.rendered.ruleFiles[path]);
    for (const group of file.groups)
      for (const rule of group.rules)
        if ('alert' in rule && rule.alert === 'HighLatency')
          rule.expr = rule.expr.replace(/> [\d.]+$/, '> 100');
    out.rendered.ruleFiles[path] = file;
    out.files[path] = renderValidRuleFile(file);
  }
  return out;
}

describe("check's test units", () => {
  // svc-00002 and svc-00026 share objective, thresholds and size: their groups run as one unit each.
  const bench = synthStack(benchStackConfig('kubernetes'), syntheticCatalogue(27), { environment: 'bench' });
  const sample: Input = {
    files: bench.files,
    rendered: {
      ...bench.rendered,
      ruleTests: Object.fromEntries(
        Object.entries(bench.rendered.ruleTests).filter(([path]) => /svc-000(02|26)\.yml$/.test(path)),
      ),
    },
  };
  const options = { timeoutPerFileMs: 600_000 };

  it('names every group of a failing class, by its own test file, and only those', async () => {
    const both = withLatencyDefect(sample, ['svc-00002', 'svc-00026']);
    const run = await runTests(written(both), both, options);
    expect(run.ok).toBe(false);
    const failed = run.output.split('\n').filter((line) => line.startsWith('FAILED: '));
    expect(failed).toEqual([
      'FAILED: prometheus/tests/svc-00002.yml: svc-00002 HighLatency fires',
      'FAILED: prometheus/tests/svc-00026.yml: svc-00026 HighLatency fires',
    ]);
    // promtool's message, once, for the group the unit held.
    expect(run.output).toContain(
      'prometheus/tests/svc-00002.yml: svc-00002 HighLatency fires (run once for 2 groups):',
    );
    expect(run.output).toContain('alertname: HighLatency');

    const one = withLatencyDefect(sample, ['svc-00026']);
    const alone = await runTests(written(one), one, options);
    expect(alone.output.split('\n').filter((line) => line.startsWith('FAILED: '))).toEqual([
      'FAILED: prometheus/tests/svc-00026.yml: svc-00026 HighLatency fires',
    ]);
  }, 600_000);
});
