import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runTool } from '../components/tools/binaries';
import { removeTempDirs, runCli, tempDir, TESTDATA } from './testing';

const ROOT = join(__dirname, '..');
const VALID = relative(ROOT, join(TESTDATA, 'rules', 'valid.yml'));
const BROKEN = relative(ROOT, join(TESTDATA, 'rules', 'broken.yml'));

describe('promstack rules', () => {
  afterAll(removeTempDirs);

  it('check accepts a rule file that promtool accepts', async () => {
    const [run, promtool] = await Promise.all([
      runCli(['rules', 'check', VALID]),
      runTool('promtool', ['check', 'rules', join(ROOT, VALID)]),
    ]);
    expect(promtool.code).toBe(0);
    expect(run.stdout).toBe('ok: 1 rule file valid\n');
    expect(run.code).toBe(0);
  });

  it('check prints file: group/rule: message for every problem, and exits 1', async () => {
    const [run, promtool] = await Promise.all([
      runCli(['rules', 'check', VALID, BROKEN]),
      runTool('promtool', ['check', 'rules', join(ROOT, BROKEN)]),
    ]);
    expect(promtool.code).toBe(1);
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      `${BROKEN}: api.alerts/ApiDown: unknown field "lables": check the spelling against the documented fields`,
      expect.stringMatching(
        new RegExp(`^${BROKEN}: api\\.alerts/ApiHighErrorRate: expr: unexpected end of expression`),
      ),
      `${BROKEN}: api.alerts/ApiHighErrorRate: for: invalid duration "5 minutes": write a duration like 30s, 5m, 1h30m (units y w d h m s ms, largest first, no spaces)`,
      `${BROKEN}: api.alerts/ApiSlow: annotations.summary: unbalanced template: every {{ needs a matching }}`,
    ]);
    expect(run.stderr).toBe('4 problems in 1 of 2 files\n');
    expect(run.code).toBe(1);
  });

  it('check --json and a file that is not YAML', async () => {
    const dir = tempDir();
    const notYaml = join(dir, 'not-yaml.yml');
    writeFileSync(notYaml, 'groups:\n  - name: a\n    rules: [\n');
    const run = await runCli(['rules', 'check', notYaml, BROKEN, '--json']);
    const result = JSON.parse(run.stdout) as {
      ok: boolean;
      errors: { file: string; group?: string; rule?: string; field?: string; message: string }[];
    };
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toEqual({ file: notYaml, message: expect.stringContaining('not valid YAML') });
    expect(result.errors).toContainEqual({
      file: BROKEN,
      group: 'api.alerts',
      rule: 'ApiSlow',
      field: 'annotations.summary',
      message: 'unbalanced template: every {{ needs a matching }}',
    });
    expect(run.code).toBe(1);
  });

  it('fmt prints the file in canonical form, which promtool accepts; a broken file exits 1', async () => {
    const [run, broken] = await Promise.all([
      runCli(['rules', 'fmt', VALID]),
      runCli(['rules', 'fmt', BROKEN]),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      [
        '      - alert: ApiHighErrorRate',
        '        expr: |-',
        '          sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05',
        '        for: 5m',
        '        labels:',
        '          severity: critical',
        '          team: shop',
      ].join('\n'),
    );
    const formatted = join(tempDir(), 'rules.yml');
    writeFileSync(formatted, run.stdout);
    expect((await runTool('promtool', ['check', 'rules', formatted])).code).toBe(0);
    const again = await runCli(['rules', 'fmt', formatted]);
    expect(again.stdout).toBe(run.stdout);

    expect(broken.stdout).toBe('');
    expect(broken.stderr).toContain(`${BROKEN}: api.alerts/ApiDown: unknown field "lables"`);
    expect(broken.code).toBe(1);
  });
});
