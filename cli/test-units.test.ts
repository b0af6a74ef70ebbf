import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { benchStackConfig, syntheticCatalogue } from '../bench/catalogue';
import { services } from '../infra/services';
import { renderValidRuleFile } from '../components/model/rules/render';
import type { RuleFile } from '../components/model/rules/schema';
import { renderYaml } from '../components/model/yaml';
import { synthStack, type SynthResult } from '../components/stack';
import { testStackConfig } from '../components/stack/testing';
import { runPromtoolTests } from '../components/tools/batch';
import type { PromtoolTestFile } from '../rules/unit-tests';
import { planTests, type TestPlan } from './test-units';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Input = Pick<SynthResult, 'files' | 'rendered'>;

/** Verdict of every test group: failing groups by `file: group`, from the rendered files run whole. */
async function wholeVerdicts(input: Input): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-units-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(input.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const tests = Object.keys(input.rendered.ruleTests).map((f) => join(dir, f));
  const run = await runPromtoolTests(tests, { cwd: dir, timeoutPerFileMs: 600_000 });
  return new Set(
    run.failures.flatMap((f) => f.groups.map((g) => `${f.file.slice(dir.length + 1)}: ${g.name}`)),
  );
}

/** The same verdicts from the plan's units: a failing unit fails every group it stands for. */
async function unitVerdicts(plan: TestPlan): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-units-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'rules'));
  const files = plan.classes.map((unit, i) => {
    writeFileSync(join(dir, `${i}.yml`), unit.test);
    for (const [name, text] of Object.entries(unit.rules)) writeFileSync(join(dir, name), text);
    return join(dir, `${i}.yml`);
  });
  const run = await runPromtoolTests(files, { cwd: dir, timeoutPerFileMs: 600_000 });
  const failed = new Set(run.failures.map((f) => f.file));
  return new Set(
    plan.classes.flatMap((unit, i) =>
      failed.has(files[i]) ? unit.members.map((m) => `${m.file}: ${m.group}`) : [],
    ),
  );
}

/** A result whose rule file `path` is replaced (typed and text), as if it were changed after synth. */
function withRuleFile(input: Input, path: string, file: RuleFile): Input {
  return {
    files: { ...input.files, [path]: renderValidRuleFile(file) },
    rendered: { ...input.rendered, ruleFiles: { ...input.rendered.ruleFiles, [path]: file } },
  };
}

describe('planTests', () => {
  // Services 2 and 26 share objective, thresholds and size (the catalogue cycles 4, 3 and 8 values).
  const bench = synthStack(benchStackConfig('kubernetes'), syntheticCatalogue(27), { environment: 'bench' });
  const sample: Input = {
    files: bench.files,
    rendered: {
      ...bench.rendered,
      ruleTests: Object.fromEntries(
        Object.entries(bench.rendered.ruleTests).filter(([path]) => /svc-000(02|26|03)\.yml$/.test(path)),
      ),
    },
  };

  it('runs the groups of services that differ only in names once, and fails a seeded defect by name only for its service', async () => {
    const plan = planTests(sample);
    expect(plan.whole).toEqual([]);
    const classOf = (file: string, group: string) =>
      plan.classes.find((c) => c.members.some((m) => m.file === file && m.group === group));
    const a = 'prometheus/tests/svc-00002.yml';
    const b = 'prometheus/tests/svc-00026.yml';
    // Every group of svc-00026 runs as svc-00002's (TargetsMissing's too, whose annotation names its
    // local port, no label value: an annotation that is no template is only compared whole).
    const groups = sample.rendered.ruleTests[b].tests.map((t) => t.name);
    const apart = groups.filter((g) => classOf(b, g) !== classOf(a, g.replace('svc-00026', 'svc-00002')));
    expect(groups.length).toBeGreaterThan(20);
    expect(apart).toEqual([]);
    expect(classOf(a, 'svc-00002 HighLatency fires')).not.toBe(
      classOf(a, 'svc-00002 HighLatency stays silent'),
    );

    // svc-00026's latency threshold and the text of its TargetsMissing summary (no template) changed
    // after synth: its groups that see them fail, svc-00002's pass.
    const rules = 'prometheus/rules/svc-00026.yml';
    const defect = structuredClone(sample.rendered.ruleFiles[rules]);
    for (const group of defect.groups)
      for (const rule of group.rules) {
        if ('alert' in rule && rule.alert === 'HighLatency')
          rule.expr = rule.expr.replace(/> [\d.]+$/, '> 100');
        if ('alert' in rule && rule.alert === 'TargetsMissing')
          rule.annotations = {
            ...rule.annotations,
            summary: 'Prometheus has no scrape target for svc-00002',
          };
      }
    const broken = withRuleFile(sample, rules, defect);
    const brokenPlan = planTests(broken);
    const [whole, units] = await Promise.all([wholeVerdicts(broken), unitVerdicts(brokenPlan)]);
    expect([...units].sort()).toEqual([...whole].sort());
    expect([...units].sort()).toEqual([
      `${b}: svc-00026 HighLatency fires`,
      `${b}: svc-00026 TargetsMissing fires`,
    ]);
  }, 600_000);

  it('gives the verdicts of the rendered files run whole on the full test stack with the repository services', async () => {
    const full = synthStack(testStackConfig('full'), services, { environment: 'full' });
    const plan = planTests(full);
    const [whole, units] = await Promise.all([wholeVerdicts(full), unitVerdicts(plan)]);
    expect([...units]).toEqual([...whole]);
    expect(plan.groups).toBeGreaterThan(10);
  }, 600_000);

  const svc = (name: string, team: string, regex: boolean): [string, RuleFile, PromtoolTestFile] => [
    name,
    {
      groups: [
        {
          name: `${name}.recording`,
          rules: [
            { record: 'job:up:sum', expr: `sum by (job) (up{job="${name}"})` },
            { record: 'job:other:sum', expr: `sum by (job) (other{job="${name}"})` },
          ],
        },
        {
          name: `${name}.alerts`,
          rules: [
            {
              alert: 'AllDown',
              // The regex matches the names ending in -api only.
              expr: regex ? `job:up:sum{job=~".+-api"} == 0` : `job:up:sum{job="${name}"} == 0`,
              labels: { service: name, team },
              annotations: { summary: `${name} is down` },
            },
          ],
        },
      ],
    },
    {
      rule_files: [`../rules/${name}.yml`],
      evaluation_interval: '1m',
      tests: [
        {
          name: `${name} AllDown fires`,
          interval: '1m',
          input_series: [{ series: `up{job="${name}"}`, values: '0x3' }],
          alert_rule_test: [
            {
              eval_time: '2m',
              alertname: 'AllDown',
              exp_alerts: [
                {
                  exp_labels: { job: name, service: name, team },
                  exp_annotations: { summary: `${name} is down` },
                },
              ],
            },
          ],
        },
      ],
    },
  ];
  const inputOf = (...services: [string, RuleFile, PromtoolTestFile][]): Input => ({
    files: Object.fromEntries(
      services.flatMap(([name, rules, tests]) => [
        [`prometheus/rules/${name}.yml`, renderValidRuleFile(rules)],
        [`prometheus/tests/${name}.yml`, renderYaml(tests)],
      ]),
    ),
    rendered: {
      ruleFiles: Object.fromEntries(services.map(([name, rules]) => [`prometheus/rules/${name}.yml`, rules])),
      ruleTests: Object.fromEntries(
        services.map(([name, , tests]) => [`prometheus/tests/${name}.yml`, tests]),
      ),
    } as SynthResult['rendered'],
  });

  it('merges units that differ in names only, but not when a regex matcher reads a renamed label', async () => {
    const names = [
      svc('alpha-api', 'team-a', false),
      svc('bravo-api', 'team-b', false),
      svc('charlie-x', 'team-c', false),
    ];
    expect(planTests(inputOf(...names)).classes.map((c) => c.members.length)).toEqual([3]);
    const input = inputOf(
      svc('alpha-api', 'team-a', true),
      svc('bravo-api', 'team-b', true),
      svc('charlie-x', 'team-c', true),
    );
    const plan = planTests(input);
    expect(plan.classes.map((c) => c.members.length)).toEqual([1, 1, 1]);
    // The regex does not match charlie-x: its group fails, which a run of alpha-api's unit would hide.
    const [whole, units] = await Promise.all([wholeVerdicts(input), unitVerdicts(plan)]);
    expect([...whole]).toEqual(['prometheus/tests/charlie-x.yml: charlie-x AllDown fires']);
    expect([...units]).toEqual([...whole]);
  });

  it("keeps in a group's slice the recording rules of other groups its alert reads, and leaves out the rules that read no data", () => {
    const plan = planTests(inputOf(svc('alpha-api', 'team-a', false)));
    const [unit] = plan.classes;
    const rules = Object.values(unit.rules).join('');
    expect(rules).toContain('record: job:up:sum');
    expect(rules).not.toContain('job:other:sum');
    expect(rules).toContain('summary: alpha-api is down');
  });

  it('keeps a rule no test reads when it sees data: its evaluation error fails the group as in the whole file', async () => {
    const [name, rules, tests] = svc('alpha-api', 'team-a', false);
    // Two series on each side with no label to match on: "many-to-many matching not allowed".
    rules.groups[0].rules.push({ record: 'job:broken:ratio', expr: 'up * on () up' });
    tests.tests[0].input_series.push({ series: 'up{job="alpha-api",instance="b"}', values: '0x3' });
    tests.tests[0].alert_rule_test[0].exp_alerts[0].exp_labels = {
      job: 'alpha-api',
      service: name,
      team: 'team-a',
    };
    const input = inputOf([name, rules, tests]);
    const plan = planTests(input);
    const [whole, units] = await Promise.all([wholeVerdicts(input), unitVerdicts(plan)]);
    expect([...whole]).toEqual(['prometheus/tests/alpha-api.yml: alpha-api AllDown fires']);
    expect([...units]).toEqual([...whole]);
  });

  it('runs a test file whole when a rule reads series by anything but a metric name, and gives an ALERTS reader every alert rule', () => {
    const [name, rules, tests] = svc('alpha-api', 'team-a', false);
    const alerts = structuredClone(rules);
    alerts.groups[0].rules.push({
      record: 'job:alerts:count',
      expr: 'count by (job) (ALERTS{job="alpha-api"})',
    });
    alerts.groups[1].rules.push({
      alert: 'Other',
      expr: 'other{job="alpha-api"} > 0',
      labels: { team: 'team-a' },
    });
    const unit = planTests(inputOf([name, alerts, tests])).classes[0];
    const text = Object.values(unit.rules).join('');
    expect(text).toContain('alert: Other');
    expect(text).toContain('record: job:alerts:count');

    const nameless = structuredClone(rules);
    nameless.groups[0].rules.push({ record: 'job:any:count', expr: 'count by (job) ({job="alpha-api"})' });
    const plan = planTests(inputOf([name, nameless, tests]));
    expect(plan.whole).toEqual(['prometheus/tests/alpha-api.yml']);
    expect(plan.classes).toEqual([]);
  });
});
