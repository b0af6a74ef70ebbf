import { join } from 'node:path';
import { TEST_STACKS_DIR } from '../components/stack/testing';
import { type CliRun, copyRepository, removeTempDirs, runCli, TESTDATA } from './testing';
import type { RouteNode } from './routed';

const STACKS = join(TESTDATA, 'stacks');

interface RoutesJson {
  ok: boolean;
  stack: string;
  tree: RouteNode;
  unplaced: unknown[];
}

interface ListJson {
  ok: boolean;
  stack: string;
  services: { name: string; team: string; job: string | null }[];
  alerts: {
    service: string;
    key: string;
    alertname: string;
    severity: string;
    for: string | null;
    receivers: string[];
  }[];
  slos: { service: string; name: string; objective: number; period: string }[];
}

/** Every route of the tree by its matcher path, with its receiver and the keys of its alerts. */
function flatten(node: RouteNode, path: string[] = []): [string, string, string[]][] {
  const here = [...path, ...node.matchers];
  return [
    [here.join(' / ') || '(root)', node.receiver, node.alerts.map((a) => `${a.service}/${a.key}`)],
    ...node.routes.flatMap((child) => flatten(child, here)),
  ];
}

describe('promstack routes and list, on the Docker test stack', () => {
  afterAll(removeTempDirs);

  let runs: Record<'routesText' | 'routesJson' | 'listText' | 'listJson', Promise<CliRun>>;
  beforeAll(() => {
    const docker = ['--root', TEST_STACKS_DIR, '--stack', 'docker'];
    runs = {
      routesText: runCli(['routes', ...docker]),
      routesJson: runCli(['routes', ...docker, '--json']),
      listText: runCli(['list', ...docker]),
      listJson: runCli(['list', ...docker, '--json']),
    };
  });

  it('routes prints the routing tree with, at each route, the alerts amtool sends there', async () => {
    const run = await runs.routesText;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('→ platform-webhook (default receiver)');
    expect(run.stdout).toMatch(/^├─ alertname="Watchdog" → null\n│ +promstack-stack\/Watchdog \[none\]$/m);
    expect(run.stdout).toContain('└─ team="shop" → platform-webhook');
    expect(run.stdout).toMatch(
      /^ {3}├─ severity="critical" → shop-pager \(continue\)\n(?:.*\n)*? {3}│ +orders\/HighErrorRate \[critical\]$/m,
    );
    expect(run.stdout).toMatch(
      /^ {3}└─ severity="warning" → shop-slack\n(?:.*\n)*? +orders\/HighLatency \[warning\]$/m,
    );
    expect(run.stdout).toContain('orders/SloBurn:availability:page (AvailabilityErrorBudgetBurn) [critical]');
    expect(run.stdout).not.toContain('routes differently');
  });

  it('routes --json gives the tree, each route with its matchers, receiver and alerts', async () => {
    const run = await runs.routesJson;
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as RoutesJson;
    expect(result).toEqual(expect.objectContaining({ ok: true, stack: 'docker', unplaced: [] }));
    const routes = flatten(result.tree);
    expect(routes).toEqual(
      expect.arrayContaining([
        ['alertname="Watchdog"', 'null', ['promstack-stack/Watchdog']],
        ['team="shop"', 'platform-webhook', []],
        [
          'team="shop" / severity="critical"',
          'shop-pager',
          [
            'orders/TargetDown:share',
            'orders/TargetsMissing',
            'orders/HighErrorRate',
            'orders/SloBurn:availability:page',
            'orders/SloBurn:latency:page',
          ],
        ],
        [
          'team="shop" / severity="critical"',
          'shop-slack',
          [
            'orders/TargetDown:share',
            'orders/TargetsMissing',
            'orders/HighErrorRate',
            'orders/SloBurn:availability:page',
            'orders/SloBurn:latency:page',
          ],
        ],
        [
          'team="shop" / severity="warning"',
          'shop-slack',
          expect.arrayContaining([
            'orders/TargetDown',
            'orders/HighLatency',
            'orders/SloBurn:availability:ticket',
          ]),
        ],
      ]),
    );
    // Every alert is delivered somewhere: the number of placements is at least the number of alerts.
    const placed = new Set(routes.flatMap(([, , alerts]) => alerts));
    expect(placed.has('promstack-stack/MonitoringComponentDown')).toBe(true);
    expect(placed.has('vendor-host/HostOutOfDiskSpace')).toBe(true);
  });

  it('list prints services, alerts with severity, for and receivers, and SLOs', async () => {
    const run = await runs.listText;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}orders +shop +orders$/m);
    expect(run.stdout).toMatch(
      /^ {2}orders +HighErrorRate +HighErrorRate +critical +5m +shop-pager, shop-slack$/m,
    );
    expect(run.stdout).toMatch(/^ {2}orders +HighLatency +HighLatency +warning +10m +shop-slack$/m);
    expect(run.stdout).toMatch(/^ {2}orders +availability +99\.5% +30d$/m);
  });

  it('list --json gives services, alerts and SLOs', async () => {
    const run = await runs.listJson;
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as ListJson;
    expect(result.ok).toBe(true);
    expect(result.services).toEqual([{ name: 'orders', team: 'shop', job: 'orders' }]);
    expect(result.alerts).toEqual(
      expect.arrayContaining([
        {
          service: 'orders',
          key: 'HighErrorRate',
          alertname: 'HighErrorRate',
          severity: 'critical',
          for: '5m',
          receivers: ['shop-pager', 'shop-slack'],
        },
        {
          service: 'orders',
          key: 'SloBurn:availability:ticket',
          alertname: 'AvailabilityErrorBudgetBurn',
          severity: 'warning',
          for: null,
          receivers: ['shop-slack'],
        },
        expect.objectContaining({ alertname: 'Watchdog', receivers: ['null'] }),
      ]),
    );
    expect(result.slos).toEqual([
      { service: 'orders', name: 'availability', objective: 99.5, period: '30d' },
      { service: 'orders', name: 'latency', objective: 99, period: '7d' },
    ]);
  });

  it.each(['routes', 'list'])('%s prints validation errors and exits 1', async (command) => {
    const run = await runCli([command, '--root', STACKS, '--stack', 'broken']);
    expect(run.stderr).toContain('stack.prometheus: unknown field "retension"');
    expect(run.stdout).toBe('');
    expect(run.code).toBe(1);
  });

  it.each(['routes', 'list'])(
    '%s exits 2 and names npm run tools when amtool is missing',
    async (command) => {
      const repo = copyRepository();
      const run = await runCli([command, '--stack', 'dev'], {
        launcher: join(repo, 'cli', 'promstack.js'),
        cwd: repo,
        env: { PATH: '/nonexistent' },
      });
      expect(run.stderr).toContain('amtool not found');
      expect(run.stderr).toContain('npm run tools');
      expect(run.code).toBe(2);
    },
  );
});
