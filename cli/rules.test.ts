import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
      `${BROKEN}: api.alerts: name: duplicate group name "api.alerts": group names must be unique in a file`,
      `${BROKEN}: api.alerts/ApiDown: unknown field "lables": check the spelling against the documented fields`,
      expect.stringMatching(
        new RegExp(`^${BROKEN}: api\\.alerts/ApiHighErrorRate: expr: unexpected end of expression`),
      ),
      `${BROKEN}: api.alerts/ApiHighErrorRate: for: invalid duration "5 minutes": write a duration like 30s, 5m, 1h30m (units y w d h m s ms, largest first, no spaces)`,
      expect.stringMatching(
        new RegExp(
          `^${BROKEN}: api\\.alerts/ApiRequestRate: expr: rate\\(\\) needs a range vector as argument 1, got instant vector at col 6`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^${BROKEN}: api\\.alerts/ApiSlow: annotations\\.summary: template: function "is" not defined`,
        ),
      ),
    ]);
    // promtool refuses the file too, but names only its first YAML-level mistake.
    expect(promtool.stderr).toContain('unknown unit " minutes" in duration "5 minutes"');
    expect(run.stderr).toBe('6 problems in 1 of 2 files\n');
    expect(run.code).toBe(1);
  });

  it('check takes folders and quoted globs, each file once, and refuses a path that names nothing', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'vendor', 'node'), { recursive: true });
    const valid = readFileSync(join(ROOT, VALID), 'utf8');
    writeFileSync(join(dir, 'vendor', 'a.yml'), valid);
    writeFileSync(join(dir, 'vendor', 'node', 'b.yaml'), valid);
    writeFileSync(join(dir, 'vendor', 'node', 'README.md'), '# not a rule file\n');
    writeFileSync(
      join(dir, 'vendor', 'node', 'c.yml'),
      'groups:\n  - name: c\n    rules:\n      - record: x\n        expr: rate(x)\n',
    );

    const folder = await runCli(['rules', 'check', join(dir, 'vendor'), '--json']);
    const result = JSON.parse(folder.stdout) as {
      files: string[];
      errors: { file: string; message: string }[];
    };
    expect(result.files).toEqual([
      join(dir, 'vendor', 'a.yml'),
      join(dir, 'vendor', 'node', 'b.yaml'),
      join(dir, 'vendor', 'node', 'c.yml'),
    ]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        file: join(dir, 'vendor', 'node', 'c.yml'),
        message: expect.stringContaining('needs a range vector'),
      }),
    ]);
    expect(folder.code).toBe(1);

    const glob = await runCli(['rules', 'check', `${dir}/vendor/**/*.y*ml`, `${dir}/vendor/a.yml`, '--json']);
    expect((JSON.parse(glob.stdout) as { files: string[] }).files).toEqual(result.files);

    const onlyValid = await runCli(['rules', 'check', `${dir}/vendor/*.yml`]);
    expect(onlyValid.stdout).toBe('ok: 1 rule file valid\n');
    expect(onlyValid.code).toBe(0);

    const nothing = await runCli(['rules', 'check', `${dir}/vendor/*.json`]);
    expect(nothing.stderr).toContain('matches no rule file');
    expect(nothing.code).toBe(2);
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
      message: expect.stringContaining('function "is" not defined'),
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
