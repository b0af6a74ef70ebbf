import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DrillReport, ScenarioResult } from '../../components/runtime/drill';

const ROOT = join(__dirname, '..', '..');
const LAUNCHER = join(ROOT, 'cli', 'promstack.js');
/** The whole drill, stack start to stop, on this 2-core machine: about five minutes. */
const DRILL_TIMEOUT_MS = 345_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** `npx promstack drill` as CI runs it: a child process, SIGTERM (which stops the stack) on timeout. */
function drill(args: readonly string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_ENV;
  delete env.JEST_WORKER_ID;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [LAUNCHER, 'drill', ...args],
      { cwd: ROOT, env, timeout: DRILL_TIMEOUT_MS, killSignal: 'SIGTERM', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number' && !error.killed) return reject(error);
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          stdout,
          stderr,
          seconds: (Date.now() - started) / 1000,
        });
      },
    );
  });
}

/** Pids of processes whose command line names `text`. */
function processesNaming(text: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('promstack drill --stack dev', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-drill-test-'));
  const data = join(dir, 'data');
  const jsonFile = join(dir, 'report.json');
  let run: Run;
  let report: DrillReport;
  const scenario = (name: string): ScenarioResult => {
    const found = report.scenarios.find((s) => s.name === name);
    if (!found) throw new Error(`no scenario ${name} in the report`);
    return found;
  };

  beforeAll(async () => {
    run = await drill(['--stack', 'dev', '--json', jsonFile, '--data', data]);
    if (existsSync(jsonFile)) report = JSON.parse(readFileSync(jsonFile, 'utf8')) as DrillReport;
  }, DRILL_TIMEOUT_MS + 15_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes every scenario and exits 0, within the time CI allows', () => {
    const failed = (report?.scenarios ?? [])
      .filter((s) => !s.ok)
      .map((s) => `${s.name}: ${s.problems.join('; ')}`);
    expect({ failed, stderrTail: run.code === 0 ? '' : run.stderr.slice(-3000) }).toEqual({
      failed: [],
      stderrTail: '',
    });
    expect(run.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(run.seconds).toBeLessThan(DRILL_TIMEOUT_MS / 1000);
  });

  it('ran every scenario of the issue on the default 15x clock, and says how', () => {
    expect(report.scenarios.map((s) => s.name)).toEqual([
      'baseline',
      'target down',
      'error ratio',
      'latency',
      'SLO fast burn',
      'latency SLO fast burn',
      'CPU',
      'inhibition',
      'dashboards',
      'silence',
      'maintenance window',
      'watchdog heartbeat',
      'stack health',
    ]);
    expect(report).toMatchObject({ stack: 'dev', service: 'orders', timeScale: 15, limit: 1.5 });
    expect(report.intervals.real).toMatchObject({
      scrapeInterval: '15s',
      evaluationInterval: '15s',
      groupWait: '10s',
    });
    expect(report.intervals.scaled).toMatchObject({
      scrapeInterval: '1s',
      scrapeTimeout: '1s',
      evaluationInterval: '1s',
      groupWait: '1s',
      groupInterval: '20s',
      repeatInterval: '16m',
    });
    expect(report.history.seconds).toBeGreaterThan(3600);
    expect(report.history.realSeconds).toBe(report.history.seconds * 15);
  });

  it.each([
    ['target down', 'TargetDown', 'critical', ['shop-pager', 'shop-slack']],
    ['latency', 'HighLatency', 'warning', ['shop-slack']],
    ['SLO fast burn', 'AvailabilityErrorBudgetBurn', 'critical', ['shop-pager', 'shop-slack']],
    ['latency SLO fast burn', 'LatencyErrorBudgetBurn', 'critical', ['shop-pager', 'shop-slack']],
    ['CPU', 'HighCpuUsage', 'warning', ['shop-slack']],
  ])(
    '%s: %s (%s) reaches exactly %j, resolves, within 1.5x its window-aware floor',
    (name, alertname, severity, receivers) => {
      const { alert, fault } = scenario(name);
      expect(fault).toBeDefined();
      expect(alert).toBeDefined();
      const a = alert!;
      expect(a.labels).toMatchObject({ alertname, service: 'orders', team: 'shop', severity });
      expect(a.expectedReceivers).toEqual(receivers);
      expect(a.receivers).toEqual(receivers);
      // Every receiver of the dev stack tells about resolution.
      expect(a.expectedResolvedReceivers).toEqual(receivers);
      expect(a.resolvedReceivers).toEqual(receivers);
      expect(a.firingAfter).toBeLessThanOrEqual(a.latency!.scaled);
      expect(a.latency!.real).toBeCloseTo(a.latency!.scaled * 15, 0);
      expect(a.windowAwareFloor.scaled).toBeGreaterThanOrEqual(a.floor.scaled);
      expect(a.windowAwareFloor.real).toBeGreaterThanOrEqual(a.floor.real);
      expect(a.ratios!.windowAware).toBeLessThanOrEqual(1.5);
      expect(a.ratios!.floor).toBeCloseTo(a.latency!.scaled / a.floor.scaled, 1);
      expect(a.fill.scaled).not.toBe('');
      // Every notification carried these (a scenario fails otherwise): the rule's runbook and panel.
      expect(Object.keys(a.links).sort()).toEqual(['dashboard_url', 'runbook_url']);
    },
  );

  it('burns the SLO with a retry storm, so the page waits on the pipeline and not on its windows', () => {
    const { alert, fault } = scenario('SLO fast burn');
    expect(fault).toMatchObject({ errorRate: 1 });
    expect(fault!.extraApiRequestsPerSecond as number).toBeGreaterThan(50);
    expect(alert!.floor.scaled).toBe(3);
    expect(alert!.fill.scaled).toContain('14.4x over 20s/240s');
    // Window-aware floor = plain floor + the recording group's evaluation (1 s) + the windows' fill,
    // which the storm keeps within half a scrape interval, as measured in Prometheus.
    expect(alert!.windowAwareFloor.scaled - alert!.floor.scaled - 1).toBeLessThanOrEqual(0.5);
  });

  it('proves the inhibition, the silence and the maintenance window', () => {
    const inhibition = scenario('inhibition');
    expect(inhibition.details).toMatchObject({ reachedWhilePageFired: [] });
    expect((inhibition.details!.inhibitedBy as string[]).length).toBeGreaterThan(0);
    // One incident, one page: the SLO page holds HighErrorRate back, as it does the ticket.
    const errorRatio = scenario('error ratio');
    expect(errorRatio.kind).toBe('inhibition');
    expect(errorRatio.details).toMatchObject({ reachedWhilePageFired: [] });
    expect((errorRatio.details!.inhibitedBy as string[]).length).toBeGreaterThan(0);
    const silence = scenario('silence');
    expect(silence.details).toMatchObject({
      silencedInAlertmanager: true,
      reachedWhileSilenced: [],
      receiversAfterExpiry: ['shop-pager', 'shop-slack'],
    });
    expect(silence.details!.notifiedAfterExpiry).toBeLessThanOrEqual(1.5 * (20 + 1));
    expect(scenario('maintenance window').details).toMatchObject({
      team: 'shop',
      mutedInAlertmanager: true,
      reached: [],
      restored: true,
    });
  });

  it("shows the Watchdog arriving at the drill's heartbeat receiver every minute, on the 15x clock every 4 s", () => {
    const heartbeat = scenario('watchdog heartbeat');
    expect(heartbeat).toMatchObject({ kind: 'heartbeat', ok: true, problems: [] });
    expect(heartbeat.details).toMatchObject({
      receiver: 'promstack-drill-heartbeat',
      interval: { scaled: '4s', real: '1m' },
      groupInterval: '2s',
      tolerance: 1,
    });
    const gaps = heartbeat.details!.gaps as number[];
    expect(heartbeat.details!.arrivals).toBe(gaps.length + 1);
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    for (const gap of gaps) expect(Math.abs(gap - 4)).toBeLessThanOrEqual(1);
  });

  it('queried every dashboard panel with data, and no stack-health alert fired (Grafana is not scraped)', () => {
    const dashboards = scenario('dashboards');
    expect(dashboards.details!.queries).toBeGreaterThan(30);
    expect(dashboards.details!.emptyAfterFaults).toEqual([]);
    expect(scenario('stack health').details).toEqual({
      fired: [],
      jobs: ['prometheus', 'alertmanager', 'orders'],
    });
  });

  it('prints the same report as a table, and leaves no process behind', () => {
    expect(run.stdout).toContain('promstack drill: stack dev, service orders, time scale 15x');
    for (const name of ['target down', 'latency', 'SLO fast burn', 'latency SLO fast burn', 'CPU'])
      expect(run.stdout).toMatch(new RegExp(`^${name} +PASS +[0-9.]+ +[0-9.]+ `, 'm'));
    expect(run.stdout).toContain(`Every scenario passed (${report.scenarios.length}).`);
    expect(run.stderr).toContain(`report written to ${jsonFile}`);
    expect(processesNaming(data)).toEqual([]);
  });
});
