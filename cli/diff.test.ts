import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_STACKS_DIR } from '../components/stack/testing';
import { copyRepository, git, removeTempDirs, runCli, tempDir } from './testing';

const DOCKER_STACK = join(TEST_STACKS_DIR, 'Pulumi.docker.yaml');

describe('promstack diff', () => {
  afterAll(removeTempDirs);

  it('--base renders the commit with its own code and reports threshold, route and dashboard changes', async () => {
    const repo = copyRepository();
    // The copy's own stack docker: the Docker test stack, whatever the repository's stacks hold.
    copyFileSync(DOCKER_STACK, join(repo, 'Pulumi.docker.yaml'));
    git(repo, ['init', '--quiet', '--initial-branch=main']);
    git(repo, ['add', '.']);
    git(repo, ['commit', '--quiet', '--message', 'base']);
    const orders = join(repo, 'infra', 'services', 'orders.ts');
    const source = readFileSync(orders, 'utf8');
    expect(source).toContain('latencyThresholdSeconds: 0.5,');
    writeFileSync(orders, source.replace('latencyThresholdSeconds: 0.5,', 'latencyThresholdSeconds: 0.8,'));
    const stackFile = join(repo, 'Pulumi.docker.yaml');
    const stack = readFileSync(stackFile, 'utf8');
    expect(stack).toContain('warning: [shop-slack]');
    writeFileSync(stackFile, stack.replace('warning: [shop-slack]', 'warning: [shop-slack, shop-pager]'));

    const launcher = join(repo, 'cli', 'promstack.js');
    const run = await runCli(['diff', '--stack', 'docker', '--base', 'HEAD'], { launcher, cwd: repo });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^promstack diff: HEAD \([0-9a-f]{12}\) \(a\/\) → stack docker in the working tree \(b\/\)$/,
    );
    // What it does to paging comes first, before the changes in words and the file diff.
    const paging = lines.findIndex((line) => /^Paging changes \(\d+\):$/.test(line));
    expect(paging).toBeGreaterThan(0);
    expect(paging).toBeLessThan(lines.findIndex((line) => line.startsWith('Changes (')));
    expect(lines).toContain('  HighLatency (orders) now also notifies shop-pager');
    expect(lines).toContain('  HighLatency (orders) threshold changed: 0.5 → 0.8');
    expect(lines).toContain('  ~ alert orders.alerts/HighLatency: threshold changed: 0.5 → 0.8');
    expect(lines).toContain('  ~ alert orders.alerts/HighLatency: annotations changed: description');
    expect(lines).toContain(
      '  ~ route team="shop" › severity="warning": receivers changed: shop-slack → shop-slack, shop-pager',
    );
    expect(run.stdout).toMatch(/^ {2}~ panel svc-orders .+ changed$/m);
    expect(run.stdout).toContain('--- a/prometheus/rules/orders.yml\n+++ b/prometheus/rules/orders.yml\n');
    expect(run.stdout).toContain(
      '-        expr: service:latency_seconds:p99_rate5m{service="orders"} > 0.5\n',
    );
    expect(run.stdout).toContain(
      '+        expr: service:latency_seconds:p99_rate5m{service="orders"} > 0.8\n',
    );
    // The temporary worktree is gone again.
    expect(git(repo, ['worktree', 'list']).trim().split('\n')).toHaveLength(1);

    const exit = await runCli(['diff', '--stack', 'docker', '--base', 'HEAD', '--exit-code', '--json'], {
      launcher,
      cwd: repo,
    });
    expect(exit.code).toBe(1);
    const json = JSON.parse(exit.stdout) as {
      changes: { op: string; kind: string; name: string; detail?: string }[];
      paging: object[];
    };
    expect(json.changes).toContainEqual({
      op: 'changed',
      kind: 'alert',
      name: 'orders.alerts/HighLatency',
      detail: 'threshold changed: 0.5 → 0.8',
    });
    expect(json.paging).toContainEqual({
      kind: 'receivers',
      service: 'orders',
      alertname: 'HighLatency',
      severity: 'warning',
      before: ['shop-slack'],
      after: ['shop-slack', 'shop-pager'],
      text: 'HighLatency (orders) now also notifies shop-pager',
    });
  });

  it('--against compares two environments of the working tree', async () => {
    const root = tempDir();
    copyFileSync(DOCKER_STACK, join(root, 'Pulumi.dev.yaml'));
    const prod = readFileSync(DOCKER_STACK, 'utf8')
      .replace('scrapeInterval: 15s', 'scrapeInterval: 30s')
      .replace(
        / {6}- name: platform-webhook\n {8}webhook_configs:\n {10}- url: http:\/\/alert-inbox:8080\/webhook\/platform-webhook\n/,
        (m) =>
          `${m}      - name: platform-pager\n        webhook_configs:\n          - url: http://alert-inbox:8080/webhook/platform-pager\n`,
      )
      .replace('critical: [platform-webhook]', 'critical: [platform-pager]');
    writeFileSync(join(root, 'Pulumi.prod.yaml'), prod);
    const run = await runCli(['diff', '--root', root, '--stack', 'prod', '--against', 'dev']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('promstack diff: stack dev (a/) → stack prod (b/)');
    expect(lines).toContain('  ~ prometheus global: scrape_interval: 15s → 30s');
    expect(lines).toContain('  ~ prometheus global: external_labels.environment: dev → prod');
    expect(lines).toContain('  + receiver platform-pager');
    expect(lines).toContain(
      '  ~ route team="platform" › severity="critical": receivers changed: platform-webhook → platform-pager',
    );
    expect(run.stdout).toContain('-  scrape_interval: 15s\n+  scrape_interval: 30s\n');

    // The summary for a pull request: the paging changes alone, as markdown, and the files that differ.
    const summary = await runCli([
      'diff',
      '--root',
      root,
      '--stack',
      'prod',
      '--against',
      'dev',
      '--summary',
    ]);
    expect(summary.code).toBe(0);
    const items = summary.stdout.split('\n').filter((line) => line.startsWith('- '));
    expect(summary.stdout.split('\n')[0]).toBe('### Stack prod: paging changes against stack dev');
    expect(summary.stdout).toContain(
      '\n- MonitoringComponentDown (promstack-stack) no longer notifies platform-webhook; it now notifies platform-pager\n',
    );
    // Only the platform team's critical route changed: every sentence is one of its alerts moving.
    expect(items.length).toBeGreaterThan(1);
    for (const item of items)
      expect(item).toMatch(/ no longer notifies platform-webhook; it now notifies platform-pager$/);
    expect(summary.stdout).not.toContain('--- a/');
    expect(summary.stdout).toMatch(/\nRendered files: \d+ differ \(\d+ changed, 0 added, 0 removed\)\.\n$/);

    const same = await runCli(['diff', '--root', root, '--stack', 'dev', '--against', 'dev', '--exit-code']);
    expect(same.stdout).toContain('No changes: the rendered files are identical.');
    expect(same.code).toBe(0);
    const none = await runCli(['diff', '--root', root, '--stack', 'dev', '--against', 'dev', '--summary']);
    expect(none.stdout).toBe(
      '### Stack dev: paging changes against stack dev\n\nNo paging change.\n\nRendered files: identical.\n',
    );
  });

  it('refuses --summary with --json, which carries the paging changes itself', async () => {
    const run = await runCli(['diff', '--stack', 'dev', '--summary', '--json']);
    expect(run.stderr).toContain('give --summary or --json, not both');
    expect(run.code).toBe(2);
  });

  it('exits 2 for a ref git does not know', async () => {
    const run = await runCli(['diff', '--stack', 'dev', '--base', 'no-such-branch-xyz']);
    expect(run.stderr).toContain('unknown git ref "no-such-branch-xyz"');
    expect(run.code).toBe(2);
  });

  it('exits 1 with the validation errors of the working tree', async () => {
    const run = await runCli([
      'diff',
      '--root',
      join(__dirname, 'testdata', 'stacks'),
      '--stack',
      'broken',
      '--against',
      'nullroute',
    ]);
    expect(run.stderr).toContain('stack.prometheus: unknown field "retension"');
    expect(run.code).toBe(1);
  });
});
