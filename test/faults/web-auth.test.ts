import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { healthCommand } from '../../components/platforms/health';
import { WEB_CONFIG_FILE } from '../../components/platforms/web-auth';
import { withLogin, type LocalStack, type WebCredentials } from '../../components/runtime/local';
import { getJson, waitFor } from '../../components/runtime/processes';
import { findTool, runTool } from '../../components/tools/binaries';
import { cleanUpFaults, faultStackConfig, startFaultStack, WebhookSink } from './testing';

/*
 * Prometheus and Alertmanager run with the web config derived from the password secret: nothing
 * without the login reads a series, sees or silences an alert, or reaches the lifecycle endpoints;
 * everything of the stack's own (Prometheus's alerting client and self-scrapes, the local runtime, the
 * container health check) logs in.
 */

const ALERT = 'FaultDrillWebAuth';

/**
 * Fires once Prometheus knows where to send it (an alert that fires before sends nowhere until its
 * resend, a minute later), and for good: whether it reaches Alertmanager says whether Prometheus logs
 * in there. The metric comes from Prometheus's scrape of itself, which logs in too.
 */
const RULES = `groups:
  - name: fault-drill
    rules:
      - alert: ${ALERT}
        expr: prometheus_notifications_alertmanagers_discovered > 0
        for: 2s
        labels:
          severity: critical
          team: platform
          service: fault-drill
        annotations:
          summary: Prometheus logged in to Alertmanager
`;

const SILENCE = JSON.stringify({
  matchers: [{ name: 'service', value: 'nothing-real', isRegex: false, isEqual: true }],
  startsAt: new Date().toISOString(),
  endsAt: new Date(Date.now() + 3600_000).toISOString(),
  createdBy: 'fault test',
  comment: 'web auth test',
});

type Target = 'prometheus' | 'alertmanager';

/**
 * Requests that read or change something: each must be refused without the login. Every row has its
 * body, undefined or not: jest takes a test function with more parameters than the row for one that
 * waits for `done`.
 */
const GUARDED: [Target, string, string, string | undefined][] = [
  ['prometheus', 'GET', '/api/v1/query?query=up', undefined],
  ['prometheus', 'GET', '/metrics', undefined],
  ['prometheus', 'POST', '/-/quit', undefined],
  ['prometheus', 'POST', '/-/reload', undefined],
  ['alertmanager', 'POST', '/api/v2/silences', SILENCE],
  ['alertmanager', 'GET', '/api/v2/alerts', undefined],
  ['alertmanager', 'POST', '/-/reload', undefined],
];

/** Runs a command with busybox's applets alone on the PATH: the images' shell, wget and base64. */
function exitCode(command: string[], bin: string): Promise<number> {
  return new Promise((resolve) =>
    execFile(join(bin, command[0]), command.slice(1), { env: { PATH: bin } }, (error) =>
      resolve(error ? Number(error.code ?? 1) : 0),
    ),
  );
}

describe('Prometheus and Alertmanager behind their login, on the real binaries', () => {
  let sink: WebhookSink;
  let stack: LocalStack;
  let login: WebCredentials;
  const urlOf = (target: Target) =>
    target === 'prometheus' ? stack.urls.prometheus : stack.urls.alertmanagers[0];
  const send = (target: Target, method: string, path: string, body?: string, init: RequestInit = {}) =>
    fetch(`${urlOf(target)}${path}`, {
      ...init,
      method,
      body,
      headers: { ...(init.headers as Record<string, string>), 'content-type': 'application/json' },
    });

  beforeAll(async () => {
    sink = await WebhookSink.start();
    stack = await startFaultStack(faultStackConfig(sink.url), { ruleFiles: { 'web-auth.yml': RULES } });
    login = stack.webAuth;
  });
  afterAll(cleanUpFaults);

  it.each(GUARDED)(
    '%s refuses %s %s without the login, and with a wrong password',
    async (target, method, path, body) => {
      const anonymous = await send(target, method, path, body);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
      const wrong = await send(
        target,
        method,
        path,
        body,
        withLogin({ ...login, password: `${login.password}x` }),
      );
      expect(wrong.status).toBe(401);
      expect(stack.processes.prometheus.alive).toBe(true);
    },
  );

  it('answers with the login; the lifecycle API stays off even then', async () => {
    const answers = await Promise.all([
      send('prometheus', 'GET', '/api/v1/query?query=up', undefined, withLogin(login)),
      send('alertmanager', 'POST', '/api/v2/silences', SILENCE, withLogin(login)),
      send('alertmanager', 'GET', '/api/v2/alerts', undefined, withLogin(login)),
      send('alertmanager', 'POST', '/-/reload', undefined, withLogin(login)),
      send('prometheus', 'POST', '/-/quit', undefined, withLogin(login)),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 403]);
    expect(await answers[4].text()).toContain('Lifecycle API is not enabled');
    expect(stack.processes.prometheus.alive).toBe(true);
  });

  it('Prometheus logs in to Alertmanager (its alert is notified) and to both for its own scrapes', async () => {
    const delivered = await waitFor(
      async () => (sink.carrying(ALERT, 'accepted').length > 0 ? true : undefined),
      { timeoutMs: 30_000, describe: () => `${ALERT} was not notified: ${JSON.stringify(sink.requests)}` },
    );
    expect(delivered).toBe(true);
    interface Targets {
      data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
    }
    const health = await waitFor(
      async () => {
        const targets = (await getJson<Targets>(`${stack.urls.prometheus}/api/v1/targets`, withLogin(login)))
          .data.activeTargets;
        const byJob = Object.fromEntries(
          targets.map((t) => [t.labels.job, `${t.health} ${t.lastError}`.trim()]),
        );
        return byJob.prometheus === 'up' && byJob.alertmanager === 'up' ? byJob : undefined;
      },
      { timeoutMs: 20_000, describe: () => 'the self-scrapes are not up' },
    );
    expect(health).toEqual({ prometheus: 'up', alertmanager: 'up' });
  });

  it('promtool accepts the config with basic_auth password_file and the derived web config', async () => {
    const config = join(stack.paths.config, 'prometheus', 'prometheus.yml');
    expect(readFileSync(config, 'utf8')).toContain(
      `password_file: ${join(stack.paths.secrets, stack.synth.config.webAuth.passwordSecret)}`,
    );
    const checks = await Promise.all([
      runTool('promtool', ['check', 'config', config]),
      runTool('promtool', ['check', 'web-config', join(stack.paths.secrets, WEB_CONFIG_FILE)]),
    ]);
    for (const check of checks)
      expect({ code: check.code, output: check.stdout + check.stderr }).toEqual({
        code: 0,
        output: expect.stringContaining('SUCCESS'),
      });
  });

  it("the containers' health check logs in with the password file, and fails with a wrong one", async () => {
    const bin = join(stack.paths.root, 'busybox');
    mkdirSync(bin);
    spawnSync(findTool('busybox'), ['--install', '-s', bin]);
    for (const name of ['prometheus', 'alertmanager']) {
      const health = stack.processes[name].spec.workload.healthCheck;
      expect(health.basicAuth?.passwordFile).toBe(join(stack.paths.secrets, 'web-password'));
      expect(await exitCode(healthCommand(health, health.readyPath!), bin)).toBe(0);
      const wrong = join(stack.paths.root, 'wrong-password');
      writeFileSync(wrong, 'not-the-password');
      const withWrong = { ...health, basicAuth: { ...health.basicAuth!, passwordFile: wrong } };
      expect(await exitCode(healthCommand(withWrong, health.readyPath!), bin)).not.toBe(0);
    }
  });

  it('keeps the password and the web config to its user (0600) and out of every log line', () => {
    for (const file of [WEB_CONFIG_FILE, 'web-password'])
      expect(statSync(join(stack.paths.secrets, file)).mode & 0o777).toBe(0o600);
    expect(stack.secrets.find((s) => s.name === 'web-password')?.source).toBe('generated');
    const logs = Object.values(stack.processes)
      .map((p) => readFileSync(p.spec.logFile, 'utf8'))
      .join('\n');
    expect(logs).not.toContain(login.password);
  });
});
