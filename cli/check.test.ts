import { join } from 'node:path';
import { TEST_STACKS_DIR } from '../components/stack/testing';
import { listStacks, PROJECT_ROOT } from './stacks';
import { type CliRun, copyRepository, removeTempDirs, runCli, tempDir, TESTDATA } from './testing';

const STACKS = join(TESTDATA, 'stacks');

interface CheckJson {
  ok: boolean;
  steps: { name: string; ok: boolean; output: string }[];
  routing: {
    service: string;
    key: string;
    labels: Record<string, string>;
    receivers: string[];
    ok: boolean;
    problem?: string;
  }[];
  problems: string[];
}

describe('promstack check', () => {
  afterAll(removeTempDirs);

  // The slow runs (promtool test rules) start together and are awaited by the tests that need them.
  let runs: Record<'dockerText' | 'dockerJson' | 'nullroute', Promise<CliRun>>;
  beforeAll(() => {
    runs = {
      dockerText: runCli(['check', '--root', TEST_STACKS_DIR, '--stack', 'docker']),
      dockerJson: runCli(['check', '--root', TEST_STACKS_DIR, '--stack', 'docker', '--json']),
      nullroute: runCli(['check', '--root', STACKS, '--stack', 'nullroute']),
    };
  });

  it('passes for the Docker test stack: promtool, amtool and the routing of every alert', async () => {
    const [text, json] = await Promise.all([runs.dockerText, runs.dockerJson]);
    expect(text.stdout).toMatch(/^ {2}✓ promtool check config +prometheus\/prometheus\.yml$/m);
    expect(text.stdout).toMatch(/^ {2}✓ promtool check rules +prometheus\/rules\/orders\.yml/m);
    expect(text.stdout).toMatch(/^ {2}✓ promtool test rules +prometheus\/tests\/orders\.yml/m);
    expect(text.stdout).toMatch(/^ {2}✓ amtool check-config +alertmanager\/alertmanager\.yml$/m);
    expect(text.stdout).toContain('  ✓ orders/HighErrorRate [critical] → shop-pager, shop-slack');
    expect(text.stdout).toContain('  ✓ orders/HighLatency [warning] → shop-slack');
    expect(text.stdout).toContain('  ✓ promstack-stack/Watchdog [none] → null (its own receiver)');
    expect(text.stdout).toContain('check passed');
    expect(text.code).toBe(0);

    const result = JSON.parse(json.stdout) as CheckJson;
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => [s.name, s.ok])).toEqual([
      ['promtool check config', true],
      ['promtool check rules', true],
      ['promtool test rules', true],
      ['amtool check-config', true],
    ]);
    // The real tools saw the rule files through the temporary layout, not the container paths.
    expect(result.steps[0].output).toMatch(/SUCCESS: [1-9]\d* rule files found/);
    expect(result.steps[2].output).toContain('SUCCESS');
    const errorRate = result.routing.find((r) => r.key === 'HighErrorRate');
    expect(errorRate?.labels).toEqual(
      expect.objectContaining({
        alertname: 'HighErrorRate',
        severity: 'critical',
        service: 'orders',
        team: 'shop',
        environment: 'docker',
      }),
    );
    expect(result.routing.every((r) => r.ok)).toBe(true);
    expect(json.code).toBe(0);
    // Three checks run at once, each with seconds of promtool unit tests: slow on a shared machine.
  }, 180_000);

  // The repository's stacks as their user runs them: whatever they hold, they must pass.
  it.each(listStacks(PROJECT_ROOT))('passes for the repository stack %s', async (stack) => {
    const run = await runCli(['check', '--stack', stack]);
    expect(run.stdout).not.toContain('✗');
    expect(run.stdout).toContain('check passed');
    expect(run.code).toBe(0);
  });

  it('with --cache, runs a test file again only when it or the rules it loads changed since it passed', async () => {
    const cache = tempDir();
    const args = ['check', '--root', TEST_STACKS_DIR, '--stack', 'docker', '--cache', cache, '--json'];
    const first = JSON.parse((await runCli(args)).stdout) as CheckJson;
    expect(first.ok).toBe(true);
    expect(first.steps[2].output).not.toContain('passed before');
    const second = JSON.parse((await runCli(args)).stdout) as CheckJson;
    expect(second.ok).toBe(true);
    expect(second.steps[2]).toEqual(
      expect.objectContaining({
        ok: true,
        output: expect.stringMatching(
          /^\d+ test groups of \d+ test files ran as .*\n(\d+) of \1 test units passed before/,
        ),
      }),
    );
    // The stack's other steps and the routing are run as on every check.
    expect(second.steps[0].output).toMatch(/SUCCESS/);
    expect(second.routing.length).toBe(first.routing.length);
  });

  it("fails when a team's alerts reach only a receiver that notifies no one", async () => {
    const run = await runs.nullroute;
    expect(run.stdout).toMatch(/^ {2}✓ amtool check-config/m);
    expect(run.stdout).toContain('  ✗ orders/HighErrorRate [critical] → null');
    expect(run.stdout).toContain(
      'reaches only null, which notifies no one (a receiver without *_configs): list a receiver with an integration under teams.shop.critical',
    );
    expect(run.stdout).toContain('teams.shop.warning');
    // The platform team's alerts still reach its webhook, and the Watchdog may go to "null".
    expect(run.stdout).toContain('  ✓ promstack-stack/MonitoringComponentDown [critical] → platform-webhook');
    expect(run.stdout).toContain('  ✓ promstack-stack/Watchdog [none] → null');
    expect(run.stdout).toMatch(/check failed: \d+ problems/);
    expect(run.code).toBe(1);
  });

  it('prints validation errors and exits 1 before running any tool', async () => {
    const run = await runCli(['check', '--root', STACKS, '--stack', 'broken']);
    expect(run.stderr).toContain('stack.prometheus: unknown field "retension"');
    expect(run.stdout).not.toContain('promtool');
    expect(run.code).toBe(1);
  });

  it('exits 2 and names npm run tools when promtool is missing', async () => {
    const repo = copyRepository();
    const run = await runCli(['check', '--stack', 'dev'], {
      launcher: join(repo, 'cli', 'promstack.js'),
      cwd: repo,
      env: { PATH: '/nonexistent' },
    });
    expect(run.stderr).toContain('promtool not found');
    expect(run.stderr).toContain('npm run tools');
    expect(run.code).toBe(2);
  });
});
