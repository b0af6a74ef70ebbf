import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orders } from '../../../infra/services/orders';
import { defineService } from '../../service';
import { testStackConfig } from '../../stack/testing';
import { getJson, waitFor } from '../processes';
import type { LocalProcess } from './local-process';
import { freeLocalPorts, portInUse, type LocalPorts } from './ports';
import { startLocalStack, type LocalStack } from './stack';
import { withLogin } from './web-auth';

const SECRET = 'https://hooks.example.invalid/services/never-printed';

/**
 * A stand-in for grafana-server: answers Grafana's health check and a scrape, like the real one (with
 * the exposition format's Content-Type, which Prometheus 3 requires of a target).
 */
function fakeGrafana(dir: string): { binary: string; home: string } {
  const server = join(dir, 'fake-grafana.js');
  writeFileSync(
    server,
    `require('node:http').createServer((req, res) => {
      if (req.url === '/api/health') return res.end('{"database":"ok"}');
      res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
      res.end('# TYPE fake_grafana gauge\\nfake_grafana 1\\n');
    }).listen(Number(process.env.GF_SERVER_HTTP_PORT), process.env.GF_SERVER_HTTP_ADDR);
    process.on('SIGTERM', () => process.exit(0));`,
  );
  const binary = join(dir, 'grafana-server');
  writeFileSync(binary, `#!/bin/sh\nexec "${process.execPath}" "${server}" "$@"\n`);
  chmodSync(binary, 0o755);
  const home = join(dir, 'grafana-home');
  mkdirSync(join(home, 'conf'), { recursive: true });
  writeFileSync(join(home, 'conf', 'defaults.ini'), '');
  return { binary, home };
}

const procFile = (pid: number, file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0');

describe('startLocalStack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promstack-local-'));
  const root = join(dir, 'data');
  const grafana = fakeGrafana(dir);
  const lines: string[] = [];
  const crashed: string[] = [];
  let ports: LocalPorts;
  let stack: LocalStack;

  const options = () => ({
    stack: {
      ...testStackConfig('docker'),
      prometheus: { scrapeInterval: '1s', scrapeTimeout: '1s', evaluationInterval: '1s' },
    },
    services: [
      defineService({
        ...orders,
        scrape: { targets: { local: [`127.0.0.1:${ports.exampleBackend}`] } },
      } as never),
    ],
    environment: 'dev',
    root,
    ports,
    tools: { 'grafana-server': grafana.binary },
    env: { GRAFANA_HOME: grafana.home, PROMSTACK_SECRET_SLACK_WEBHOOK_URL: SECRET },
    log: (line: string) => lines.push(line),
    onUnexpectedExit: (p: LocalProcess) => crashed.push(p.name),
  });

  beforeAll(async () => {
    ports = await freeLocalPorts(1);
    stack = await startLocalStack(options());
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts every workload, ready, at the URLs it reports', async () => {
    expect(Object.keys(stack.processes)).toEqual([
      'prometheus',
      'alertmanager',
      'grafana',
      'example-backend',
    ]);
    expect(stack.notStarted).toEqual([]);
    expect(stack.urls).toEqual({
      prometheus: `http://127.0.0.1:${ports.prometheus}`,
      alertmanagers: [`http://127.0.0.1:${ports.alertmanagers[0].web}`],
      grafana: `http://127.0.0.1:${ports.grafana}`,
      exampleBackend: `http://127.0.0.1:${ports.exampleBackend}`,
    });
    const login = withLogin(stack.webAuth);
    expect((await fetch(`${stack.urls.prometheus}/-/ready`, login)).ok).toBe(true);
    expect((await fetch(`${stack.urls.alertmanagers[0]}/-/ready`, login)).ok).toBe(true);
    // Without the login they answer 401 even there.
    expect((await fetch(`${stack.urls.prometheus}/-/ready`)).status).toBe(401);
    expect((await fetch(`${stack.urls.grafana}/api/health`)).ok).toBe(true);
    expect((await fetch(`${stack.urls.exampleBackend}/healthz`)).ok).toBe(true);
    for (const name of Object.keys(stack.processes)) {
      expect(lines).toContain(`starting ${name} on ${stack.processes[name].url}`);
      expect(lines.some((line) => line.startsWith(`${name} ready (`))).toBe(true);
    }
  });

  it('runs Prometheus and Alertmanager with exactly the workload flags', () => {
    for (const name of ['prometheus', 'alertmanager']) {
      const p = stack.processes[name];
      expect(procFile(p.pid!, 'cmdline').filter(Boolean)).toEqual([
        p.spec.command.file,
        ...p.spec.workload.args,
      ]);
      expect(p.spec.workload.args.some((a) => a.startsWith(`--web.listen-address=127.0.0.1:`))).toBe(true);
    }
    expect(stack.processes.prometheus.spec.workload.args).toContain(
      `--storage.tsdb.path=${join(root, 'data', 'prometheus')}`,
    );
  });

  it("gives Grafana and the backend their workload's environment", () => {
    const grafanaEnv = procFile(stack.processes.grafana.pid!, 'environ');
    for (const [key, value] of Object.entries(stack.processes.grafana.spec.workload.env))
      expect(grafanaEnv).toContain(`${key}=${value}`);
    expect(grafanaEnv).toContain(`GF_PATHS_DATA=${join(root, 'data', 'grafana')}`);
    expect(grafanaEnv).toContain(
      `GF_SECURITY_ADMIN_PASSWORD__FILE=${join(root, 'secrets', 'grafana-admin-password')}`,
    );
    expect(procFile(stack.processes.grafana.pid!, 'cmdline')).toContain(`--homepath=${grafana.home}`);
    const backendEnv = procFile(stack.processes['example-backend'].pid!, 'environ');
    expect(backendEnv).toEqual(
      expect.arrayContaining(['HOST=127.0.0.1', `PORT=${ports.exampleBackend}`, 'SERVICE_NAME=orders']),
    );
  });

  it('Prometheus scrapes every component and the backend, and alerts the Alertmanager', async () => {
    interface Targets {
      data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
    }
    let lastSeen: Targets['data']['activeTargets'] = [];
    const health = await waitFor(
      async () => {
        const targets = (
          await getJson<Targets>(`${stack.urls.prometheus}/api/v1/targets`, withLogin(stack.webAuth))
        ).data.activeTargets;
        lastSeen = targets;
        const up = Object.fromEntries(targets.map((t) => [t.labels.job, t.health]));
        return Object.values(up).length === 4 && Object.values(up).every((h) => h === 'up') ? up : undefined;
      },
      {
        timeoutMs: 20_000,
        describe: () =>
          `not every target is up: ${lastSeen.map((t) => `${t.labels.job} ${t.health} ${t.lastError}`).join('; ')}`,
      },
    );
    expect(health).toEqual({ prometheus: 'up', alertmanager: 'up', grafana: 'up', orders: 'up' });
    const alertmanagers = await getJson<{ data: { activeAlertmanagers: { url: string }[] } }>(
      `${stack.urls.prometheus}/api/v1/alertmanagers`,
      withLogin(stack.webAuth),
    );
    expect(alertmanagers.data.activeAlertmanagers.map((a) => a.url)).toEqual([
      `${stack.urls.alertmanagers[0]}/api/v2/alerts`,
    ]);
  });

  it('writes the rendered files and the secrets into the data folder, never printing a value', () => {
    for (const [key, content] of Object.entries(stack.synth.files)) {
      if (key.startsWith('prometheus/tests/')) continue;
      const path = key.startsWith('grafana/dashboards/')
        ? join(root, 'config', 'grafana', 'dashboards', key.slice('grafana/dashboards/'.length))
        : join(root, 'config', key);
      expect(readFileSync(path, 'utf8')).toBe(content);
    }
    const secret = join(root, 'secrets', 'slack-webhook-url');
    expect(readFileSync(secret, 'utf8')).toBe(SECRET);
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    expect(stack.secrets.map((s) => [s.name, s.source])).toEqual([
      ['grafana-admin-password', 'generated'],
      ['grafana-secret-key', 'generated'],
      ['slack-webhook-url', 'env'],
      ['web-password', 'generated'],
    ]);
    expect(stack.webAuth.password).toBe(readFileSync(join(root, 'secrets', 'web-password'), 'utf8'));
    const password = readFileSync(join(root, 'secrets', 'grafana-admin-password'), 'utf8');
    const printed = [
      ...lines,
      ...Object.values(stack.processes).map((p) => readFileSync(p.spec.logFile, 'utf8')),
    ].join('\n');
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain(password);
    expect(printed).not.toContain(stack.webAuth.password);
    expect(lines).toContain('secret slack-webhook-url: from PROMSTACK_SECRET_SLACK_WEBHOOK_URL');
  });

  it('refuses a second stack on the same data folder or on ports in use', async () => {
    await expect(startLocalStack(options())).rejects.toThrow(`a stack already runs in ${root}`);
    await expect(startLocalStack({ ...options(), root: join(dir, 'other') })).rejects.toThrow(
      `port ${ports.prometheus} on 127.0.0.1 is in use, prometheus cannot listen there`,
    );
  });

  it('reports a process that exits on its own', async () => {
    process.kill(stack.processes['example-backend'].pid!, 'SIGKILL');
    await waitFor(async () => (crashed.length > 0 ? true : undefined), {
      timeoutMs: 5000,
      describe: () => 'no unexpected exit reported',
    });
    expect(crashed).toEqual(['example-backend']);
  });

  it('stops every process and frees the data folder and the ports', async () => {
    const pids = Object.values(stack.processes)
      .map((p) => p.pid)
      .filter((pid) => pid !== undefined);
    await stack.stop();
    for (const pid of pids) expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(existsSync(join(root, 'promstack-local.pid'))).toBe(false);
    for (const port of [ports.prometheus, ports.alertmanagers[0].web, ports.grafana])
      expect(await portInUse(port)).toBe(false);
    expect(crashed).toEqual(['example-backend']);
  });

  it('stops what it started when a process fails to start', async () => {
    const failing = {
      ...options(),
      root: join(dir, 'failing'),
      tools: { 'grafana-server': undefined, prometheus: '/bin/false' },
    };
    await expect(startLocalStack(failing)).rejects.toThrow(/prometheus exited while starting \(code 1\)/);
    for (const port of [ports.alertmanagers[0].web, ports.exampleBackend])
      expect(await portInUse(port)).toBe(false);
    // The failed start released its data folder: a good one starts there.
    const good = await startLocalStack({ ...failing, tools: { 'grafana-server': undefined } });
    expect(good.notStarted).toEqual([{ name: 'grafana', reason: 'grafana-server not found' }]);
    await good.stop();
  });
});
