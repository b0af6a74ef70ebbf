import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as binaries from '../tools/binaries';
import { services } from '../../infra/services';
import { BENCH_TEAMS, benchStackConfig, syntheticCatalogue } from '../../bench/catalogue';
import type { AlertmanagerConfig } from '../model/alertmanager';
import { alertsToRoute, routingLabelNames, testRoutes } from './alert-routes';
import { OUTPUT_PATHS } from './paths';
import { synthStack, type SynthResult } from './synth';
import { checkWithTools, layoutUnder, testStackConfig } from './testing';

/** What amtool says of one alert's whole label set, as testRoutes ran it once per alert. */
async function amtoolReceivers(file: string, labels: Record<string, string>): Promise<string[]> {
  const args = Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  const run = await binaries.runTool('amtool', [
    'config',
    'routes',
    'test',
    `--config.file=${file}`,
    ...args,
  ]);
  expect(run.code).toBe(0);
  return run.stdout.trim().split(',').filter(Boolean);
}

describe('testRoutes', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  async function rendered(make: (layout: ReturnType<typeof layoutUnder>) => SynthResult) {
    const dir = mkdtempSync(join(tmpdir(), 'promstack-routes-test-'));
    dirs.push(dir);
    const result = make(layoutUnder(dir));
    await checkWithTools(result, dir);
    return { result, file: join(dir, OUTPUT_PATHS.alertmanagerConfig) };
  }

  afterEach(() => jest.restoreAllMocks());

  it('gives every alert of the full test stack the receivers amtool gives its own label set', async () => {
    const { result, file } = await rendered((layout) =>
      synthStack(testStackConfig('full'), services, { environment: 'full', layout }),
    );
    const routes = await testRoutes(result, file);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      expect({ alert: route.key, receivers: route.receivers }).toEqual({
        alert: route.key,
        receivers: await amtoolReceivers(file, route.labels),
      });
    }
  });

  it('runs amtool once per set of routed labels, and a sample of a catalogue agrees with one run per alert', async () => {
    const { result, file } = await rendered((layout) =>
      synthStack(benchStackConfig('docker'), syntheticCatalogue(60), { environment: 'bench', layout }),
    );
    const spy = jest.spyOn(binaries, 'runTool');
    const routes = await testRoutes(result, file);
    const alerts = alertsToRoute(result).length;
    expect(routes).toHaveLength(alerts);
    // The tree matches on alertname, severity and team: a team's services share their runs, so the runs
    // grow with the teams and a service's alerts, not with the services (60 here, three a team).
    const ofService = routes.filter((r) => r.service === 'svc-00000').length;
    const ofStack = routes.filter((r) => !r.service.startsWith('svc-')).length;
    expect(spy.mock.calls.length).toBe(BENCH_TEAMS * ofService + ofStack);
    expect(spy.mock.calls.length).toBeLessThan(alerts / 2);
    expect(routes.every((r) => r.ok)).toBe(true);
    spy.mockRestore();
    const step = Math.floor(routes.length / 25);
    for (let i = 0; i < routes.length; i += step) {
      expect(routes[i].receivers).toEqual(await amtoolReceivers(file, routes[i].labels));
    }
  });
});

describe('routingLabelNames', () => {
  const config = (matchers: string[][]) =>
    ({
      route: {
        receiver: 'default',
        routes: [{ matchers: matchers[0], routes: matchers.slice(1).map((m) => ({ matchers: m })) }],
      },
    }) as unknown as AlertmanagerConfig;

  it('collects the label names of every matcher of the tree, nested routes too', () => {
    expect(
      routingLabelNames(config([['alertname="Watchdog"'], ['team=~"a|b"', 'severity!="info"']])),
    ).toEqual(new Set(['alertname', 'team', 'severity']));
  });

  it('is undefined when a matcher does not parse, so that every label counts', () => {
    expect(routingLabelNames(config([['team="a"'], ['{broken']]))).toBeUndefined();
  });
});
