import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchdogTimings } from '../../stack/alertmanager';
import { findTool } from '../../tools/binaries';
import { startChannelSinks, type ChannelSinks } from '../channels';
import { freePort, startProcess, waitFor, type RunningProcess } from '../processes';
import { checkHeartbeat } from './heartbeat';

describe("the drill's heartbeat check", () => {
  it('passes arrivals one period apart, give or take half a group_interval', () => {
    const check = checkHeartbeat([0, 4.2, 7.9, 12, 16.9], 4, 2);
    expect(check).toEqual({ arrivals: 5, gaps: [4.2, 3.7, 4.1, 4.9], period: 4, tolerance: 1, problems: [] });
  });

  it('names a missed send, a late one, and a run with fewer than two arrivals', () => {
    expect(checkHeartbeat([0, 4, 10, 14], 4, 2).problems).toEqual([
      'arrival 3 came 6 s after the one before, not 4 s ± 1 s (10 s after the first)',
    ]);
    expect(checkHeartbeat([0, 4, 8, 13.2], 4, 2).problems).toEqual([
      'arrival 4 came 5.2 s after the one before, not 4 s ± 1 s (13.2 s after the first)',
    ]);
    expect(checkHeartbeat([3], 4, 2).problems).toEqual([
      'the Watchdog arrived 1 time(s): a heartbeat needs at least two to show its period',
    ]);
  });
});

/**
 * The Watchdog route's timings on the real Alertmanager: the stack's (watchdogTimings) send once per
 * period, which the drill's check accepts; a group_interval equal to the repeat_interval sends every
 * second tick, which it refuses.
 */
describe('the Watchdog route on the real Alertmanager', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-heartbeat-'));
  const period = 2;
  const routes = {
    stack: watchdogTimings(`${period}s`),
    equal: { group_interval: `${period}s`, repeat_interval: `${period}s` },
  };
  let sinks: ChannelSinks;
  const processes: RunningProcess[] = [];

  beforeAll(async () => {
    sinks = await startChannelSinks({ host: '127.0.0.1' });
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await sinks.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts an Alertmanager whose Watchdog route has `timings`; resolves with the Watchdog's arrival times. */
  async function arrivals(name: keyof typeof routes, count: number): Promise<number[]> {
    const { group_interval, repeat_interval } = routes[name];
    const config = [
      'route:',
      `  receiver: ${name}`,
      '  routes:',
      `    - receiver: ${name}`,
      '      matchers: [\'alertname="Watchdog"\']',
      '      group_wait: 0s',
      `      group_interval: ${group_interval}`,
      `      repeat_interval: ${repeat_interval}`,
      'receivers:',
      `  - name: ${name}`,
      `    webhook_configs: [{ url: '${sinks.webhookUrl(name)}' }]`,
      '',
    ].join('\n');
    writeFileSync(join(dir, `${name}.yml`), config);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const am = startProcess(name, findTool('alertmanager'), [
      `--config.file=${join(dir, `${name}.yml`)}`,
      `--storage.path=${join(dir, name)}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ]);
    processes.push(am);
    await waitFor(async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), {
      timeoutMs: 30_000,
      describe: () => am.output(),
    });
    // As Prometheus sends it: firing, valid for longer than the test.
    const endsAt = new Date(Date.now() + 600_000).toISOString();
    const posted = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'Watchdog' }, endsAt }]),
    });
    expect(posted.status).toBe(200);
    const times = () =>
      sinks
        .notifications()
        .filter((n) => n.receiver === name)
        .map((n) => n.receivedAt.getTime() / 1000);
    return waitFor(async () => (times().length >= count ? times().slice(0, count) : undefined), {
      timeoutMs: 60_000,
      describe: () => `${name}: ${times().length} arrivals`,
    });
  }

  it('sends the heartbeat every period with the stack timings, every two with equal intervals', async () => {
    const [stack, equal] = await Promise.all([arrivals('stack', 4), arrivals('equal', 3)]);
    const interval = Number(routes.stack.group_interval.replace('s', ''));
    expect(routes.stack).toEqual({ group_interval: '1s', repeat_interval: '1s500ms' });
    expect(checkHeartbeat(stack, period, interval).problems).toEqual([]);
    const doubled = checkHeartbeat(equal, period, period);
    expect(doubled.gaps.every((gap) => Math.abs(gap - 2 * period) < 0.5)).toBe(true);
    expect(doubled.problems).toHaveLength(2);
  }, 90_000);
});
